"""*Refresh* button: read Keepnet again and post the report as a new message."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.slack.blocks import ACTION_REFRESH
from bot.slack.listeners._background import BackgroundWork
from bot.slack.listeners._publish import publish_report
from bot.slack.listeners.actions._button import refused, start_click

__all__ = ["handle_overage_refresh"]


async def handle_overage_refresh(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    deps: Deps,
    background: BackgroundWork,
) -> None:
    """Answer a click on *Refresh*: a fresh report (cache bypassed) with its CSV, as a new message.

    Args:
        ack: acknowledges the click.
        body: the ``block_actions`` payload.
        action: the clicked button.
        respond: replies to the clicker through the ``response_url``.
        client: the Slack Web API client.
        deps: settings, report service and clock.
        background: runs the work after the acknowledgement.
    """
    await ack()
    click, request = start_click(ACTION_REFRESH, body, action)

    async def work() -> None:
        with request:
            if await refused(click, request, settings=deps.settings, respond=respond):
                return
            service = deps.service
            asked_at = service.now()
            report = await service.report(query=click.query, top_n=click.top_n, fresh=True)
            request.outcome = await publish_report(
                client,
                deps,
                respond,
                channel=click.channel,
                report=report,
                cached=service.is_cached(report, asked_at=asked_at),
            )

    background.start(work(), body=body, respond=respond)
