"""Who may run ``/overage`` and press its buttons (``OVERAGE_ALLOWED_USERS`` / ``_CHANNELS``)."""

from __future__ import annotations

from bot.access import is_allowed as allowed
from bot.config import Settings

__all__ = ["is_allowed"]


def is_allowed(settings: Settings, *, user_id: str | None, channel_id: str | None) -> bool:
    """Whether a person may use the bot in a channel.

    The rule of :func:`bot.access.is_allowed` (trimmed, case ignored; empty lists allow everyone).

    Args:
        settings: holds ``OVERAGE_ALLOWED_USERS`` and ``OVERAGE_ALLOWED_CHANNELS``.
        user_id: the Slack user id of the person asking.
        channel_id: the channel the request came from.

    Returns:
        True when the request may go on to Keepnet.
    """
    return allowed(settings, user_ids=[user_id], channel_id=channel_id)
