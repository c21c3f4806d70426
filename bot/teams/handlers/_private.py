"""Answers meant for one person in a channel or group chat, without Teams' preview-only targeted messages.

In a 1:1 chat the answer is simply the reply. Elsewhere the bot opens (or reuses) a proactive 1:1 chat
with the person and sends the card there; the conversation only hears that it was sent. When that
chat cannot be opened (the person has not got the app), a secret answer (a download link) is never
shown to the conversation — the person is asked to update Teams — while a harmless one (a refreshed
report, a confirmation) is posted in the conversation instead.
"""

from __future__ import annotations

from typing import Any

import aiohttp
import structlog
from microsoft_agents.activity import ChannelAccount, ConversationParameters
from microsoft_agents.hosting.core import CardFactory, ConnectorClientBase, MessageFactory, TurnContext

from bot.teams.handlers import messages
from bot.teams.handlers._activity import is_personal, send_card, tenant_of

__all__ = ["send_to_sender"]

log = structlog.get_logger(__name__)


async def send_to_sender(context: TurnContext, card: dict[str, Any], *, secret: bool) -> None:
    """Show ``card`` to the sender only: the reply in a 1:1 chat, else a private 1:1 chat.

    Args:
        context: the turn.
        card: the Adaptive Card.
        secret: the card must never reach the conversation (a download link).
    """
    if is_personal(context.activity):
        await send_card(context, card)
    elif await _send_privately(context, card):
        await context.send_activity(MessageFactory.text(messages.sent_privately(link=secret)))
    elif secret:
        await context.send_activity(MessageFactory.text(messages.update_teams_for_links()))
    else:
        await send_card(context, card)


async def _send_privately(context: TurnContext, card: dict[str, Any]) -> bool:
    """Open (or reuse) the 1:1 chat between the bot and the clicker and send ``card`` there."""
    activity = context.activity
    sender, bot = activity.from_property, activity.recipient
    connector = context.services.get(ConnectorClientBase)  # type: ignore[type-abstract]
    if sender is None or bot is None or connector is None:
        return False
    tenant = tenant_of(activity)
    parameters = ConversationParameters(
        is_group=False,
        bot=ChannelAccount(id=bot.id),
        members=[ChannelAccount(id=sender.id)],
        tenant_id=tenant or None,
        channel_data={"tenant": {"id": tenant}} if tenant else None,
    )
    try:
        chat = await connector.conversations.create_conversation(parameters)
        await connector.conversations.send_to_conversation(
            chat.id, MessageFactory.attachment(CardFactory.adaptive_card(card))
        )
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        # e.g. 403 when the person has not got the app in their personal scope
        log.info("teams_private_chat_failed", error=str(exc)[:200], error_type=type(exc).__name__)
        return False
    log.info("teams_sent_privately")
    return True
