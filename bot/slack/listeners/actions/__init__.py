"""Button listeners of the report message."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.slack.blocks import ACTION_EXPORT_EXCEL, ACTION_REFRESH
from bot.slack.exports_inflight import InflightExports
from bot.slack.listeners._background import BackgroundWork
from bot.slack.listeners.actions.overage_export_excel import handle_overage_export_excel
from bot.slack.listeners.actions.overage_refresh import handle_overage_refresh

__all__ = ["register"]


def register(app: AsyncApp, deps: Deps, *, background: BackgroundWork) -> None:
    """Register the *Excel export* and *Refresh* buttons; their slow part runs in ``background``."""
    inflight = InflightExports()

    async def overage_export_excel(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        await handle_overage_export_excel(
            ack=ack,
            body=body,
            action=action,
            respond=respond,
            client=client,
            deps=deps,
            inflight=inflight,
            background=background,
        )

    async def overage_refresh(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        await handle_overage_refresh(
            ack=ack,
            body=body,
            action=action,
            respond=respond,
            client=client,
            deps=deps,
            background=background,
        )

    app.action(ACTION_EXPORT_EXCEL)(overage_export_excel)
    app.action(ACTION_REFRESH)(overage_refresh)
