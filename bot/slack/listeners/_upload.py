"""One upload step for the buttons and commands that attach a file: a failure is told, not raised."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Literal

import structlog
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.slack import messages
from bot.slack.error_replies import NETWORK_ERRORS, NOT_IN_CHANNEL_ERRORS, slack_error_code, tell
from bot.slack.listeners._request_log import RequestLog
from bot.slack.poster import failure_reason

__all__ = ["UPLOAD_ERRORS", "upload_or_tell"]

log = structlog.get_logger(__name__)

UPLOAD_ERRORS: tuple[type[BaseException], ...] = (SlackApiError, SlackRequestError, *NETWORK_ERRORS)
"""Upload failures told to the asker (Slack refused the file, or could not be reached)."""


async def upload_or_tell(
    upload: Awaitable[object],
    *,
    respond: AsyncRespond,
    request: RequestLog,
    channel: str,
    kind: Literal["CSV", "Excel", "statement"],
    event: str,
    done: str = "uploaded",
) -> None:
    """Await ``upload``; on a Slack or network failure tell the asker why (logged, no traceback).

    A bot that is not in the channel is re-raised: the app's error handler answers with the invite
    fix. Keepnet errors pass through to that handler too.

    Args:
        upload: the upload to await.
        respond: replies to the asker.
        request: the request's log line (its outcome is set).
        channel: the channel (for the log line).
        kind: what the file is, for the message ("The Excel file could not be attached: …").
        event: the warning's log event name.
        done: the outcome when the upload worked.
    """
    try:
        await upload
    except UPLOAD_ERRORS as exc:
        if isinstance(exc, SlackApiError) and slack_error_code(exc) in NOT_IN_CHANNEL_ERRORS:
            raise
        reason = failure_reason(exc)
        log.warning(event, channel=channel, error=type(exc).__name__, reason=reason)
        await tell(respond, messages.upload_failed(reason, kind=kind))
        request.outcome, request.error = "upload_failed", type(exc).__name__
        return
    request.outcome = done
