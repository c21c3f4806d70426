"""Teams' one turn error handler: every failure becomes a short reply (a card for invokes).

The typed errors are defined in :mod:`bot.teams.errors` (and Keepnet's, the store's, the configuration's);
this module turns them into what the person reads, as :mod:`bot.slack.error_replies` does for Slack.
"""

from __future__ import annotations

import structlog
from microsoft_agents.activity import ActivityTypes
from microsoft_agents.hosting.core import TurnContext

from bot.config import ConfigError
from bot.keepnet.errors import KeepnetError
from bot.store.types import StoreError
from bot.teams.cards import build_text_card
from bot.teams.errors import TeamsError
from bot.teams.handlers import messages
from bot.teams.handlers._activity import send_invoke_card, send_text

__all__ = ["error_text", "handle_turn_error"]

log = structlog.get_logger(__name__)


def error_text(err: BaseException) -> str:
    """What the person reads for an error: the typed error's message and remediation."""
    if isinstance(err, KeepnetError | TeamsError):
        return messages.error_reply(err.message, err.remediation)
    if isinstance(err, StoreError | ConfigError):
        return messages.error_reply(str(err), "")
    return messages.unexpected_error()


async def handle_turn_error(context: TurnContext, err: Exception) -> None:
    """Reply with the error instead of staying silent.

    Args:
        context: the failed turn.
        err: what was raised.
    """
    expected = isinstance(err, KeepnetError | TeamsError | StoreError | ConfigError)
    if expected:
        log.warning("teams_turn_failed", error=type(err).__name__, detail=str(err))
    else:
        log.error("teams_turn_crashed", error=type(err).__name__, exc_info=err)
    text = error_text(err)
    if context.activity.type == ActivityTypes.invoke:
        await send_invoke_card(context, build_text_card(text))
    else:
        await send_text(context, text)
