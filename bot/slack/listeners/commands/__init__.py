"""Slash-command listeners."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.slack.listeners._background import BackgroundWork
from bot.slack.listeners.commands.overage import handle_overage

__all__ = ["register"]


def register(app: AsyncApp, deps: Deps, *, background: BackgroundWork) -> None:
    """Register ``/overage``; its slow part runs in ``background``."""

    async def overage(
        ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await handle_overage(
            ack=ack, command=command, respond=respond, client=client, deps=deps, background=background
        )

    app.command("/overage")(overage)
