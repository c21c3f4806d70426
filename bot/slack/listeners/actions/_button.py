"""A click on a report button: what it carries (the report's ``find`` text and top N, as
``{"q": ..., "n": ...}``) and the start every button handler shares."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.commands import TOP_MAX, TOP_MIN
from bot.config import Settings
from bot.slack import messages
from bot.slack.access import is_allowed
from bot.slack.error_replies import tell
from bot.slack.listeners._request_log import RequestLog

__all__ = ["ButtonClick", "read_click", "refused", "start_click"]


@dataclass(frozen=True)
class ButtonClick:
    """A click on one of the report's buttons.

    Attributes:
        user: the clicker's user id.
        channel: the channel id of the report message.
        message_ts: the clicked message's ``ts``.
        thread_ts: where files go: the message itself, or its parent when it is a thread reply.
        query: the report's ``find`` text.
        top_n: the report's top N, when valid.
    """

    user: str | None
    channel: str
    message_ts: str
    thread_ts: str
    query: str
    top_n: int | None


def _value(action: dict[str, Any]) -> tuple[str, int | None]:
    try:
        data = json.loads(str(action.get("value") or "{}"))
    except json.JSONDecodeError:
        return "", None
    if not isinstance(data, dict):
        return "", None
    query = data.get("q")
    top_n = data.get("n")
    valid_top = isinstance(top_n, int) and not isinstance(top_n, bool) and TOP_MIN <= top_n <= TOP_MAX
    return (query if isinstance(query, str) else ""), (top_n if valid_top else None)


def read_click(body: dict[str, Any], action: dict[str, Any]) -> ButtonClick:
    """Read a ``block_actions`` payload.

    Args:
        body: the whole payload.
        action: the clicked element (``body["actions"][0]``).

    Returns:
        The click; a malformed value falls back to the full report.
    """
    message = body.get("message") or {}
    container = body.get("container") or {}
    channel = str((body.get("channel") or {}).get("id") or container.get("channel_id") or "")
    message_ts = str(message.get("ts") or container.get("message_ts") or "")
    query, top_n = _value(action)
    return ButtonClick(
        user=(body.get("user") or {}).get("id"),
        channel=channel,
        message_ts=message_ts,
        thread_ts=str(message.get("thread_ts") or message_ts),
        query=query,
        top_n=top_n,
    )


def start_click(
    action_id: str, body: dict[str, Any], action: dict[str, Any]
) -> tuple[ButtonClick, RequestLog]:
    """Read an acknowledged click and open its request log line.

    Args:
        action_id: the button's ``action_id`` (named in the log line).
        body: the ``block_actions`` payload.
        action: the clicked button.

    Returns:
        The click, and its log line (already marked acknowledged).
    """
    click = read_click(body, action)
    request = RequestLog(action_id, user=click.user, channel=click.channel)
    request.describe(kind=None, top_n=click.top_n, find=bool(click.query))
    request.acked()
    return click, request


async def refused(
    click: ButtonClick, request: RequestLog, *, settings: Settings, respond: AsyncRespond
) -> bool:
    """Tell a clicker outside the allow lists so (nothing is fetched); True when refused."""
    if is_allowed(settings, user_id=click.user, channel_id=click.channel):
        return False
    await tell(respond, messages.access_denied())
    request.outcome = "denied"
    return True
