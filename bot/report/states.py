"""Billing states on a report: who needs action, who is handled and how. Pure.

:func:`with_states` attaches a :class:`DecisionView` to an unfiltered report; the Slack, Teams and
terminal renderers draw the summary line, the State column and the Needs action part from it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from bot.report.cycles import BillingCycle
from bot.report.decisions import (
    NEEDS_ACTION,
    CustomerState,
    Decision,
    DecisionCounts,
    count_states,
    customer_states,
    local_day,
)
from bot.report.formatting import fmt_int
from bot.report.model import Offender, OverageReport

__all__ = [
    "NEEDS_ACTION_SHOWN",
    "DecisionView",
    "decision_note",
    "decision_summary",
    "renewal_day",
    "with_states",
]

NEEDS_ACTION_SHOWN = 5
"""How many needs-action customers a report lists with their menu."""


def renewal_day(offender: Offender, tz: tzinfo) -> date | None:
    """The customer's renewal day in ``tz`` (Keepnet ``licenseEndDate``), when known."""
    end = offender.license_end
    if end is None:
        return None
    try:
        return end.astimezone(tz).date() if end.tzinfo is not None else end.date()
    except (OverflowError, ValueError):
        return None


@dataclass(frozen=True)
class DecisionView:
    """The billing states of a report's over-limit customers.

    Attributes:
        states: company id → state, for every offender of the report.
        counts: how many need action / are billed, snoozed, ignored.
        needs_action: the offenders that need action, in the report's order (largest excess first).
        today: the reseller's day when the states were judged.
        tz: the reseller's timezone.
        cycle: ``OVERAGE_BILLING_CYCLE``.
    """

    states: Mapping[str, CustomerState]
    counts: DecisionCounts
    needs_action: tuple[Offender, ...]
    today: date
    tz: tzinfo
    cycle: BillingCycle

    def state(self, company_id: str) -> CustomerState | None:
        """The state of one company of the report (None when it is not in it)."""
        return self.states.get(company_id)

    def listed(self, offenders: tuple[Offender, ...], since: datetime | None) -> tuple[Offender, ...]:
        """The customers a Needs action list shows: those that need action (a customer without an id
        included), and, after a decision, those decided from ``since`` on (they show their new state)."""
        shown = []
        for offender in offenders:
            state = self.states.get(offender.company_id) or NEEDS_ACTION
            recent = since is not None and state.decided_at is not None and state.decided_at >= since
            if state.needs_action or recent:
                shown.append(offender)
        return tuple(shown)

    def future_renewal(self, offender: Offender) -> date | None:
        """The renewal day when it lies in the future (the menu then offers "Snooze until renewal")."""
        day = renewal_day(offender, self.tz)
        return day if day is not None and day > self.today else None


def with_states(
    report: OverageReport,
    latest: Mapping[str, Decision],
    *,
    now: datetime,
    tz: tzinfo,
    cycle: BillingCycle,
) -> OverageReport:
    """The report with the billing state of each over-limit customer attached.

    Args:
        report: the report (filtered ones get states too; renderers decide what to show).
        latest: each company's latest decision.
        now: the current time (aware).
        tz: the reseller's timezone.
        cycle: the billing cycle.

    Returns:
        A copy of ``report`` whose ``decisions`` is set.
    """
    excess = {o.company_id: o.excess for o in report.offenders if o.company_id}
    states = customer_states(excess, latest, now=now, tz=tz)
    # A customer without a usable id cannot be decided on: it needs action (and gets no menu).
    every = [states.get(o.company_id) or NEEDS_ACTION for o in report.offenders]
    view = DecisionView(
        states=states,
        counts=count_states(every),
        needs_action=tuple(o for o, state in zip(report.offenders, every, strict=True) if state.needs_action),
        today=local_day(now, tz),
        tz=tz,
        cycle=cycle,
    )
    return dataclasses.replace(report, decisions=view)


def decision_summary(counts: DecisionCounts, *, strong: str = "*") -> str:
    """``*12* need action · 71 handled (60 billed, 9 snoozed, 2 ignored)``.

    Both counts are always shown; the parenthesis lists the non-zero kinds and is left out when
    nothing is handled. ``strong`` is the markup around the first number (``*`` Slack, ``**`` Teams).
    """
    line = f"{strong}{fmt_int(counts.needs_action)}{strong} need action · {fmt_int(counts.handled)} handled"
    parts = [(counts.billed, "billed"), (counts.snoozed, "snoozed"), (counts.ignored, "ignored")]
    shown = [f"{fmt_int(n)} {word}" for n, word in parts if n]
    return f"{line} ({', '.join(shown)})" if shown else line


def decision_note(decision: Decision, *, who: str, name: str, strong: str = "*") -> str:
    """The thread note for a recorded decision, e.g. ``<who> marked *Globex* billed for December 2026 (+1,204 users)``.

    Args:
        decision: the recorded decision.
        who: the person, as the chat shows them (a mention, or an escaped name).
        name: the customer's name, already escaped for the chat.
        strong: the bold markup (``*`` Slack, ``**`` Teams).
    """
    company = f"{strong}{name}{strong}"
    excess = (
        f" (+{fmt_int(decision.excess)} users)" if decision.excess is not None and decision.excess > 0 else ""
    )
    if decision.decision == "billed":
        period = decision.period
        cycle = f" for {period.long}" if period is not None else ""
        return f"{who} marked {company} billed{cycle}{excess}"
    if decision.decision == "snoozed":
        until = f" until {decision.until.isoformat()}" if decision.until is not None else ""
        return f"{who} snoozed {company}{until}{excess}"
    if decision.decision == "ignored":
        return f"{who} ignored {company}{excess}"
    return f"{who} reopened {company}"
