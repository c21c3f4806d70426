"""Upload a Keepnet export (CSV or XLSX) into a Slack thread with ``files_upload_v2``."""

from __future__ import annotations

import asyncio

import structlog
from slack_sdk.web.async_client import AsyncWebClient

from bot.keepnet.models import ExportKind
from bot.service import ReportService

__all__ = ["upload_export"]

log = structlog.get_logger(__name__)


async def upload_export(
    client: AsyncWebClient,
    service: ReportService,
    *,
    kind: ExportKind,
    query: str,
    channel: str,
    thread_ts: str,
    fresh: bool = False,
) -> str:
    """Fetch an export from Keepnet (shared and cached by the service) and share it in a thread.

    The file is named ``overage-YYYY-MM-DD.csv`` / ``.xlsx`` (the reseller's date); CSV cells that a
    spreadsheet would run as formulas are already neutralized by the service.

    Args:
        client: the Slack Web API client.
        service: fetches the export.
        kind: ``"CSV"`` or ``"Excel"``.
        query: the report's ``find`` text ("" for all customers).
        channel: the channel id of the parent message.
        thread_ts: the parent message's ``ts`` (never a reply's).
        fresh: ask Keepnet for a new export instead of reusing a recent one (the Excel button).

    Returns:
        The Slack file id.

    Raises:
        KeepnetError: the export could not be fetched.
        SlackApiError: Slack refused the upload (e.g. ``not_in_channel``).
        SlackRequestError: the upload itself failed.
    """
    async with service.export_file(kind, query=query, fresh=fresh) as export:
        data = await asyncio.to_thread(export.path.read_bytes)
        response = await client.files_upload_v2(
            channel=channel, file=data, filename=export.filename, title=export.filename, thread_ts=thread_ts
        )
    file_id = str((response.get("file") or {}).get("id", ""))
    log.info(
        "slack_file_uploaded", kind=kind, channel=channel, thread_ts=thread_ts, bytes=len(data), file=file_id
    )
    return file_id
