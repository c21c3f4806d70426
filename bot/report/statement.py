"""The billing-ready statement's rows and totals: one row per over-limit customer. Pure.

Rows come in the report's order (largest excess first); trial licenses and ignored customers keep
their place but are marked in ``State`` and count in neither total nor amount.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from bot.report.model import Offender, OverageReport
from bot.report.pricing import Pricing

__all__ = ["STATEMENT_COLUMNS", "TRIAL_STATE", "Statement", "StatementRow", "build_statement"]

STATEMENT_COLUMNS: tuple[str, ...] = (
    "Company",
    "Keepnet ID",
    "Reseller",
    "License type",
    "License limit",
    "Active users",
    "Excess",
    "% over",
    "Seat price",
    "Amount",
    "Renewal date",
    "Over since",
    "State",
    "Decided by",
    "Decided at",
)
"""The header row, exactly."""

TRIAL_STATE = "trial — not billed"


@dataclass(frozen=True)
class StatementRow:
    """One customer's line (None where a value is unknown; the file leaves the cell empty)."""

    company: str
    keepnet_id: str
    reseller: str | None
    license_type: str | None
    license_limit: int | None
    active_users: int
    excess: int | None
    over_fraction: float | None
    seat_price: float | None
    amount: float | None
    renewal: date | None
    over_since: date | None
    state: str
    decided_by: str | None
    decided_at: datetime | None
    billable: bool

    def values(self) -> tuple[object, ...]:
        """The cell values in :data:`STATEMENT_COLUMNS` order."""
        return (
            self.company,
            self.keepnet_id,
            self.reseller,
            self.license_type,
            self.license_limit,
            self.active_users,
            self.excess,
            self.over_fraction,
            self.seat_price,
            self.amount,
            self.renewal,
            self.over_since,
            self.state,
            self.decided_by,
            self.decided_at,
        )


@dataclass(frozen=True)
class Statement:
    """The statement: its rows and the Total row's figures.

    Attributes:
        rows: one per over-limit customer, largest excess first.
        total_excess: billable excess users (trials and ignored left out).
        total_amount: the billable amount (None when no price is configured).
        pricing: the prices used (currency, period, locale).
        day: the reseller's day the statement is for (its file name).
    """

    rows: tuple[StatementRow, ...]
    total_excess: int
    total_amount: float | None
    pricing: Pricing
    day: date


def _local_day(moment: datetime | None, tz: tzinfo) -> date | None:
    if moment is None:
        return None
    try:
        return moment.astimezone(tz).date() if moment.tzinfo is not None else moment.date()
    except (OverflowError, ValueError):
        return None


def _row(offender: Offender, report: OverageReport, over_since: date | None, tz: tzinfo) -> StatementRow:
    pricing = report.pricing_rule
    state = report.decisions.state(offender.company_id) if report.decisions is not None else None
    trial = pricing.is_trial(offender.license_type)
    ignored = state is not None and state.kind == "ignored"
    billable = not trial and not ignored
    price = pricing.price_for(offender.license_type)
    excess = offender.excess
    amount = None
    if billable and price is not None:
        amount = max(0, excess or 0) * price
    decided_at = state.decided_at.astimezone(tz).replace(tzinfo=None) if state and state.decided_at else None
    return StatementRow(
        company=offender.name,
        keepnet_id=offender.company_id,
        reseller=offender.reseller,
        license_type=offender.license_type,
        license_limit=offender.limit,
        active_users=offender.active_users,
        excess=excess,
        over_fraction=None if offender.excess_pct is None else offender.excess_pct / 100.0,
        seat_price=price,
        amount=amount,
        renewal=_local_day(offender.license_end, tz),
        over_since=over_since,
        state=TRIAL_STATE if trial else (state.label if state is not None else ""),
        decided_by=state.decided_by if state is not None else None,
        decided_at=decided_at,
        billable=billable,
    )


def build_statement(
    report: OverageReport, *, tz: tzinfo, over_since: Mapping[str, date] | None = None
) -> Statement:
    """The statement of an unfiltered report (with its billing states, when the store had them).

    Args:
        report: the report; its ``pricing_rule`` prices the rows, its ``decisions`` give the states.
        tz: the reseller's time zone (dates and "Decided at" are local).
        over_since: company id → the first day of its current run over the limit (default: the
            report's own ``over_since``).
    """
    since = over_since if over_since is not None else (report.over_since or {})
    rows = tuple(_row(o, report, since.get(o.company_id), tz) for o in report.offenders)
    total = report.true_up
    return Statement(
        rows=rows,
        total_excess=total.excess,
        total_amount=total.amount,
        pricing=report.pricing_rule,
        day=report.generated_at.astimezone(tz).date(),
    )
