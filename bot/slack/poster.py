"""Post an overage report to a Slack channel: the Block Kit summary, then the CSV in its thread.

Shared by ``/overage``, the Refresh button, the weekly job and ``overage-bot post``; it is the
``schedule.Destination`` for ``slack:<channel id>``.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
import structlog
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.keepnet.errors import KeepnetError
from bot.report.model import OverageReport
from bot.slack import messages
from bot.slack._blocks_text import escape
from bot.slack.blocks import build_error_message, build_report_message
from bot.slack.error_replies import slack_error_code
from bot.slack.errors import post_error
from bot.slack.table_fallback import send_blocks
from bot.slack.uploads import upload_export

__all__ = ["AFTER_SUMMARY_ERRORS", "REPORT_EVENT_TYPE", "Posted", "SlackChannelPoster", "failure_reason"]

#: Message metadata ``event_type`` of a posted report; its ``event_payload`` holds the ledger period.
REPORT_EVENT_TYPE = "overage_report"
_HISTORY_LOOKBACK_S = 8 * 24 * 3600.0
"""How far back a takeover looks for a lost report (a weekly cadence and a day)."""
_HISTORY_PAGES = 3
_HISTORY_UNAVAILABLE = ("missing_scope", "not_allowed_token_type", "no_permission")

log = structlog.get_logger(__name__)

#: What may go wrong once the summary is out (export, upload, thread note). None of these may
#: escape: the summary is already in the channel, and a caller that saw an exception would release
#: the ledger claim and post the summary again. Network failures come as aiohttp errors, timeouts
#: (``asyncio.TimeoutError`` is the builtin ``TimeoutError``, an ``OSError``) or plain ``OSError``.
AFTER_SUMMARY_ERRORS: tuple[type[BaseException], ...] = (
    KeepnetError,
    SlackApiError,
    SlackRequestError,
    aiohttp.ClientError,
    asyncio.TimeoutError,
    OSError,
)
_UPLOAD_STATUS = re.compile(r"\(status: (\d{3})\b")


@dataclass(frozen=True)
class Posted:
    """A report posted to a channel.

    Attributes:
        channel: the channel id.
        ts: the summary message's ``ts``.
        file_error: why the CSV could not be attached (None when it was, or when none was needed).
    """

    channel: str
    ts: str
    file_error: str | None = None


def failure_reason(error: BaseException) -> str:
    """A short, plain-text reason for a failed export or upload (escaped by the message texts).

    slack_sdk's own text for a failed file POST ("Failed to upload a file (status: 500, body: …,
    filename: …)") becomes "Slack's file upload failed (HTTP 500)".
    """
    if isinstance(error, KeepnetError):
        return error.message
    if isinstance(error, SlackApiError):
        return f"Slack answered {slack_error_code(error)}"
    if isinstance(error, SlackRequestError):
        status = _UPLOAD_STATUS.search(str(error))
        if status is not None:
            return f"Slack's file upload failed (HTTP {status.group(1)})"
        return "Slack's file upload failed"
    if isinstance(error, asyncio.TimeoutError):
        return "the upload to Slack timed out"
    return f"the upload to Slack failed ({type(error).__name__})"


class SlackChannelPoster:
    """Posts reports to one channel.

    Args:
        client: the Slack Web API client.
        deps: settings (time zone), the report service (CSV export) and the clock.
        channel: the channel id (``C…``/``G…``); the bot must be a member.
    """

    def __init__(self, client: AsyncWebClient, deps: Deps, *, channel: str) -> None:
        self._client = client
        self._deps = deps
        self.channel = channel

    @property
    def name(self) -> str:
        """The destination key, ``slack:<channel id>``."""
        return f"slack:{self.channel}"

    async def publish(
        self, report: OverageReport, *, cached: bool = False, weekly: bool = False, period: str | None = None
    ) -> Posted:
        """Post the summary and attach the CSV in its thread (no file when nobody is over).

        A failed CSV does not undo the summary: once the summary is out, any export or upload
        failure (:data:`AFTER_SUMMARY_ERRORS`, network errors included) is explained in the
        summary's thread (which may promise "…more in the attached CSV") and comes back in
        :attr:`Posted.file_error` instead of raising, so the caller never posts the summary twice.

        Args:
            report: the report to show.
            cached: label the data as cached (with its age).
            weekly: the weekly post's layout (needs action first).
            period: the ledger period, carried as message metadata (``overage_report``) so a replica
                taking over an expired claim can find the post (see :meth:`find_posted`).

        Returns:
            Where the summary went.

        Raises:
            SlackPostError: the summary could not be posted for a reason a person must fix
                (``not_in_channel``, ``invalid_auth``…); it says what to do.
            SlackApiError: the summary could not be posted (any other error code).
        """
        message = build_report_message(
            report, tz=self._deps.settings.tz, now=self._deps.clock(), cached=cached, weekly=weekly
        )
        try:
            response = await self._post_summary(message, period=period)
        except SlackApiError as exc:
            typed = post_error(exc, channel=self.channel)
            if typed is None:
                raise
            raise typed from exc
        ts = str(response["ts"])
        if not report.offenders:
            return Posted(channel=self.channel, ts=ts)
        try:
            await upload_export(
                self._client,
                self._deps.service,
                kind="CSV",
                query=report.query,
                channel=self.channel,
                thread_ts=ts,
            )
        except AFTER_SUMMARY_ERRORS as exc:
            reason = failure_reason(exc)
            log.warning(
                "slack_csv_upload_failed",
                channel=self.channel,
                ts=ts,
                error=type(exc).__name__,
                reason=reason,
            )
            await self._thread_note(ts, messages.upload_failed(reason))
            return Posted(channel=self.channel, ts=ts, file_error=reason)
        return Posted(channel=self.channel, ts=ts)

    async def _post_summary(self, message: dict[str, Any], *, period: str | None) -> Any:
        """``chat.postMessage``; once more with the table as sections if Slack answers ``invalid_blocks``."""
        metadata = (
            None if period is None else {"event_type": REPORT_EVENT_TYPE, "event_payload": {"period": period}}
        )
        return await send_blocks(
            self._client.chat_postMessage,
            channel=self.channel,
            blocks=message["blocks"],
            text=message["text"],
            unfurl_links=False,
            metadata=metadata,
        )

    async def find_posted(self, period: str) -> str | None:
        """The ``ts`` of a report already posted here for ``period``, read from the channel's history.

        Needs the optional ``channels:history`` (``groups:history`` for a private channel) scope;
        without it (or when Slack cannot be read) this returns None and the caller posts as before.

        Args:
            period: the ledger period the lost post would carry in its metadata.

        Returns:
            The message's ``ts``, or None when no such message is found or history cannot be read.
        """
        cursor: str | None = None
        oldest = f"{time.time() - _HISTORY_LOOKBACK_S:.6f}"
        try:
            for _ in range(_HISTORY_PAGES):
                page = await self._client.conversations_history(
                    channel=self.channel, oldest=oldest, limit=200, include_all_metadata=True, cursor=cursor
                )
                for item in page.get("messages") or []:
                    if _carries_period(item, period):
                        return str(item.get("ts"))
                cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
                if not page.get("has_more") or not cursor:
                    return None
        except SlackApiError as exc:
            code = slack_error_code(exc)
            event = "slack_history_unavailable" if code in _HISTORY_UNAVAILABLE else "slack_history_failed"
            log.info(event, channel=self.channel, error=code)
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            log.warning("slack_history_failed", channel=self.channel, error=type(exc).__name__)
        return None

    async def _thread_note(self, ts: str, text: str) -> None:
        """Reply in the summary's thread; best effort (the report is already out)."""
        try:
            await self._client.chat_postMessage(channel=self.channel, thread_ts=ts, text=text)
        except AFTER_SUMMARY_ERRORS as exc:
            log.warning("slack_upload_note_failed", channel=self.channel, error=failure_reason(exc))

    async def post(self, report: OverageReport, *, period: str) -> str:
        """Post a scheduled report; a failed CSV is explained in the thread (by :meth:`publish`).

        Args:
            report: the report.
            period: the ledger period key (logged).

        Returns:
            The summary message's ``ts`` (the ledger's message reference).

        Raises:
            SlackPostError: the summary could not be posted; it carries the fix.
            SlackApiError: the summary could not be posted (another error code).
        """
        posted = await self.publish(report, weekly=True, period=period)
        log.info(
            "slack_report_posted",
            destination=self.name,
            period=period,
            ts=posted.ts,
            file_error=posted.file_error,
        )
        return posted.ts

    async def post_failure(self, text: str) -> None:
        """Tell the channel that the scheduled report failed.

        Args:
            text: plain text from the weekly job (escaped here for mrkdwn).

        Raises:
            SlackApiError: the message could not be posted.
        """
        message = build_error_message(escape(text))
        await self._client.chat_postMessage(
            channel=self.channel, text=message["text"], blocks=message["blocks"]
        )


def _carries_period(message: object, period: str) -> bool:
    """Whether a history message is our report for ``period`` (by its metadata)."""
    if not isinstance(message, dict):
        return False
    metadata = message.get("metadata")
    if not isinstance(metadata, dict) or metadata.get("event_type") != REPORT_EVENT_TYPE:
        return False
    payload = metadata.get("event_payload")
    return isinstance(payload, dict) and payload.get("period") == period
