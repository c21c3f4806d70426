"""The ``decide`` buttons of a needs-action row (``Action.Execute``): record billed / snoozed / ignored.

The invoke is answered with the refreshed report card (the row shows its new state, or a line says
why nothing was recorded); a recorded decision is also noted in the card's thread, and the card is
updated for everyone (best effort). The button's data is untrusted: see :mod:`bot.billing`.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

import aiohttp
import structlog
from microsoft_agents.activity import Activity, ActivityTypes, AdaptiveCardInvokeResponse, ContentTypes
from microsoft_agents.hosting.core import CardFactory, MessageFactory, TurnContext

from bot.billing import CLICK_VALUE_MAX, DecisionOutcome, parse_choice, record_choice
from bot.deps import Deps
from bot.store.decisions import delivery_key
from bot.teams._card_decisions import note_runs
from bot.teams._card_parts import neutral, rich
from bot.teams.cards import build_report_card, build_text_card
from bot.teams.handlers import messages
from bot.teams.handlers._activity import base_conversation_id, sender_ids
from bot.teams.handlers._private import send_to_sender
from bot.teams.handlers.access import is_allowed

__all__ = ["decision_card", "handle_decide_execute", "handle_decide_submit"]

log = structlog.get_logger(__name__)
_SEND_ERRORS = (aiohttp.ClientError, OSError, TimeoutError, RuntimeError, ValueError)


def _notice(outcome: DecisionOutcome) -> str | None:
    if outcome.kind == "not_approver":
        return messages.not_approver()
    if outcome.kind == "invalid":
        return messages.decision_invalid()
    if outcome.kind == "not_over":
        return messages.no_longer_over()
    if outcome.kind == "no_store":
        return messages.decisions_need_store()
    if outcome.kind == "already" and outcome.offender is not None:
        state = outcome.state
        label = state.label if state is not None else "decided"
        by = state.decided_by or "" if state is not None else ""
        return messages.already_decided(neutral(outcome.offender.name, 60), label, neutral(by, 80))
    return None


async def decision_card(context: TurnContext, data: object, *, deps: Deps) -> dict[str, Any]:
    """Record the click's decision (when allowed) and return the card to answer the invoke with."""
    activity = context.activity
    if not is_allowed(activity, deps.settings):
        log.info("teams_access_denied", action="decide")
        return build_text_card(messages.access_denied())
    raw = json.dumps(data, default=str)[: CLICK_VALUE_MAX * 8] if data is not None else ""
    choice = None
    if isinstance(data, dict) and len(raw) <= CLICK_VALUE_MAX * 2:
        choice = parse_choice(data.get("decision"), data.get("company"))
    ids = sender_ids(activity)
    sender = activity.from_property
    conversation = base_conversation_id(str(activity.conversation.id)) if activity.conversation else ""
    outcome = await record_choice(
        deps,
        choice=choice,
        user_ids=ids,
        user_name=sender.name if sender is not None else None,
        edge="teams",
        channel=conversation,
        delivery=delivery_key("teams", str(activity.id), *ids, raw),
        raw_size=len(raw),
    )
    report = outcome.report or await deps.service.report()
    since = outcome.decision.decided_at if outcome.kind == "recorded" and outcome.decision else None
    card = build_report_card(
        report, tz=deps.settings.tz, now=deps.clock(), since=since, notice=_notice(outcome)
    )
    if outcome.kind == "recorded" and outcome.decision is not None and outcome.offender is not None:
        who = (sender.name if sender is not None else None) or (ids[0] if ids else "someone")
        note = {
            "type": "AdaptiveCard",
            "version": "1.5",
            "body": [rich(*note_runs(outcome.decision, who=who, name=outcome.offender.name))],
        }
        await _best_effort(context.send_activity(MessageFactory.attachment(CardFactory.adaptive_card(note))))
        if activity.reply_to_id:
            update = Activity(
                type=ActivityTypes.message,
                id=activity.reply_to_id,
                attachments=[CardFactory.adaptive_card(card)],
            )
            await _best_effort(context.update_activity(update))
    return card


async def _best_effort(call: Any) -> None:
    try:
        await call
    except _SEND_ERRORS as exc:  # the decision is recorded; the note or update is a courtesy
        log.warning("teams_decision_followup_failed", error=type(exc).__name__)


async def handle_decide_execute(
    context: TurnContext, data: object, *, deps: Deps
) -> AdaptiveCardInvokeResponse:
    """Answer ``Action.Execute`` ``decide`` with the refreshed report card."""
    card = await decision_card(context, data, deps=deps)
    return AdaptiveCardInvokeResponse(status_code=HTTPStatus.OK, type=ContentTypes.adaptive_card, value=card)


async def handle_decide_submit(context: TurnContext, data: object, *, deps: Deps) -> None:
    """Answer the ``Action.Submit`` fallback of older clients: the refreshed card, to the sender only."""
    card = await decision_card(context, data, deps=deps)
    await send_to_sender(context, card, secret=False)
