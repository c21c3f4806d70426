"""Closing the weekly post's one duplicate window where the chat allows it.

A replica that dies after posting but before recording the post leaves a ``claimed`` row whose
lease runs out; the replica taking it over would post the report a second time. A destination that
can look for its own earlier post (Slack, with the optional ``channels:history`` /
``groups:history`` scope: the post carries message metadata with its period) is asked first.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import structlog

__all__ = ["FindsPosted", "find_lost_post"]

_log = structlog.get_logger()


@runtime_checkable
class FindsPosted(Protocol):
    """A destination that can find a report it already posted for a period."""

    async def find_posted(self, period: str) -> str | None:
        """The posted message's id, or None (not found, or the destination cannot look)."""


async def find_lost_post(destination: object, period: str) -> str | None:
    """After taking over an expired claim: the message a dead replica may have posted, if the destination can tell.

    Args:
        destination: the destination (looked up only when it implements :class:`FindsPosted`).
        period: the ledger period.

    Returns:
        The found message's id, or None (post as usual).
    """
    if not isinstance(destination, FindsPosted):
        return None
    found = await destination.find_posted(period)
    name = getattr(destination, "name", "?")
    if found:
        _log.info("weekly_post_recovered", destination=name, period=period, message_ref=found)
    else:
        _log.info("weekly_post_takeover", destination=name, period=period)
    return found
