"""Over since, sparklines and limit changes, from snapshots. Pure."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.report.history import (
    SPARK_LEVELS,
    HistoryPoint,
    fmt_over_since,
    limit_changes,
    over_since,
    over_since_texts,
    sparkline,
)
from tests.report.builders import GENERATED, make_report, many_companies

DAY = date(2026, 11, 30)


def test_over_since_is_the_first_day_of_the_unbroken_run() -> None:
    """Newest first: a snapshot without the company ends its run; no snapshot → today."""
    snapshots = [
        (DAY, frozenset({"a", "b"})),
        (DAY - timedelta(weeks=1), frozenset({"a", "b"})),
        (DAY - timedelta(weeks=2), frozenset({"a"})),  # b was not over: its run starts a week later
        (DAY - timedelta(weeks=3), frozenset({"a", "b"})),
    ]
    today = DAY + timedelta(days=1)
    assert over_since(snapshots, ["a", "b", "c"], today=today) == {
        "a": DAY - timedelta(weeks=3),
        "b": DAY - timedelta(weeks=1),
        "c": today,
    }


def test_a_missing_latest_snapshot_breaks_the_run() -> None:
    """Over now but not in the newest snapshot: over since today, whatever came before."""
    snapshots = [(DAY, frozenset()), (DAY - timedelta(weeks=1), frozenset({"a"}))]
    assert over_since(snapshots, ["a"], today=DAY + timedelta(days=2)) == {"a": DAY + timedelta(days=2)}


@given(st.lists(st.booleans(), max_size=30))
def test_over_since_matches_a_walk_back(membership: list[bool]) -> None:
    """Property: the answer is the oldest day of the leading run of snapshots containing the company."""
    snapshots = [
        (DAY - timedelta(days=i), frozenset({"x"} if m else set())) for i, m in enumerate(membership)
    ]
    expected = DAY + timedelta(days=1)
    for day, ids in snapshots:
        if "x" not in ids:
            break
        expected = day
    assert over_since(snapshots, ["x"], today=DAY + timedelta(days=1)) == {"x": expected}


def test_sparkline_scales_and_marks_unknowns() -> None:
    """Lowest value ▁, highest ▇, unknown ·; a flat series sits in the middle."""
    assert sparkline([0, 50, 100, None]) == "▁▃▇·"
    assert sparkline([5, 5]) == "▃▃"
    assert sparkline([]) == ""
    assert set(sparkline(list(range(40)))) <= set(SPARK_LEVELS)


def test_limit_changes() -> None:
    """A license limit that changes between snapshots is listed with the day it was seen."""
    points = [
        HistoryPoint(DAY, 5, 100),
        HistoryPoint(DAY + timedelta(days=7), 3, 100),
        HistoryPoint(DAY + timedelta(days=14), 1, 250),
    ]
    assert limit_changes(points) == [(DAY + timedelta(days=14), 100, 250)]


def test_over_since_cells() -> None:
    """Table cells: date and weeks, days in the first week, 'today' for a new one; none for a find."""
    assert fmt_over_since(DAY - timedelta(weeks=12), DAY) == "2026-09-07 · 12 wk"
    assert fmt_over_since(DAY - timedelta(days=4), DAY) == "2026-11-26 · 4 d"
    assert fmt_over_since(DAY, DAY) == "today"
    report = dataclasses.replace(make_report(many_companies(2)), over_since={"c1": GENERATED.date()})
    assert over_since_texts(report, UTC) == {"c1": "today"}
    assert over_since_texts(dataclasses.replace(report, query="acme"), UTC) is None
