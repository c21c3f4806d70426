"""Billing decisions and the state they give each customer. Pure: no I/O, no clock reads.

A :class:`Decision` is one row of the append-only audit (who marked which customer billed, snoozed,
ignored or reopened, when and where). A customer's state is its latest decision judged against
*now* (an injected clock) and its current excess:

=========  =========================================  ==============================================
decision   handled …                                  back to *needs action* when …
=========  =========================================  ==============================================
billed     for the billing cycle it covers            the cycle ends, or the excess grows past the
                                                      billed excess ("+N since billed")
snoozed    until ``until`` (30 days or the renewal)   that day comes, or the excess grows past the
                                                      excess at the decision ("+N since snoozed")
ignored    until someone reopens it                   reopened
reopened   never                                      —
=========  =========================================  ==============================================
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Literal, get_args

from bot.report.cycles import BillingCycle, BillingPeriod, cycle_period, parse_period

__all__ = [
    "CHOICES",
    "DECISION_KINDS",
    "NEEDS_ACTION",
    "SNOOZE_DAYS",
    "Choice",
    "Clock",
    "CustomerState",
    "Decision",
    "DecisionCounts",
    "DecisionKind",
    "StateKind",
    "count_states",
    "customer_state",
    "customer_states",
    "decide",
    "latest_decisions",
    "local_day",
]

DecisionKind = Literal["billed", "snoozed", "ignored", "reopened"]
DECISION_KINDS: tuple[str, ...] = get_args(DecisionKind)
Choice = Literal["billed", "snooze30", "snooze_renewal", "ignore"]
"""What a person picks in the menu (the option value's prefix / the card's ``decision``)."""
CHOICES: tuple[str, ...] = get_args(Choice)
StateKind = Literal["needs_action", "billed", "snoozed", "ignored"]
Clock = Callable[[], datetime]
"""The current time, timezone-aware (production: UTC now; tests inject their own)."""
SNOOZE_DAYS = 30


@dataclass(frozen=True)
class Decision:
    """One recorded billing decision (a row of the audit; never changed once written).

    Attributes:
        company_id: Keepnet's ``companyResourceId``.
        decision: ``billed``, ``snoozed``, ``ignored`` or ``reopened``.
        decided_at: when, timezone-aware UTC.
        by_id: the Slack user id or Teams AAD object id of the person.
        by_name: their display name when the platform gave it.
        excess: the customer's excess users at that moment (None when unknown).
        until: for snoozes, the day it needs action again.
        cycle: for ``billed``, the key of the billing period it covers (``2026-12``, ``2026-Q4``…).
        company_name: the name at that moment (for the audit; Keepnet may rename).
        edge: ``slack``, ``teams`` or ``cli``.
        channel: the channel or conversation it was decided in.
    """

    company_id: str
    decision: DecisionKind
    decided_at: datetime
    by_id: str
    by_name: str | None = None
    excess: int | None = None
    until: date | None = None
    cycle: str | None = None
    company_name: str = ""
    edge: str = ""
    channel: str = ""

    @property
    def decided_by(self) -> str:
        """The display name when known, else the id."""
        return self.by_name or self.by_id

    @property
    def period(self) -> BillingPeriod | None:
        """The billing period a ``billed`` decision covers (None for the others)."""
        return parse_period(self.cycle) if self.decision == "billed" and self.cycle else None


@dataclass(frozen=True)
class CustomerState:
    """Where one over-limit customer stands.

    Attributes:
        kind: ``needs_action``, ``billed``, ``snoozed`` or ``ignored``.
        label: the State column's text: ``needs action``, ``+140 since billed``, ``billed Dec 2026``,
            ``snoozed → 2027-03-01``, ``ignored``.
        decided_by: who made the latest decision (display name or id), None when nobody did.
        decided_at: when (UTC), None when nobody did.
        decision: that latest decision.
    """

    kind: StateKind
    label: str
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision: Decision | None = None

    @property
    def needs_action(self) -> bool:
        """Over the limit and not handled."""
        return self.kind == "needs_action"


NEEDS_ACTION = CustomerState(kind="needs_action", label="needs action")


def local_day(moment: datetime, tz: tzinfo) -> date:
    """The calendar day ``moment`` falls on in ``tz``."""
    return moment.astimezone(tz).date()


def _grown(decision: Decision, excess: int | None) -> int | None:
    """How much the excess grew past the decision's excess (None when it did not, or is unknown)."""
    if excess is None or decision.excess is None or excess <= decision.excess:
        return None
    return excess - decision.excess


