"""Buttons this version does not handle: answered with a short card or text, never a 501."""

from __future__ import annotations

import structlog
from microsoft_agents.activity import Activity, ActivityTypes
from microsoft_agents.hosting.core import TurnContext

from bot.teams.cards import build_text_card
from bot.teams.handlers import messages
from bot.teams.handlers._activity import send_invoke_card, send_text

__all__ = ["handle_unknown_invoke", "handle_unknown_submit", "is_card_invoke", "is_card_submit"]

log = structlog.get_logger(__name__)


def is_card_invoke(activity: Activity) -> bool:
    """An ``adaptiveCard/action`` invoke (any verb)."""
    return activity.type == ActivityTypes.invoke and activity.name == "adaptiveCard/action"


def is_card_submit(activity: Activity) -> bool:
    """An ``Action.Submit``: a message with a ``value`` and no text."""
    return activity.type == ActivityTypes.message and not activity.text and activity.value is not None


async def handle_unknown_invoke(context: TurnContext) -> None:
    """Answer an ``Action.Execute`` with an unknown verb with a "not supported" card."""
    log.info("teams_unknown_action", kind="execute")
    await send_invoke_card(context, build_text_card(messages.unsupported_action()))


async def handle_unknown_submit(context: TurnContext) -> None:
    """Answer an ``Action.Submit`` with an unknown verb with a short text."""
    log.info("teams_unknown_action", kind="submit")
    await send_text(context, messages.unsupported_action())
