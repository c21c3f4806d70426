"""Snapshot history: retention by age, the daily snapshot of full reports, and per-customer reads.

Snapshots whose ``period`` starts with ``day:`` are the daily ones taken from full reports; every
other period is a weekly post's. Week-over-week lines compare with the newest *weekly* snapshot;
"over since" and ``/overage history`` read both kinds.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime, timedelta
from typing import Protocol

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.report.history import HistoryPoint, over_since
from bot.report.model import SnapshotRow
from bot.store import tables as schema

__all__ = ["DAILY_PREFIX", "DEFAULT_HISTORY_WEEKS", "SnapshotHistory", "daily_period", "prune_snapshots"]

DAILY_PREFIX = "day:"
DEFAULT_HISTORY_WEEKS = 104
_CHUNK = 500

Transaction = Callable[[], AbstractAsyncContextManager[AsyncConnection]]


class SaveSnapshot(Protocol):
    """The store's snapshot writer."""

    async def __call__(self, taken_at: datetime, rows: Sequence[SnapshotRow], *, period: str) -> None:
        """Store a snapshot once per period."""
        ...


def daily_period(day: date) -> str:
    """The period key of a day's snapshot, e.g. ``day:2026-12-04``."""
    return f"{DAILY_PREFIX}{day.isoformat()}"


async def prune_snapshots(conn: AsyncConnection, *, now: datetime, weeks: int) -> int:
    """Delete snapshots taken more than ``weeks`` weeks before ``now`` (and their rows).

    Returns:
        How many snapshots were deleted.
    """
    s, r = schema.snapshots, schema.snapshot_rows
    cutoff = now - timedelta(weeks=weeks)
    old = [snapshot for (snapshot,) in await conn.execute(select(s.c.id).where(s.c.taken_at < cutoff))]
    for start in range(0, len(old), _CHUNK):
        chunk = old[start : start + _CHUNK]
        await conn.execute(delete(r).where(r.c.snapshot_id.in_(chunk)))
        await conn.execute(delete(s).where(s.c.id.in_(chunk)))
    return len(old)


async def _chunked_ids(ids: Iterable[str]) -> AsyncIterator[list[str]]:
    batch: list[str] = []
    for company in ids:
        batch.append(company)
        if len(batch) == _CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


class SnapshotHistory:
    """Reads of the stored snapshots per customer (``store.history``)."""

    def __init__(self, *, read: Transaction, save: SaveSnapshot) -> None:
        """Use the store's read transactions and its snapshot writer."""
        self._read = read
        self._save = save

    async def save_daily(self, taken_at: datetime, rows: Sequence[SnapshotRow]) -> None:
        """Keep the day's snapshot of a full report, unless the day (in ``taken_at``'s zone) has one."""
        await self._save(taken_at, rows, period=daily_period(taken_at.date()))

    async def over_since(self, company_ids: Iterable[str], *, today: date) -> dict[str, date]:
        """The first day of each company's current unbroken run over the limit (today when none)."""
        wanted = [c for c in dict.fromkeys(company_ids) if c]
        s, r = schema.snapshots, schema.snapshot_rows
        async with self._read() as conn:
            heads = (
                await conn.execute(select(s.c.id, s.c.taken_on).order_by(s.c.taken_at.desc(), s.c.id.desc()))
            ).all()
            members: dict[int, set[str]] = {head.id: set() for head in heads}
            async for batch in _chunked_ids(wanted):
                query = select(r.c.snapshot_id, r.c.company_id).where(r.c.company_id.in_(batch))
                for snapshot_id, company in await conn.execute(query):
                    members.setdefault(snapshot_id, set()).add(company)
        snapshots = [(head.taken_on, frozenset(members.get(head.id, ()))) for head in heads]
        return over_since(snapshots, wanted, today=today)

    async def points(self, company_id: str, *, limit: int = 200) -> list[HistoryPoint]:
        """One customer's newest ``limit`` snapshots, oldest first (one per day: the newest of a day)."""
        s, r = schema.snapshots, schema.snapshot_rows
        query = (
            select(s.c.taken_on, r.c.excess, r.c.license_limit)
            .join(r, r.c.snapshot_id == s.c.id)
            .where(r.c.company_id == company_id)
            .order_by(s.c.taken_at.desc(), s.c.id.desc())
            .limit(limit * 2)
        )
        async with self._read() as conn:
            rows = (await conn.execute(query)).all()
        newest_per_day: dict[date, HistoryPoint] = {}
        for day, excess, limit_value in rows:
            newest_per_day.setdefault(day, HistoryPoint(day=day, excess=excess, limit=limit_value))
        return sorted(newest_per_day.values(), key=lambda p: p.day)[-limit:]

    async def snapshot_days(self, *, limit: int = 12) -> list[date]:
        """The days of the newest ``limit`` snapshot days, oldest first."""
        s = schema.snapshots
        query = select(s.c.taken_on).distinct().order_by(s.c.taken_on.desc()).limit(limit)
        async with self._read() as conn:
            days = [day for (day,) in await conn.execute(query)]
        return sorted(days)