def customer_state(
    decision: Decision | None, *, excess: int | None, now: datetime, tz: tzinfo
) -> CustomerState:
    """The state a customer's latest decision gives it now (see the module's table).

    Args:
        decision: the customer's latest decision, or None.
        excess: its excess users now (None when its limit is unknown: growth is then not judged).
        now: the current time (aware).
        tz: the reseller's timezone (``OVERAGE_TIMEZONE``), which decides days and cycles.

    Returns:
        The state, with the label the State column shows.
    """
    if decision is None:
        return NEEDS_ACTION
    today = local_day(now, tz)
    if decision.decision == "ignored":
        return _state("ignored", "ignored", decision)
    if decision.decision == "billed":
        period = decision.period
        if period is None or not period.contains(today):
            return _state("needs_action", "needs action", decision)
        grown = _grown(decision, excess)
        if grown is not None:
            return _state("needs_action", f"+{grown:,} since billed", decision)
        return _state("billed", f"billed {period.short}", decision)
    if decision.decision == "snoozed":
        if decision.until is None or today >= decision.until:
            return _state("needs_action", "needs action", decision)
        grown = _grown(decision, excess)
        if grown is not None:
            return _state("needs_action", f"+{grown:,} since snoozed", decision)
        return _state("snoozed", f"snoozed → {decision.until.isoformat()}", decision)
    return _state("needs_action", "needs action", decision)


def _state(kind: StateKind, label: str, decision: Decision) -> CustomerState:
    return CustomerState(
        kind=kind,
        label=label,
        decided_by=decision.decided_by,
        decided_at=decision.decided_at,
        decision=decision,
    )


def latest_decisions(decisions: Iterable[Decision]) -> dict[str, Decision]:
    """Each company's latest decision (by time; on a tie, the later one in the input wins)."""
    latest: dict[str, Decision] = {}
    for decision in decisions:
        seen = latest.get(decision.company_id)
        if seen is None or decision.decided_at >= seen.decided_at:
            latest[decision.company_id] = decision
    return latest


def customer_states(
    excess_by_company: Mapping[str, int | None],
    latest: Mapping[str, Decision],
    *,
    now: datetime,
    tz: tzinfo,
) -> dict[str, CustomerState]:
    """The state of every company in ``excess_by_company`` (company id → its excess now).

    Args:
        excess_by_company: the over-limit companies and their current excess.
        latest: each company's latest decision (companies without one need action).
        now: the current time (aware).
        tz: the reseller's timezone.

    Returns:
        Company id → state, for exactly the companies of ``excess_by_company``.
    """
    return {
        company_id: customer_state(latest.get(company_id), excess=excess, now=now, tz=tz)
        for company_id, excess in excess_by_company.items()
    }


@dataclass(frozen=True)
class DecisionCounts:
    """How many over-limit customers need action and how many are handled (and how)."""

    needs_action: int
    billed: int
    snoozed: int
    ignored: int

    @property
    def handled(self) -> int:
        """Customers billed, snoozed or ignored."""
        return self.billed + self.snoozed + self.ignored


def count_states(states: Iterable[CustomerState]) -> DecisionCounts:
    """Count states by kind."""
    counts = {"needs_action": 0, "billed": 0, "snoozed": 0, "ignored": 0}
    for state in states:
        counts[state.kind] += 1
    return DecisionCounts(**counts)


def decide(
    choice: Choice,
    *,
    company_id: str,
    excess: int | None,
    renewal: date | None,
    now: datetime,
    tz: tzinfo,
    cycle: BillingCycle,
    by_id: str,
    by_name: str | None = None,
    company_name: str = "",
    edge: str = "",
    channel: str = "",
) -> Decision:
    """The decision a person's menu choice records.

    ``snooze_renewal`` snoozes until the renewal date when that is in the future, else for
    :data:`SNOOZE_DAYS` days (the menu only offers it with a future renewal; a stale menu falls back).

    ``renewal`` is the customer's renewal day in ``tz``; ``now`` is stored as UTC; the other
    arguments are copied into the :class:`Decision` (see its attributes).
    """
    today = local_day(now, tz)
    until: date | None = None
    period: str | None = None
    kind: DecisionKind
    if choice == "billed":
        kind, period = "billed", cycle_period(today, cycle).key
    elif choice == "ignore":
        kind = "ignored"
    else:
        kind = "snoozed"
        until = today + timedelta(days=SNOOZE_DAYS)
        if choice == "snooze_renewal" and renewal is not None and renewal > today:
            until = renewal
    return Decision(
        company_id=company_id,
        decision=kind,
        decided_at=now.astimezone(UTC),
        by_id=by_id,
        by_name=by_name,
        excess=excess,
        until=until,
        cycle=period,
        company_name=company_name,
        edge=edge,
        channel=channel,
    )
