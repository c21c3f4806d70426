"""A customer's history from the stored snapshots: "over since", the excess trend, limit changes. Pure.

Snapshots are the over-limit lists the bot stored: one per weekly post and at most one per day from
full reports. A customer is *over* in a snapshot when it is in it. Its current run is the unbroken
sequence of snapshots, newest first, in which it is over; a snapshot without it breaks the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, tzinfo
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.report.model import OverageReport
from itertools import pairwise

__all__ = [
    "SPARK_LEVELS",
    "HistoryPoint",
    "fmt_over_since",
    "limit_changes",
    "over_since",
    "over_since_texts",
    "sparkline",
    "weeks_between",
]

SPARK_LEVELS = "▁▂▃▅▇"


@dataclass(frozen=True)
class HistoryPoint:
    """One customer in one snapshot.

    Attributes:
        day: the snapshot's day (the reseller's date).
        excess: its excess users then (None when the limit could not be read).
        limit: its license limit then (None when unreadable).
    """

    day: date
    excess: int | None
    limit: int | None


def over_since(
    snapshots: Sequence[tuple[date, frozenset[str]]], company_ids: Iterable[str], *, today: date
) -> dict[str, date]:
    """The first day of each company's current run over the limit.

    Args:
        snapshots: each stored snapshot's day and the ids over the limit in it, newest first.
        company_ids: the companies over the limit now.
        today: the reseller's today (the answer when no snapshot before today has the company).

    Returns:
        company id → the first day of its unbroken run of snapshots over the limit, ending today.
    """
    answer: dict[str, date] = {}
    earlier = [(day, ids) for day, ids in snapshots if day <= today]
    for company in company_ids:
        since = today
        for day, ids in earlier:
            if company not in ids:
                break
            since = min(since, day)
        answer[company] = since
    return answer


def weeks_between(first: date, last: date) -> int:
    """Whole weeks from ``first`` to ``last`` (0 when less than one)."""
    return max(0, (last - first).days // 7)


def sparkline(values: Sequence[int | None]) -> str:
    """``▁▂▃▅▇`` bars for the values, scaled between their minimum and maximum; unknown values as ``·``."""
    known = [v for v in values if v is not None]
    if not known:
        return "·" * len(values)
    low, high = min(known), max(known)
    span = high - low
    bars = []
    for value in values:
        if value is None:
            bars.append("·")
        elif span == 0:
            bars.append(SPARK_LEVELS[len(SPARK_LEVELS) // 2])
        else:
            bars.append(SPARK_LEVELS[round((value - low) * (len(SPARK_LEVELS) - 1) / span)])
    return "".join(bars)


def limit_changes(points: Sequence[HistoryPoint]) -> list[tuple[date, int | None, int | None]]:
    """The license-limit changes seen, oldest first: (day seen, limit before, limit after).

    Args:
        points: the customer's snapshots, oldest first.
    """
    changes: list[tuple[date, int | None, int | None]] = []
    for before, after in pairwise(points):
        if before.limit != after.limit:
            changes.append((after.day, before.limit, after.limit))
    return changes


def by_company(rows: Iterable[tuple[str, HistoryPoint]]) -> Mapping[str, list[HistoryPoint]]:
    """Group (company id, point) pairs, keeping their order."""
    grouped: dict[str, list[HistoryPoint]] = {}
    for company, point in rows:
        grouped.setdefault(company, []).append(point)
    return grouped


def fmt_over_since(since: date, today: date) -> str:
    """The table's Over since cell: ``2026-09-14 · 12 wk``, ``2026-11-30 · 4 d``, ``today``."""
    days = (today - since).days
    if days <= 0:
        return "today"
    if days < 7:
        return f"{since.isoformat()} · {days} d"
    return f"{since.isoformat()} · {days // 7} wk"


def over_since_texts(report: OverageReport, tz: tzinfo) -> dict[str, str] | None:
    """Each offender's Over since cell, or None when the report has no history (or is a ``find``)."""
    if report.over_since is None or report.query:
        return None
    today = report.generated_at.astimezone(tz).date()
    return {company: fmt_over_since(day, today) for company, day in report.over_since.items()}
