"""Upload the billing statement (XLSX) into a Slack channel or a report's thread."""

from __future__ import annotations

import asyncio

import structlog
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.slack._blocks_text import escape
from bot.statement_files import OverSinceSource, statement_file, statement_summary

__all__ = ["upload_statement"]

log = structlog.get_logger(__name__)


async def upload_statement(
    client: AsyncWebClient,
    deps: Deps,
    *,
    channel: str,
    thread_ts: str | None = None,
    history: OverSinceSource | None = None,
) -> str:
    """Build the statement of the current (cached) report and share it.

    With ``thread_ts`` (the report's Statement button) the file goes into that thread; without
    (``/overage statement``) it is posted in the channel with the one-line summary as its message.
    ``history`` gives the "Over since" column (None: left empty).

    Returns:
        The Slack file id.

    Raises:
        KeepnetError: Keepnet could not produce the complete list.
        SlackApiError: Slack refused the upload (e.g. ``not_in_channel``).
        SlackRequestError: the upload itself failed.
    """
    async with statement_file(deps.service, tz=deps.settings.tz, history=history) as made:
        data = await asyncio.to_thread(made.path.read_bytes)
        if thread_ts:
            response = await client.files_upload_v2(
                channel=channel, file=data, filename=made.filename, title=made.filename, thread_ts=thread_ts
            )
        else:
            response = await client.files_upload_v2(
                channel=channel,
                file=data,
                filename=made.filename,
                title=made.filename,
                initial_comment=escape(statement_summary(made.statement)),
            )
    file_id = str((response.get("file") or {}).get("id", ""))
    log.info("slack_statement_uploaded", channel=channel, thread_ts=thread_ts, bytes=len(data), file=file_id)
    return file_id
