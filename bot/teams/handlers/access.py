"""Who may ask for the report: ``OVERAGE_ALLOWED_USERS`` and ``OVERAGE_ALLOWED_CHANNELS`` for Teams."""

from __future__ import annotations

from microsoft_agents.activity import Activity

from bot.config import Settings
from bot.teams.handlers._activity import base_conversation_id, sender_ids

__all__ = ["is_allowed"]


def is_allowed(activity: Activity, settings: Settings) -> bool:
    """Whether the sender may see the report in this conversation.

    Each list, when set, must match: ``OVERAGE_ALLOWED_USERS`` holds the sender's Entra ID object id
    (``from.aadObjectId``) or Teams user id; ``OVERAGE_ALLOWED_CHANNELS`` holds the conversation id
    (without ``;messageid=…``). Empty lists allow everyone.

    Args:
        activity: the incoming activity.
        settings: the configuration.

    Returns:
        True when allowed.
    """
    users = {value.casefold() for value in settings.overage_allowed_users}
    if users and not any(value.casefold() in users for value in sender_ids(activity)):
        return False
    channels = set(settings.overage_allowed_channels)
    if channels:
        conversation = activity.conversation
        conversation_id = base_conversation_id(str(conversation.id)) if conversation is not None else ""
        if conversation_id not in channels:
            return False
    return True
