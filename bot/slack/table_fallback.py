"""A table Slack refuses is not a lost message: the same call once more, with the table as sections.

Workspaces and clients that do not accept the ``table`` block answer ``invalid_blocks``. Both the
report post (``chat.postMessage``) and its refresh after a decision (``chat.update``) then send the
same rows as section blocks (same escaping), once, and log a warning.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from slack_sdk.errors import SlackApiError

from bot.slack._blocks_table import has_table, tables_as_sections
from bot.slack.error_replies import slack_error_code

__all__ = ["send_blocks"]

log = structlog.get_logger(__name__)


async def send_blocks(
    send: Callable[..., Awaitable[Any]], *, blocks: list[dict[str, Any]], channel: str, **kwargs: Any
) -> Any:
    """``send(channel=…, blocks=…, **kwargs)``; on ``invalid_blocks`` for a table, again with sections.

    Args:
        send: the Web API method (``client.chat_postMessage`` or ``client.chat_update``).
        blocks: the message's blocks.
        channel: the channel (also named in the warning).
        kwargs: the method's other arguments (``text``, ``ts``, ``metadata``…).

    Returns:
        Slack's answer to the call that was accepted.

    Raises:
        SlackApiError: any other refusal, or a refusal of the sections too.
    """
    try:
        return await send(channel=channel, blocks=blocks, **kwargs)
    except SlackApiError as exc:
        if slack_error_code(exc) != "invalid_blocks" or not has_table(blocks):
            raise
        log.warning(
            "slack_table_refused",
            channel=channel,
            method=getattr(send, "__name__", "chat"),
            detail=str(exc.response.get("errors") or "")[:300],
        )
    return await send(channel=channel, blocks=tables_as_sections(blocks), **kwargs)
