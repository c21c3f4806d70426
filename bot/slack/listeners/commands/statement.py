"""``/overage statement``: the billing-ready statement (XLSX) posted in the channel with a one-line summary."""

from __future__ import annotations

from typing import Any

import structlog
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.slack import messages
from bot.slack.listeners._background import BackgroundWork
from bot.slack.listeners._request_log import RequestLog
from bot.slack.listeners._upload import upload_or_tell
from bot.slack.statement_upload import upload_statement

__all__ = ["statement_command"]

log = structlog.get_logger(__name__)


async def statement_command(
    ack: AsyncAck,
    respond: AsyncRespond,
    client: AsyncWebClient,
    deps: Deps,
    background: BackgroundWork,
    *,
    request: RequestLog,
    command: dict[str, Any],
) -> None:
    """Acknowledge at once, then upload the statement into the channel the command came from.

    Args:
        ack: acknowledges the command ("Preparing the billing statement…", ephemeral).
        respond: the ephemeral reply when the upload fails.
        client: the Slack Web API client.
        deps: settings, service and store.
        background: runs the work after the acknowledgement.
        request: the command's log line (already described).
        command: the slash-command payload.
    """
    channel = str(command.get("channel_id") or "")
    await ack(text=messages.preparing_statement(), response_type="ephemeral")
    request.acked()

    async def work() -> None:
        with request:
            await upload_or_tell(
                upload_statement(client, deps, channel=channel),
                respond=respond,
                request=request,
                channel=channel,
                kind="statement",
                event="slack_statement_upload_failed",
                done="statement_uploaded",
            )

    background.start(work(), body=command, respond=respond)
