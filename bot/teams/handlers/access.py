"""Who may ask for the report: ``OVERAGE_ALLOWED_USERS`` and ``OVERAGE_ALLOWED_CHANNELS`` for Teams."""

from __future__ import annotations

from microsoft_agents.activity import Activity

from bot.access import is_allowed as allowed
from bot.config import Settings
from bot.teams.handlers._activity import base_conversation_id, sender_ids

__all__ = ["is_allowed"]


def is_allowed(activity: Activity, settings: Settings) -> bool:
    """Whether the sender may see the report in this conversation.

    Each list, when set, must match: ``OVERAGE_ALLOWED_USERS`` holds the sender's Entra ID object id
    (``from.aadObjectId``) or Teams user id; ``OVERAGE_ALLOWED_CHANNELS`` holds the conversation id
    (without ``;messageid=…``). The rule of :func:`bot.access.is_allowed` (trimmed, case ignored;
    empty lists allow everyone).

    Args:
        activity: the incoming activity.
        settings: the configuration.

    Returns:
        True when allowed.
    """
    conversation = activity.conversation
    conversation_id = base_conversation_id(str(conversation.id)) if conversation is not None else ""
    return allowed(settings, user_ids=sender_ids(activity), channel_id=conversation_id)
