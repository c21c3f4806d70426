"""*Statement* button: upload the billing-ready statement (XLSX) into the report's thread."""

from __future__ import annotations

from typing import Any

import structlog
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.slack import messages
from bot.slack.blocks import ACTION_STATEMENT
from bot.slack.error_replies import tell
from bot.slack.exports_inflight import InflightExports
from bot.slack.listeners._background import BackgroundWork
from bot.slack.listeners._upload import upload_or_tell
from bot.slack.listeners.actions._button import refused, start_click
from bot.slack.statement_upload import upload_statement

__all__ = ["handle_overage_statement"]

log = structlog.get_logger(__name__)


async def handle_overage_statement(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    deps: Deps,
    inflight: InflightExports,
    background: BackgroundWork,
) -> None:
    """Answer a click on *Statement*: "Preparing the statement…" (ephemeral), then the file in the thread.

    The statement always covers every customer over the limit (whatever the report's ``find``). A
    second click while it is being prepared only gets "already being prepared"; a failed upload
    tells the clicker why; Keepnet failures go to the app's error handler.

    Args:
        ack: acknowledges the click.
        body: the ``block_actions`` payload.
        action: the clicked button.
        respond: replies to the clicker through the ``response_url``.
        client: the Slack Web API client.
        deps: settings, the report service and the store.
        inflight: the double-click guard.
        background: runs the work after the acknowledgement.
    """
    await ack()
    click, request = start_click(ACTION_STATEMENT, body, action)

    async def work() -> None:
        with request:
            if await refused(click, request, settings=deps.settings, respond=respond):
                return
            with inflight.claim(click.channel, f"{click.message_ts}:statement") as mine:
                if not mine:
                    await tell(respond, messages.export_already_running())
                    request.outcome = "already_running"
                    return
                await tell(respond, messages.preparing_statement())
                await upload_or_tell(
                    upload_statement(client, deps, channel=click.channel, thread_ts=click.thread_ts),
                    respond=respond,
                    request=request,
                    channel=click.channel,
                    kind="statement",
                    event="slack_statement_upload_failed",
                )

    background.start(work(), body=body, respond=respond)
