"""``overage reopen <text>``: billing approvers put the matching customers back to *needs action*."""

from __future__ import annotations

from microsoft_agents.hosting.core import TurnContext

from bot.billing import may_decide, reopen
from bot.deps import Deps
from bot.teams._card_parts import neutral
from bot.teams.cards import build_text_card
from bot.teams.handlers import messages
from bot.teams.handlers._activity import base_conversation_id, sender_ids
from bot.teams.handlers._private import send_to_sender

__all__ = ["handle_reopen"]


async def handle_reopen(context: TurnContext, text: str, *, deps: Deps) -> None:
    """Reopen the handled customers matching ``text``; the confirmation goes to the sender only.

    Args:
        context: the turn (the sender is already allowed to use the bot).
        text: the name to match.
        deps: settings, service, store and clock.
    """
    activity = context.activity
    ids = sender_ids(activity)
    if not may_decide(deps, ids):
        await send_to_sender(context, build_text_card(messages.not_approver()), secret=False)
        return
    if deps.store is None:
        await send_to_sender(context, build_text_card(messages.decisions_need_store()), secret=False)
        return
    sender = activity.from_property
    done = await reopen(
        deps,
        text=text,
        user_ids=ids,
        user_name=sender.name if sender is not None else None,
        edge="teams",
        channel=base_conversation_id(str(activity.conversation.id)) if activity.conversation else "",
    )
    names = [neutral(o.name, 60) for o in done.reopened]
    untouched = [neutral(o.name, 60) for o in done.untouched][:20]
    reply = messages.reopened(names[:50], untouched, neutral(text, 80))
    await send_to_sender(context, build_text_card(reply), secret=False)
