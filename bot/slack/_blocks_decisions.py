"""Block Kit for billing decisions: the Needs action part, its menus, and the ephemeral review list.

Each needs-action row is a ``section`` whose ``overflow`` (``action_id`` ``overage_decide``) offers
``billed:<id>``, ``snooze30:<id>``, ``snooze_renewal:<id>`` (only with a future renewal) and
``ignore:<id>``. The row's ``block_id`` — ``na|<since>|<offset>|<thread_ts>|<i>`` — lets a click
re-render the same list: the customers that need action *or were decided since ``since``* (they
show their new state instead of a menu), from ``offset``, with decisions noted in ``thread_ts``.
Pure: data in, blocks out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.report.decisions import CustomerState
from bot.report.formatting import fmt_excess, fmt_int, fmt_limit, plural
from bot.report.model import Offender
from bot.report.states import NEEDS_ACTION_SHOWN, DecisionView
from bot.slack._blocks_text import escape, fit_escaped, safe_name, text_length

__all__ = [
    "ACTION_DECIDE",
    "ACTION_REVIEW",
    "ACTION_REVIEW_NEXT",
    "OPTION_VALUE_MAX",
    "REVIEW_PAGE",
    "RowsOrigin",
    "decided_by",
    "needs_action_blocks",
    "parse_origin",
    "review_blocks",
]

ACTION_DECIDE = "overage_decide"
ACTION_REVIEW = "overage_review"
ACTION_REVIEW_NEXT = "overage_review_next"
OPTION_VALUE_MAX = 150
"""Slack's limit on an overflow option's ``value``."""
REVIEW_PAGE = 40
"""Rows per page of the ephemeral review list."""
_REVIEW_TEXT_BUDGET = 10_000
"""Most text the rows of one review page may hold (with the title and Next under Slack's limit)."""
_SLACK_USER = re.compile(r"[UW][A-Z0-9]{1,30}")
_TS = re.compile(r"\d{1,12}(\.\d{1,8})?")
_ORIGIN = re.compile(r"na\|(\d{1,12})\|(\d{1,7})\|([0-9.]{0,24})\|\d{1,3}")


@dataclass(frozen=True)
class RowsOrigin:
    """Which list a needs-action row belongs to (carried in its ``block_id``).

    Attributes:
        since: epoch seconds: customers decided from then on stay in the list with their state.
        offset: the list's first row (0 in a report, a page start in the review list).
        thread_ts: the report message whose thread gets the decision notes ("" when unknown).
    """

    since: int
    offset: int
    thread_ts: str

    def block_id(self, index: int) -> str:
        """The ``block_id`` of row ``index`` of this list."""
        return f"na|{self.since}|{self.offset}|{self.thread_ts}|{index}"

    @property
    def since_time(self) -> datetime:
        """``since`` as an aware UTC datetime."""
        from datetime import UTC

        return datetime.fromtimestamp(self.since, UTC)


def parse_origin(block_id: object) -> RowsOrigin | None:
    """Read a row's ``block_id`` (None when it is not one of ours)."""
    if not isinstance(block_id, str) or len(block_id) > 80:
        return None
    match = _ORIGIN.fullmatch(block_id)
    if match is None:
        return None
    ts = match[3] if _TS.fullmatch(match[3]) else ""
    return RowsOrigin(since=int(match[1]), offset=int(match[2]), thread_ts=ts)


def listed(
    view: DecisionView, offenders: tuple[Offender, ...], since: datetime | None
) -> tuple[Offender, ...]:
    """The customers a list shows (see :meth:`DecisionView.listed`)."""
    return view.listed(offenders, since)


def decided_by(state: CustomerState) -> str:
    """Who made the latest decision, as Slack mrkdwn: a mention for Slack users, else the name."""
    decision = state.decision
    if decision is None:
        return ""
    if decision.edge == "slack" and _SLACK_USER.fullmatch(decision.by_id):
        return f"<@{decision.by_id}>"
    return fit_escaped(decision.decided_by, 80)


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text, "emoji": True}, "value": value}


def _menu(offender: Offender, view: DecisionView) -> dict[str, Any] | None:
    company = offender.company_id
    if not company or len(f"snooze_renewal:{company}") > OPTION_VALUE_MAX:
        return None  # no usable id: the customer gets no menu
    options = [_option("Mark billed", f"billed:{company}"), _option("Snooze 30 days", f"snooze30:{company}")]
    renewal = view.future_renewal(offender)
    if renewal is not None:
        options.append(_option(f"Snooze until renewal ({renewal.isoformat()})", f"snooze_renewal:{company}"))
    options.append(_option("Ignore", f"ignore:{company}"))
    return {"type": "overflow", "action_id": ACTION_DECIDE, "options": options}


