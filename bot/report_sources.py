"""What the state store adds to a report, behind small protocols the report service depends on.

Billing decisions give each offender its state, the newest weekly snapshot the week-over-week line,
and the snapshot history "over since"; a fresh full report is also kept as the day's snapshot. Each
is left out (and logged) when the database cannot be read: the report still helps without it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, tzinfo
from typing import Protocol

import structlog

from bot.report.cycles import BillingCycle
from bot.report.decisions import Decision
from bot.report.model import OverageReport, Snapshot, SnapshotRow, snapshot_rows
from bot.report.states import with_states
from bot.store.types import StoreError

__all__ = ["DecisionSource", "HistorySource", "SnapshotSource", "add_store_data"]

log = structlog.get_logger(__name__)


class DecisionSource(Protocol):
    """Where each company's latest billing decision comes from (the store's decision log)."""

    async def latest(self, company_ids: Iterable[str] | None = None) -> dict[str, Decision]:
        """Each listed company's latest decision."""
        ...


class SnapshotSource(Protocol):
    """Where last week's snapshot comes from (the store)."""

    async def latest_snapshot(self) -> Snapshot | None:
        """The most recent weekly snapshot, or None before the first weekly post."""
        ...


class HistorySource(Protocol):
    """The snapshot history (``store.history``): over-since reads and the day's snapshot."""

    async def over_since(self, company_ids: Iterable[str], *, today: date) -> dict[str, date]:
        """The first day of each company's current run over the limit."""
        ...

    async def save_daily(self, taken_at: datetime, rows: Sequence[SnapshotRow]) -> None:
        """Keep the day's snapshot of a full report (at most one per day)."""
        ...


async def add_store_data(
    report: OverageReport,
    *,
    decisions: DecisionSource | None,
    history: HistorySource | None,
    fresh: bool,
    now: Callable[[], datetime],
    tz: tzinfo,
    cycle: BillingCycle,
) -> OverageReport:
    """The report with billing states and over-since attached; a fresh full report is kept as the day's snapshot.

    Args:
        report: the report.
        decisions: the decision log (None: no states).
        history: the snapshot history (None: no over-since, no daily snapshot).
        fresh: the data was just fetched from Keepnet (only then is a daily snapshot written).
        now: the current time.
        tz: the reseller's time zone.
        cycle: the billing cycle.
    """
    ids = [o.company_id for o in report.offenders if o.company_id]
    if history is not None and not report.query:
        if fresh:
            try:
                await history.save_daily(report.generated_at.astimezone(tz), snapshot_rows(report))
            except StoreError as exc:
                log.warning("daily_snapshot_failed", error=exc.message)
        try:
            since = await history.over_since(ids, today=report.generated_at.astimezone(tz).date())
            report = dataclasses.replace(report, over_since=since)
        except StoreError as exc:
            log.warning("history_unavailable", error=exc.message)
    if decisions is None:
        return report
    try:
        latest = await decisions.latest(ids)
    except StoreError as exc:
        log.warning("decisions_unavailable", error=exc.message)
        return report
    return with_states(report, latest, now=now(), tz=tz, cycle=cycle)
