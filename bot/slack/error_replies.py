"""The Slack app's one error handler: every failure reaches the person who asked, ephemerally.

Listeners catch nothing they cannot act on; whatever escapes them lands in :func:`handle_error`
(registered with ``app.error``), which picks the reply by type::

    KeepnetError                         what went wrong + the fix (e.g. "set Client Role = Reseller")
    SlackPostError / SlackApiError
        not_in_channel, channel_not_found  "invite me with /invite @overage-bot"
    SlackPostError (other codes)         what went wrong + the fix (e.g. "reinstall the app …")
    SlackApiError (other)                Slack's error code
    SlackRequestError, aiohttp errors,
    timeouts                             "Slack could not be reached", logged without a traceback
    anything else                        "something went wrong", logged with the traceback

The reply goes through the request's ``response_url`` (``respond()``), which works even where the
bot is not a channel member (``chat.postEphemeral`` would fail there).
"""

from __future__ import annotations

from typing import Any

import aiohttp
import structlog
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.keepnet.errors import KeepnetError
from bot.slack import messages
from bot.slack.errors import SlackPostError

__all__ = [
    "NETWORK_ERRORS",
    "NOT_IN_CHANNEL_ERRORS",
    "handle_error",
    "network_detail",
    "reply_for",
    "slack_error_code",
    "tell",
]

log = structlog.get_logger(__name__)

NOT_IN_CHANNEL_ERRORS = frozenset({"not_in_channel", "channel_not_found"})
"""Slack error codes meaning the bot must be invited to the channel first."""

NETWORK_ERRORS: tuple[type[BaseException], ...] = (aiohttp.ClientError, TimeoutError)
"""What the Slack Web API client raises when Slack cannot be reached (after its own retries)."""

_EXPECTED = (KeepnetError, SlackPostError, SlackApiError, SlackRequestError, *NETWORK_ERRORS)


def network_detail(error: BaseException) -> str:
    """A short reason for a network failure talking to Slack (no URL: it may be a capability URL)."""
    if isinstance(error, TimeoutError):
        return "no answer in time"
    return f"the connection failed ({type(error).__name__})"


def slack_error_code(error: SlackApiError) -> str:
    """The ``error`` code of a Slack API error response (e.g. ``not_in_channel``)."""
    data = getattr(error.response, "data", None)
    if isinstance(data, dict):
        return str(data.get("error", "unknown_error"))
    return "unknown_error"


def reply_for(error: BaseException) -> str:
    """The text to show the person whose request failed with ``error``.

    Args:
        error: the exception a listener raised.

    Returns:
        Escaped mrkdwn saying what went wrong and, where known, how to fix it.
    """
    if isinstance(error, KeepnetError):
        return messages.format_error(error)
    if isinstance(error, SlackPostError):
        if error.code in NOT_IN_CHANNEL_ERRORS:
            return messages.bot_not_in_channel()
        return messages.format_error(error)
    if isinstance(error, SlackApiError):
        code = slack_error_code(error)
        if code in NOT_IN_CHANNEL_ERRORS:
            return messages.bot_not_in_channel()
        return messages.slack_refused(code)
    if isinstance(error, SlackRequestError):
        return messages.slack_unreachable(str(error))
    if isinstance(error, NETWORK_ERRORS):
        return messages.slack_unreachable(network_detail(error))
    return messages.unexpected_error()


async def tell(respond: AsyncRespond | None, text: str) -> bool:
    """Send ``text`` ephemerally through the request's ``response_url``.

    Args:
        respond: Bolt's ``respond`` (None when the request had no ``response_url``).
        text: escaped mrkdwn.

    Returns:
        True when Slack accepted it; a failure is logged (there is nobody else to tell).
    """
    if respond is None:
        log.warning("slack_reply_impossible", reason="no response_url")
        return False
    try:
        await respond(text=text, response_type="ephemeral", replace_original=False)
    except (aiohttp.ClientError, TimeoutError, SlackApiError, SlackRequestError) as exc:
        log.warning("slack_reply_failed", error=type(exc).__name__, detail=str(exc))
        return False
    return True


def _who(body: dict[str, Any]) -> dict[str, Any]:
    user = body.get("user_id") or (body.get("user") or {}).get("id")
    channel = body.get("channel_id") or (body.get("channel") or {}).get("id")
    request = body.get("command") or ",".join(a.get("action_id", "?") for a in body.get("actions") or [])
    return {"user": user, "channel": channel, "request": request or body.get("type")}


def _detail(error: BaseException) -> str:
    if isinstance(error, SlackApiError):
        return slack_error_code(error)
    if isinstance(error, SlackPostError):
        return error.code
    if isinstance(error, NETWORK_ERRORS):
        return network_detail(error)
    return str(error)


async def handle_error(error: Exception, body: dict[str, Any], respond: AsyncRespond | None) -> None:
    """Bolt's global error handler: log the failure and tell the person who asked.

    Args:
        error: what a listener raised.
        body: the request payload (for the user and channel ids in the log line).
        respond: replies through the request's ``response_url``.
    """
    who = _who(body)
    if isinstance(error, _EXPECTED):
        log.warning("slack_request_failed", error=type(error).__name__, detail=_detail(error), **who)
    else:
        log.error("slack_request_crashed", exc_info=error, **who)
    await tell(respond, reply_for(error))
