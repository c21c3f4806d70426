"""The overage report: pure and chat-neutral.

:func:`build_report` turns the companies Keepnet says are over their limit (plus the customer
count and, optionally, last week's snapshot) into an :class:`OverageReport` that the Slack, Teams
and terminal renderers all draw from. No I/O here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.keepnet.models import Company
from bot.report.pricing import Pricing, TrueUp, true_up

if TYPE_CHECKING:
    from bot.report.states import DecisionView

__all__ = [
    "SANDBOX_SOURCE",
    "Offender",
    "OverageReport",
    "Snapshot",
    "SnapshotRow",
    "WeekChange",
    "build_report",
    "compare_with_snapshot",
    "snapshot_rows",
]

SANDBOX_SOURCE = "Keepnet sandbox (demo data)"


@dataclass(frozen=True)
class Offender:
    """One company over its license limit.

    Attributes:
        company_id: Keepnet's ``companyResourceId``.
        name: the company name as Keepnet has it (unescaped; renderers escape).
        limit: the licensed maximum, or None when it could not be read.
        active_users: Keepnet's ``targetUserCount``.
        excess: users over the limit, or None when the limit is unknown.
        excess_pct: excess as a percentage of the limit (None when unknown or the limit is 0).
        license_end: Keepnet's ``licenseEndDate`` (the renewal), when known.
    """

    company_id: str
    name: str
    limit: int | None
    active_users: int
    excess: int | None
    excess_pct: float | None
    license_end: datetime | None = None
    license_type: str | None = None
    reseller: str | None = None


@dataclass(frozen=True)
class SnapshotRow:
    """One company of a stored weekly snapshot."""

    company_id: str
    name: str
    limit: int | None
    active_users: int
    excess: int | None


@dataclass(frozen=True)
class Snapshot:
    """The companies that were over their limit at one weekly post."""

    taken_on: date
    rows: tuple[SnapshotRow, ...]

    @property
    def total_excess(self) -> int:
        """Sum of the known excess users."""
        return sum(row.excess for row in self.rows if row.excess is not None and row.excess > 0)


@dataclass(frozen=True)
class WeekChange:
    """What changed since the last weekly snapshot.

    Attributes:
        since: the day of that snapshot.
        customers_delta: change in the number of companies over the limit.
        excess_delta: change in total excess users.
        newly_over: names of companies over the limit now but not then (sorted).
        no_longer_over: names of companies over the limit then but not now (sorted).
    """

    since: date
    customers_delta: int
    excess_delta: int
    newly_over: tuple[str, ...]
    no_longer_over: tuple[str, ...]


@dataclass(frozen=True)
class OverageReport:
    """Everything a renderer needs to show the overage.

    Attributes:
        over_count: number of customers over their license limit.
        customer_count: number of customers the reseller manages.
        total_excess: sum of known excess users.
        unknown_excess_count: over-limit customers whose limit could not be read.
        offenders: all over-limit companies, largest excess first (see :func:`build_report`).
        top_n: how many of them the summary shows.
        generated_at: when the data was read (timezone-aware).
        source: where it came from (the sandbox or the live base URL).
        query: the ``find`` text, "" for the full report.
        change: week-over-week change, or None (first run, or a filtered report).
        seat_price: price of one excess user, when configured (used when ``pricing`` is not set).
        currency: ISO currency code for the price.
        decisions: the billing state of each offender, when the store could be read.
        pricing: prices per license type, trials, period and locale (None: ``seat_price`` for all).
        over_since: company id → first day of its current run over the limit (from the bot's history).
    """

    over_count: int
    customer_count: int
    total_excess: int
    unknown_excess_count: int
    offenders: tuple[Offender, ...]
    top_n: int
    generated_at: datetime
    source: str
    query: str = ""
    change: WeekChange | None = None
    seat_price: float | None = None
    currency: str = "USD"
    decisions: DecisionView | None = None
    pricing: Pricing | None = None
    over_since: Mapping[str, date] | None = None

    @property
    def top(self) -> tuple[Offender, ...]:
        """The offenders the summary shows."""
        return self.offenders[: self.top_n]

    @property
    def hidden_count(self) -> int:
        """Offenders beyond the top N (they are in the attached file)."""
        return max(0, len(self.offenders) - self.top_n)

    @property
    def pricing_rule(self) -> Pricing:
        """The pricing in force: ``pricing``, else ``seat_price`` for every license type."""
        return self.pricing or Pricing(default_price=self.seat_price, currency=self.currency)

    @property
    def true_up(self) -> TrueUp:
        """The billable total, by the statement's rule: trials and ignored customers left out."""
        states = self.decisions.states if self.decisions is not None else {}
        rows = (
            (o.license_type, o.excess, (s := states.get(o.company_id)) is not None and s.kind == "ignored")
            for o in self.offenders
        )
        return true_up(rows, self.pricing_rule)

    @property
    def true_up_value(self) -> float | None:
        """Estimated true-up amount (None when no price is configured)."""
        return self.true_up.amount


def _offender(company: Company) -> Offender:
    limit = company.license_limit
    excess = company.excess_users
    pct = None if excess is None or not limit else 100.0 * excess / limit
    return Offender(
        company_id=company.company_resource_id or "",  # no id: no decisions, no history
        name=company.company_name,
        limit=limit,
        active_users=max(0, company.target_user_count),
        excess=excess,
        excess_pct=pct,
        license_end=company.license_end_date,
        license_type=company.license_type_name,
        reseller=company.reseller_name,
    )


def _rank(offender: Offender) -> tuple[int, int, float, str, str]:
    """Largest excess first; ties: higher % over first, then name; unknown excess last."""
    known = offender.excess is not None
    return (
        0 if known else 1,
        -(offender.excess or 0),
        -(offender.excess_pct or 0.0),
        offender.name.casefold(),
        offender.company_id,
    )


def build_report(
    companies: Iterable[Company],
    *,
    customer_count: int,
    top_n: int,
    generated_at: datetime,
    source: str,
    query: str = "",
    previous: Snapshot | None = None,
    seat_price: float | None = None,
    currency: str = "USD",
    pricing: Pricing | None = None,
) -> OverageReport:
    """Build the report from the companies Keepnet lists as over their limit.

    The server's filter decides who is over the limit: every company passed in counts, even when
    its limit cannot be parsed (its excess is then unknown and it sorts last).

    Args:
        companies: the complete over-limit list.
        customer_count: all customers of the reseller (for "83 of 537").
        top_n: how many offenders the summary shows.
        generated_at: when the data was read (timezone-aware).
        source: a label for the data source.
        query: the ``find`` text; a filtered report gets no week-over-week line.
        previous: last weekly snapshot, for the change line.
        seat_price: price of one excess user, if configured.
        currency: ISO code for ``seat_price``.
        pricing: prices per license type (overrides ``seat_price``/``currency``).

    Returns:
        The report.
    """
    offenders = tuple(sorted((_offender(c) for c in companies), key=_rank))
    total_excess = sum(o.excess for o in offenders if o.excess is not None and o.excess > 0)
    change = None
    if previous is not None and not query:
        change = compare_with_snapshot(offenders, previous)
    return OverageReport(
        over_count=len(offenders),
        customer_count=max(customer_count, len(offenders)),
        total_excess=total_excess,
        unknown_excess_count=sum(1 for o in offenders if o.excess is None),
        offenders=offenders,
        top_n=top_n,
        generated_at=generated_at,
        source=source,
        query=query,
        change=change,
        seat_price=pricing.default_price if pricing else seat_price,
        currency=pricing.currency if pricing else currency,
        pricing=pricing,
    )


def compare_with_snapshot(offenders: Sequence[Offender], previous: Snapshot) -> WeekChange:
    """Compare the current offenders with last week's snapshot.

    Args:
        offenders: the current over-limit companies.
        previous: the last weekly snapshot.

    Returns:
        The change: deltas, and the companies newly over / no longer over the limit.
    """
    now_ids = {o.company_id: o.name for o in offenders}
    then_ids = {row.company_id: row.name for row in previous.rows}
    now_excess = sum(o.excess for o in offenders if o.excess is not None and o.excess > 0)
    return WeekChange(
        since=previous.taken_on,
        customers_delta=len(now_ids) - len(then_ids),
        excess_delta=now_excess - previous.total_excess,
        newly_over=tuple(sorted((now_ids[i] for i in now_ids.keys() - then_ids.keys()), key=str.casefold)),
        no_longer_over=tuple(
            sorted((then_ids[i] for i in then_ids.keys() - now_ids.keys()), key=str.casefold)
        ),
    )


def snapshot_rows(report: OverageReport) -> tuple[SnapshotRow, ...]:
    """The rows to store as this week's snapshot."""
    return tuple(
        SnapshotRow(
            company_id=o.company_id, name=o.name, limit=o.limit, active_users=o.active_users, excess=o.excess
        )
        for o in report.offenders
    )
