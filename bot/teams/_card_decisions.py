"""Adaptive Card parts for billing decisions: the Needs action rows with their ``Decide…`` menu, and
the decision note. Pure.

Each needs-action row holds an ``Action.ShowCard`` "Decide…" whose card has four ``Action.Execute``
buttons, verb ``decide``, data ``{"decision": "billed" | "snooze30" | "snooze_renewal" | "ignore",
"company": "<companyResourceId>"}`` (with the ``Action.Submit`` fallback older clients need).
Company names only ever go into ``TextRun``s (see :mod:`bot.teams._card_parts`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.report.decisions import CustomerState, Decision
from bot.report.formatting import display_name, fmt_excess, fmt_int, fmt_limit, plural
from bot.report.model import Offender
from bot.report.states import NEEDS_ACTION_SHOWN, DecisionView, decision_note
from bot.teams._card_parts import neutral, rich, run, text_block

__all__ = ["COMPANY_ID_MAX", "VERB_DECIDE", "decided_by", "needs_action_items", "note_runs"]

VERB_DECIDE = "decide"
COMPANY_ID_MAX = 200
_WHO, _NAME = "\x00who\x00", "\x00name\x00"


def decided_by(state: CustomerState) -> str:
    """Who made the latest decision (display name, else id), neutralized."""
    return neutral(state.decided_by or "", 80) if state.decided_by else ""


def _execute(title: str, decision: str, company: str) -> dict[str, Any]:
    data = {"decision": decision, "company": company}
    return {
        "type": "Action.Execute",
        "title": title,
        "verb": VERB_DECIDE,
        "data": data,
        "fallback": {"type": "Action.Submit", "title": title, "data": {"verb": VERB_DECIDE, **data}},
    }


def _menu(offender: Offender, view: DecisionView) -> dict[str, Any] | None:
    company = offender.company_id
    if not company or len(company) > COMPANY_ID_MAX:
        return None  # no usable id: no menu
    renewal = view.future_renewal(offender)
    renewal_title = (
        f"Snooze until renewal ({renewal.isoformat()})"
        if renewal
        else "Snooze until renewal (none known: 30 days)"
    )
    buttons = [
        _execute("Mark billed", "billed", company),
        _execute("Snooze 30 days", "snooze30", company),
        _execute(renewal_title, "snooze_renewal", company),
        _execute("Ignore", "ignore", company),
    ]
    card = {"type": "AdaptiveCard", "version": "1.5", "body": [], "actions": buttons}
    return {"type": "ActionSet", "actions": [{"type": "Action.ShowCard", "title": "Decide…", "card": card}]}


def _row(offender: Offender, view: DecisionView, name_max: int) -> dict[str, Any]:
    numbers = (
        f" · limit {fmt_limit(offender.limit)} · {fmt_int(offender.active_users)} active · "
        f"excess {fmt_excess(offender.excess, offender.excess_pct)}"
    )
    items: list[dict[str, Any]] = [
        rich(run(neutral(display_name(offender.name, name_max)), weight="Bolder"), run(numbers))
    ]
    state = view.states.get(offender.company_id)
    if state is not None and not state.needs_action:
        who = decided_by(state)
        items.append(rich(run(f"✓ {state.label}" + (f" by {who}" if who else ""), color="Good")))
    else:
        if state is not None and state.label != "needs action":
            items.append(rich(run(state.label, color="Attention")))
        menu = _menu(offender, view)
        if menu is not None:
            items.append(menu)
    return {"type": "Container", "separator": True, "items": items}


def needs_action_items(
    view: DecisionView,
    offenders: tuple[Offender, ...],
    *,
    since: datetime | None,
    name_max: int,
    positive_line: bool,
) -> list[dict[str, Any]]:
    """The card's Needs action part: up to 5 rows with ``Decide…`` (and rows decided since ``since``).

    Args:
        view: the billing states.
        offenders: the report's offenders, largest excess first.
        since: after a decision: rows decided from then on stay, showing their new state.
        name_max: longest company name shown in full.
        positive_line: say "Nothing needs action" in one line when so (the weekly post).
    """
    rows = view.listed(offenders, since)[:NEEDS_ACTION_SHOWN]
    pending = view.counts.needs_action
    if not rows:
        if positive_line and offenders:
            handled = plural(view.counts.handled, "over-limit customer")
            return [text_block(f"✅ **Nothing needs action**: all {handled} are handled.", spacing="Medium")]
        return []
    title = f"**Needs action**: {plural(pending, 'customer')}, largest excess first"
    if not pending:
        title = "✅ **Nothing needs action** any more. Decided just now:"
    if pending > NEEDS_ACTION_SHOWN:
        title += f" (the {NEEDS_ACTION_SHOWN} largest below; decide one and the next appears)"
    return [text_block(title, spacing="Medium"), *(_row(o, view, name_max) for o in rows)]


def note_runs(decision: Decision, *, who: str, name: str) -> list[dict[str, Any]]:
    """The thread note as text runs (the person and the company neutralized, the company in bold)."""
    text = decision_note(decision, who=_WHO, name=_NAME, strong="")
    runs: list[dict[str, Any]] = []
    for part in text.replace(_WHO, "\x01W\x01").replace(_NAME, "\x01N\x01").split("\x01"):
        if part == "W":
            runs.append(run(neutral(who, 80)))
        elif part == "N":
            runs.append(run(neutral(display_name(name)), weight="Bolder"))
        elif part:
            runs.append(run(part))
    return runs
