"""*Excel export* button: upload a fresh XLSX from Keepnet into the report's thread."""

from __future__ import annotations

from typing import Any

import structlog
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.slack import messages
from bot.slack.blocks import ACTION_EXPORT_EXCEL
from bot.slack.error_replies import tell
from bot.slack.exports_inflight import InflightExports
from bot.slack.listeners._background import BackgroundWork
from bot.slack.listeners._upload import upload_or_tell
from bot.slack.listeners.actions._button import refused, start_click
from bot.slack.uploads import upload_export

__all__ = ["handle_overage_export_excel"]

log = structlog.get_logger(__name__)


async def handle_overage_export_excel(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    deps: Deps,
    inflight: InflightExports,
    background: BackgroundWork,
) -> None:
    """Answer a click on *Excel export*.

    The clicker sees "Preparing the Excel export…" (ephemeral); the export is always a fresh one
    from Keepnet. A second click on the same message while its export runs only gets "already being
    prepared". A failed upload (Slack refused it, or could not be reached) tells the clicker "The
    Excel file could not be attached: <reason>", logged without a traceback; Keepnet failures (and a
    bot removed from the channel) go to the app's error handler.

    Args:
        ack: acknowledges the click.
        body: the ``block_actions`` payload.
        action: the clicked button.
        respond: replies to the clicker through the ``response_url``.
        client: the Slack Web API client.
        deps: settings and the report service.
        inflight: the double-click guard.
        background: runs the work after the acknowledgement.
    """
    await ack()
    click, request = start_click(ACTION_EXPORT_EXCEL, body, action)

    async def work() -> None:
        with request:
            if await refused(click, request, settings=deps.settings, respond=respond):
                return
            with inflight.claim(click.channel, click.message_ts) as mine:
                if not mine:
                    await tell(respond, messages.export_already_running())
                    request.outcome = "already_running"
                    return
                await tell(respond, messages.preparing_export())
                upload = upload_export(
                    client,
                    deps.service,
                    kind="Excel",
                    query=click.query,
                    channel=click.channel,
                    thread_ts=click.thread_ts,
                    fresh=True,
                )
                await upload_or_tell(
                    upload,
                    respond=respond,
                    request=request,
                    channel=click.channel,
                    kind="Excel",
                    event="slack_xlsx_upload_failed",
                )

    background.start(work(), body=body, respond=respond)