def _row(offender: Offender, view: DecisionView, block_id: str) -> dict[str, Any]:
    numbers = (
        f"limit {fmt_limit(offender.limit)} · {fmt_int(offender.active_users)} active · "
        f"excess *{fmt_excess(offender.excess, offender.excess_pct)}*"
    )
    text = f"*{safe_name(offender.name)}*\n{numbers}"
    state = view.states.get(offender.company_id)
    block: dict[str, Any] = {"type": "section", "block_id": block_id}
    if state is not None and not state.needs_action:
        who = decided_by(state)
        text += f"\n✓ _{escape(state.label)}_" + (f" by {who}" if who else "")
    else:
        if state is not None and state.label != "needs action":
            text += f"\n_{escape(state.label)}_"
        menu = _menu(offender, view)
        if menu is not None:
            block["accessory"] = menu
    block["text"] = {"type": "mrkdwn", "text": text}
    return block


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def needs_action_blocks(
    view: DecisionView,
    offenders: tuple[Offender, ...],
    origin: RowsOrigin,
    *,
    positive_line: bool,
    rerender: bool = False,
) -> list[dict[str, Any]]:
    """The report's Needs action part: up to 5 rows with a menu, and ``Review all (N)`` beyond that.

    Args:
        view: the billing states.
        offenders: the report's offenders (largest excess first).
        origin: the list's origin (``offset`` 0); its ``since`` keeps freshly decided rows listed.
        positive_line: say "Nothing needs action" in one line when so (the weekly post).
        rerender: the message is re-rendered after a decision: rows decided since ``origin.since``
            stay, showing their new state.

    Returns:
        The blocks (none when nothing is listed and ``positive_line`` is off).
    """
    rows = listed(view, offenders, origin.since_time if rerender else None)[:NEEDS_ACTION_SHOWN]
    pending = view.counts.needs_action
    if not rows:
        if positive_line and offenders:
            handled = plural(view.counts.handled, "over-limit customer")
            return [_section(f"✅ *Nothing needs action* — all {handled} are handled.")]
        return []
    title = f"*Needs action* — {plural(pending, 'customer')}, largest excess first"
    if not pending:
        title = "✅ *Nothing needs action* any more — decided just now:"
    blocks = [_section(title)]
    blocks.extend(_row(o, view, origin.block_id(i)) for i, o in enumerate(rows))
    if pending > NEEDS_ACTION_SHOWN:
        button = {
            "type": "button",
            "text": {"type": "plain_text", "text": f"Review all ({fmt_int(pending)})", "emoji": True},
            "action_id": ACTION_REVIEW,
            "value": json.dumps({"t": origin.thread_ts}),
        }
        blocks.append({"type": "actions", "elements": [button]})
    return blocks


def review_blocks(
    view: DecisionView, offenders: tuple[Offender, ...], origin: RowsOrigin
) -> list[dict[str, Any]]:
    """One page (≤ :data:`REVIEW_PAGE` rows) of the ephemeral review list, with ``Next`` when more follow.

    Args:
        view: the billing states.
        offenders: the report's offenders (largest excess first).
        origin: the list's origin: ``since`` (when the list was opened) and the page's ``offset``.

    Returns:
        The page's blocks (≤ 43).
    """
    everyone = listed(view, offenders, origin.since_time)
    start = min(origin.offset, max(0, len(everyone) - 1)) if everyone else 0
    if not everyone:
        return [_section("✅ *Nothing needs action* — every over-limit customer is handled.")]
    shown = RowsOrigin(since=origin.since, offset=start, thread_ts=origin.thread_ts)
    rows: list[dict[str, Any]] = []
    used = 0
    for i, offender in enumerate(everyone[start : start + REVIEW_PAGE]):
        row = _row(offender, view, shown.block_id(i))
        used += text_length(row)
        if rows and used > _REVIEW_TEXT_BUDGET:
            break  # Slack's total text limit: the next page starts here
        rows.append(row)
    last = start + len(rows)
    title = f"*Needs action* — {fmt_int(start + 1)}–{fmt_int(last)} of {fmt_int(len(everyone))}"
    blocks = [_section(title), *rows]
    if last < len(everyone):
        value = json.dumps({"s": origin.since, "o": last, "t": origin.thread_ts})
        button = {
            "type": "button",
            "text": {"type": "plain_text", "text": "Next", "emoji": True},
            "action_id": ACTION_REVIEW_NEXT,
            "value": value,
        }
        blocks.append({"type": "actions", "elements": [button]})
    return blocks
