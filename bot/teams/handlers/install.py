"""Remember team channels, so that the weekly report can be posted there later.

Saved when the app is installed in a team (``installationUpdate`` add, or ``conversationUpdate``
with the bot among ``membersAdded``) and whenever the bot is messaged in a channel.
"""

from __future__ import annotations

import structlog
from microsoft_agents.hosting.core import TurnContext

from bot.deps import Deps
from bot.store.types import StoreError
from bot.teams.handlers._activity import channel_reference

__all__ = ["bot_was_added", "remember_channel"]

log = structlog.get_logger(__name__)


def bot_was_added(context: TurnContext) -> bool:
    """True for a ``conversationUpdate`` whose ``membersAdded`` includes the bot itself."""
    activity = context.activity
    bot_id = activity.recipient.id if activity.recipient is not None else None
    added = activity.members_added or []
    return bot_id is not None and any(member.id == bot_id for member in added)


async def remember_channel(context: TurnContext, *, deps: Deps) -> None:
    """Store this team channel's conversation reference (no-op outside team channels).

    A database failure is logged and does not stop the turn: the person still gets an answer.

    Args:
        context: the turn.
        deps: the store and clock.
    """
    ref = channel_reference(context.activity)
    if ref is None or deps.store is None:
        return
    try:
        await deps.store.save_conversation(ref, now=deps.clock())
    except StoreError as exc:
        log.warning("teams_conversation_not_saved", channel_id=ref.channel_id, error=str(exc))
        return
    log.info("teams_conversation_saved", channel_id=ref.channel_id, tenant_id=ref.tenant_id)
