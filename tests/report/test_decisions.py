"""The decision state rules: billed per cycle, growth, snoozes, ignore, reopen (pure, injected clock)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.report.cycles import cycle_period, parse_period
from bot.report.decisions import (
    SNOOZE_DAYS,
    Decision,
    count_states,
    customer_state,
    customer_states,
    decide,
    latest_decisions,
)

UTC_TZ = ZoneInfo("UTC")
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def _decide(
    choice: str,
    *,
    now: datetime = NOW,
    excess: int | None = 100,
    renewal: date | None = None,
    cycle: str = "monthly",
    tz: ZoneInfo = UTC_TZ,
) -> Decision:
    return decide(
        choice,  # type: ignore[arg-type]
        company_id="c1",
        excess=excess,
        renewal=renewal,
        now=now,
        tz=tz,
        cycle=cycle,  # type: ignore[arg-type]
        by_id="U1",
        by_name="Ada",
    )


def test_no_decision_needs_action() -> None:
    state = customer_state(None, excess=5, now=NOW, tz=UTC_TZ)
    assert (state.kind, state.label, state.decided_by, state.decided_at) == (
        "needs_action",
        "needs action",
        None,
        None,
    )


def test_billed_this_month_then_back_next_month() -> None:
    billed = _decide("billed")
    assert billed.cycle == "2026-12"
    state = customer_state(billed, excess=100, now=NOW + timedelta(days=10), tz=UTC_TZ)
    assert (state.kind, state.label, state.decided_by, state.decided_at) == (
        "billed",
        "billed Dec 2026",
        "Ada",
        NOW,
    )
    back = customer_state(billed, excess=100, now=datetime(2027, 1, 1, 0, 0, tzinfo=UTC), tz=UTC_TZ)
    assert (back.kind, back.label) == ("needs_action", "needs action")
    assert back.decided_by == "Ada"  # who decided last stays visible


def test_billed_growth_shows_plus_n_since_billed() -> None:
    billed = _decide("billed", excess=1_000)
    assert customer_state(billed, excess=1_000, now=NOW, tz=UTC_TZ).kind == "billed"
    assert customer_state(billed, excess=900, now=NOW, tz=UTC_TZ).kind == "billed"
    grown = customer_state(billed, excess=2_140, now=NOW, tz=UTC_TZ)
    assert (grown.kind, grown.label) == ("needs_action", "+1,140 since billed")


def test_unknown_excess_does_not_count_as_growth() -> None:
    assert customer_state(_decide("billed", excess=None), excess=50, now=NOW, tz=UTC_TZ).kind == "billed"
    assert customer_state(_decide("billed"), excess=None, now=NOW, tz=UTC_TZ).kind == "billed"


def test_cycle_boundary_follows_the_timezone() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    # 2026-12-31 16:00 UTC is already 2027-01-01 in Tokyo.
    moment = datetime(2026, 12, 31, 16, 0, tzinfo=UTC)
    billed = _decide("billed", now=moment, tz=tokyo)
    assert billed.cycle == "2027-01"
    assert (
        customer_state(_decide("billed", now=moment), excess=100, now=moment, tz=UTC_TZ).label
        == "billed Dec 2026"
    )


@pytest.mark.parametrize(
    ("cycle", "key", "label", "back_on"),
    [
        ("monthly", "2026-12", "billed Dec 2026", date(2027, 1, 1)),
        ("quarterly", "2026-Q4", "billed Q4 2026", date(2027, 1, 1)),
        ("yearly", "2026", "billed 2026", date(2027, 1, 1)),
    ],
)
def test_cycles(cycle: str, key: str, label: str, back_on: date) -> None:
    billed = _decide("billed", cycle=cycle, now=datetime(2026, 12, 1, tzinfo=UTC))
    assert billed.cycle == key
    last_moment = datetime(2026, 12, 31, 23, 59, tzinfo=UTC)
    assert customer_state(billed, excess=100, now=last_moment, tz=UTC_TZ).label == label
    after = datetime(back_on.year, back_on.month, back_on.day, tzinfo=UTC)
    assert customer_state(billed, excess=100, now=after, tz=UTC_TZ).label == "needs action"


def test_snooze_30_days_and_until_renewal() -> None:
    snoozed = _decide("snooze30")
    assert snoozed.until == date(2027, 1, 6)
    assert customer_state(snoozed, excess=100, now=NOW, tz=UTC_TZ).label == "snoozed → 2027-01-06"
    assert (
        customer_state(snoozed, excess=100, now=datetime(2027, 1, 6, tzinfo=UTC), tz=UTC_TZ).kind
        == "needs_action"
    )
    renewal = _decide("snooze_renewal", renewal=date(2027, 3, 1))
    assert customer_state(renewal, excess=100, now=NOW, tz=UTC_TZ).label == "snoozed → 2027-03-01"
    past = _decide("snooze_renewal", renewal=date(2026, 1, 1))
    assert past.until == NOW.date() + timedelta(days=SNOOZE_DAYS)


def test_snooze_growth_brings_it_back() -> None:
    state = customer_state(_decide("snooze30", excess=10), excess=15, now=NOW, tz=UTC_TZ)
    assert (state.kind, state.label) == ("needs_action", "+5 since snoozed")


def test_ignored_until_reopened() -> None:
    ignored = _decide("ignore")
    far = NOW + timedelta(days=3_000)
    assert customer_state(ignored, excess=10**6, now=far, tz=UTC_TZ).label == "ignored"
    reopened = Decision(company_id="c1", decision="reopened", decided_at=far, by_id="U2")
    latest = latest_decisions([ignored, reopened])
    state = customer_states({"c1": 5}, latest, now=far, tz=UTC_TZ)["c1"]
    assert (state.kind, state.label, state.decided_by) == ("needs_action", "needs action", "U2")


def test_counts() -> None:
    latest = {"a": _decide("billed"), "b": _decide("ignore"), "c": _decide("snooze30")}
    states = customer_states({"a": 1, "b": 1, "c": 1, "d": 1, "e": None}, latest, now=NOW, tz=UTC_TZ)
    counts = count_states(states.values())
    assert (counts.needs_action, counts.handled, counts.billed, counts.snoozed, counts.ignored) == (
        2,
        3,
        1,
        1,
        1,
    )


def test_parse_period_rejects_junk() -> None:
    for junk in ("", "2026-13", "2026-Q5", "x" * 10_000, "0000-01", "2026-1", "9999-12"):
        assert parse_period(junk) is None
    period = parse_period("2026-Q1")
    assert period is not None
    assert (period.start, period.end) == (date(2026, 1, 1), date(2026, 4, 1))


_days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
_moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
_tzs = st.sampled_from(
    [ZoneInfo("UTC"), ZoneInfo("Asia/Tokyo"), ZoneInfo("America/Los_Angeles"), ZoneInfo("Pacific/Kiritimati")]
)
_cycles = st.sampled_from(["monthly", "quarterly", "yearly"])


@given(day=_days, cycle=_cycles)
def test_every_day_lies_in_its_period_and_the_key_round_trips(day: date, cycle: str) -> None:
    period = cycle_period(day, cycle)  # type: ignore[arg-type]
    assert period.contains(day)
    assert parse_period(period.key) == period
    assert not period.contains(period.end)
    assert not period.contains(period.start - timedelta(days=1))


@given(
    at=_moments,
    later=st.integers(0, 400 * 24),
    tz=_tzs,
    cycle=_cycles,
    billed=st.integers(1, 10**6),
    now_excess=st.integers(1, 2 * 10**6),
)
def test_billed_is_handled_exactly_within_its_cycle_without_growth(
    at: datetime, later: int, tz: ZoneInfo, cycle: str, billed: int, now_excess: int
) -> None:
    decision = _decide("billed", now=at, excess=billed, tz=tz, cycle=cycle)
    now = at + timedelta(hours=later)
    state = customer_state(decision, excess=now_excess, now=now, tz=tz)
    same_cycle = cycle_period(now.astimezone(tz).date(), cycle).key == decision.cycle  # type: ignore[arg-type]
    assert state.needs_action == (not same_cycle or now_excess > billed)
    if same_cycle and now_excess > billed:
        assert state.label == f"+{now_excess - billed:,} since billed"
    assert state.decided_at == at


@given(
    at=_moments,
    later=st.integers(0, 400 * 24),
    tz=_tzs,
    renewal=st.none() | _days,
    choice=st.sampled_from(["snooze30", "snooze_renewal"]),
)
def test_snooze_is_handled_until_its_day(
    at: datetime, later: int, tz: ZoneInfo, renewal: date | None, choice: str
) -> None:
    decision = _decide(choice, now=at, tz=tz, renewal=renewal)
    today = at.astimezone(tz).date()
    assert decision.until is not None
    assert decision.until > today
    if choice == "snooze_renewal" and renewal is not None and renewal > today:
        assert decision.until == renewal
    else:
        assert decision.until == today + timedelta(days=SNOOZE_DAYS)
    now = at + timedelta(hours=later)
    state = customer_state(decision, excess=100, now=now, tz=tz)
    assert state.needs_action == (now.astimezone(tz).date() >= decision.until)


@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(0, 10**6)), max_size=30))
def test_latest_decision_is_the_newest(rows: list[tuple[str, int]]) -> None:
    decisions = [
        Decision(company_id=c, decision="ignored", decided_at=NOW + timedelta(seconds=s), by_id=str(i))
        for i, (c, s) in enumerate(rows)
    ]
    latest = latest_decisions(decisions)
    for company, decision in latest.items():
        assert decision.decided_at == max(d.decided_at for d in decisions if d.company_id == company)
    assert set(latest) == {c for c, _ in rows}
