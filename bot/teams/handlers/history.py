"""``overage history <text>``: over since, the excess trend and decisions of the matching customers."""

from __future__ import annotations

from microsoft_agents.hosting.core import TurnContext

from bot.deps import Deps
from bot.history_lookup import lookup_history
from bot.report.history_text import history_text
from bot.teams._card_parts import neutral
from bot.teams.cards import build_text_card
from bot.teams.handlers._activity import send_card

__all__ = ["handle_history"]


async def handle_history(context: TurnContext, text: str, *, deps: Deps) -> None:
    """Answer with one text card describing up to five matching customers (names neutralized).

    Args:
        context: the turn (the sender is already allowed to use the bot).
        text: the name to match.
        deps: settings, service, store and clock.
    """
    answer = await lookup_history(deps, text)
    tz = deps.settings.tz
    reply = history_text(
        neutral(text, 80),
        answer.entries,
        more=answer.more,
        today=deps.clock().astimezone(tz).date(),
        tz=tz,
        name=lambda name: neutral(name, 80),
        strong="**",
    )
    await send_card(context, build_text_card(reply))
