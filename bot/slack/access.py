"""Who may run ``/overage`` and press its buttons (``OVERAGE_ALLOWED_USERS`` / ``_CHANNELS``)."""

from __future__ import annotations

from bot.config import Settings

__all__ = ["is_allowed"]


def is_allowed(settings: Settings, *, user_id: str | None, channel_id: str | None) -> bool:
    """Whether a person may use the bot in a channel.

    An empty allow-list lets everyone through; when both lists are set, both must match.

    Args:
        settings: holds ``OVERAGE_ALLOWED_USERS`` and ``OVERAGE_ALLOWED_CHANNELS``.
        user_id: the Slack user id of the person asking.
        channel_id: the channel the request came from.

    Returns:
        True when the request may go on to Keepnet.
    """
    users = settings.overage_allowed_users
    channels = settings.overage_allowed_channels
    if users and user_id not in users:
        return False
    return not (channels and channel_id not in channels)
