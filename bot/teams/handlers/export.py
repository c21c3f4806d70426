"""The CSV, Excel and Statement buttons: a private, ten-minute download link for the person who clicked.

``Action.Execute`` arrives as an ``adaptiveCard/action`` invoke; the answer is a card returned in
the invoke response, which Teams shows only to the clicker. Old clients send the ``Action.Submit``
fallback instead: a message with a ``value`` and no text. In a 1:1 chat the link card is the reply;
in a channel or group chat the link never goes there (everyone would see it, and "targeted
messages" are a developer preview): it is delivered in a proactive 1:1 chat with the clicker, and
the channel only hears that it was sent — or, when that chat cannot be opened, that the clicker
should update Teams (current clients send ``Action.Execute``, whose answer only they see).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import structlog
from microsoft_agents.activity import (
    AdaptiveCardInvokeResponse,
    ContentTypes,
)
from microsoft_agents.hosting.core import TurnContext

from bot.deps import Deps
from bot.teams.cards import build_link_card, build_text_card
from bot.teams.handlers import messages
from bot.teams.handlers._activity import tenant_of
from bot.teams.handlers._private import send_to_sender
from bot.teams.handlers.access import is_allowed
from bot.teams.links import ExportLinks, LinkKind

__all__ = ["EXPORT_VERBS", "export_card", "handle_export_execute", "handle_export_submit"]

EXPORT_VERBS: dict[str, LinkKind] = {
    "export_csv": "CSV",
    "export_xlsx": "Excel",
    "export_statement": "Statement",
}
"""Card verbs and the export each one asks for."""

log = structlog.get_logger(__name__)


def _query(data: object) -> str:
    if isinstance(data, dict):
        for key in ("q", "query"):
            value = data.get(key)
            if isinstance(value, str):
                return value.strip()
    return ""


def export_card(
    context: TurnContext, verb: str, data: object, *, deps: Deps, links: ExportLinks
) -> dict[str, Any]:
    """The card answering an export button: the link, or why there is none.

    Args:
        context: the turn.
        verb: ``export_csv``, ``export_xlsx`` or ``export_statement``.
        data: the button's data (``q`` is the report's ``find`` text).
        deps: settings and clock.
        links: the link minter.

    Returns:
        An Adaptive Card.
    """
    activity = context.activity
    if not is_allowed(activity, deps.settings):
        log.info("teams_access_denied", action=verb)
        return build_text_card(messages.access_denied())
    kind = EXPORT_VERBS[verb]
    link = links.mint(kind, query=_query(data), tenant=tenant_of(activity))
    log.info("teams_export_link_issued", kind=kind, expires_at=link.expires_at.isoformat())
    return build_link_card(
        kind=kind, url=link.url, expires_at=link.expires_at, tz=deps.settings.tz, now=deps.clock()
    )


async def handle_export_execute(
    context: TurnContext, data: object, *, deps: Deps, links: ExportLinks
) -> AdaptiveCardInvokeResponse:
    """Answer ``Action.Execute`` ``export_csv`` / ``export_xlsx`` with the link card (clicker only)."""
    verb = _invoke_verb(context)
    card = export_card(context, verb, data, deps=deps, links=links)
    return AdaptiveCardInvokeResponse(status_code=HTTPStatus.OK, type=ContentTypes.adaptive_card, value=card)


async def handle_export_submit(context: TurnContext, data: object, *, deps: Deps, links: ExportLinks) -> None:
    """Answer the ``Action.Submit`` fallback: the link card in a 1:1 chat with the clicker, never the channel."""
    verb = data.get("verb") if isinstance(data, dict) else None
    card = export_card(context, str(verb), data, deps=deps, links=links)
    await send_to_sender(context, card, secret=True)


def _invoke_verb(context: TurnContext) -> str:
    value = context.activity.value
    action = value.get("action") if isinstance(value, dict) else None
    verb = action.get("verb") if isinstance(action, dict) else None
    return str(verb)
