"""Who may use the bot: ``OVERAGE_ALLOWED_USERS`` and ``OVERAGE_ALLOWED_CHANNELS``, one rule for both edges.

Ids are compared after trimming whitespace and ignoring case (Slack ids are upper-case, Entra object
ids are GUIDs that tools print in either case). An empty list lets everyone through; when both lists
are set, both must match.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.config import Settings

__all__ = ["id_key", "is_allowed"]


def id_key(value: str) -> str:
    """The form in which ids are compared: without surrounding whitespace, case-folded."""
    return value.strip().casefold()


def _matches(allowed: tuple[str, ...], candidates: Iterable[str | None]) -> bool:
    if not allowed:
        return True
    keys = {id_key(value) for value in allowed}
    return any(candidate is not None and id_key(candidate) in keys for candidate in candidates)


def is_allowed(settings: Settings, *, user_ids: Iterable[str | None], channel_id: str | None) -> bool:
    """Whether a person may use the bot in a conversation.

    Args:
        settings: holds ``OVERAGE_ALLOWED_USERS`` and ``OVERAGE_ALLOWED_CHANNELS``.
        user_ids: the asker's ids (Slack: the user id; Teams: the Entra object id and the Teams user id).
        channel_id: the channel or conversation the request came from.

    Returns:
        True when the request may go on to Keepnet.
    """
    return _matches(settings.overage_allowed_users, user_ids) and _matches(
        settings.overage_allowed_channels, [channel_id]
    )
