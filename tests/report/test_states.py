"""States on a report: the summary line's exact shape, the needs-action order, the renewal offer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.keepnet.models import Company
from bot.report.decisions import Choice, Decision, DecisionCounts, decide
from bot.report.states import decision_note, decision_summary, with_states
from tests.report.builders import GENERATED, company, make_report, many_companies

UTC_TZ = ZoneInfo("UTC")


def test_summary_line_shapes() -> None:
    assert (
        decision_summary(DecisionCounts(12, 60, 9, 2))
        == "*12* need action · 71 handled (60 billed, 9 snoozed, 2 ignored)"
    )
    assert decision_summary(DecisionCounts(0, 83, 0, 0)) == "*0* need action · 83 handled (83 billed)"
    assert decision_summary(DecisionCounts(83, 0, 0, 0)) == "*83* need action · 0 handled"
    assert (
        decision_summary(DecisionCounts(1_200, 0, 0, 1), strong="**")
        == "**1,200** need action · 1 handled (1 ignored)"
    )


def _decision(company_id: str, choice: Choice, excess: int) -> Decision:
    return decide(
        choice,
        company_id=company_id,
        excess=excess,
        renewal=None,
        now=GENERATED,
        tz=UTC_TZ,
        cycle="monthly",
        by_id="U1",
    )


def test_with_states_orders_needs_action_by_excess_and_counts() -> None:
    report = make_report(many_companies(8))  # c8 has the largest excess (8)
    latest = {
        "c8": _decision("c8", "billed", 8),
        "c7": _decision("c7", "ignore", 7),
        "c6": _decision("c6", "billed", 2),
    }
    view = with_states(
        report, latest, now=GENERATED + timedelta(hours=1), tz=UTC_TZ, cycle="monthly"
    ).decisions
    assert view is not None
    assert [o.company_id for o in view.needs_action] == ["c6", "c5", "c4", "c3", "c2", "c1"]
    assert view.states["c6"].label == "+4 since billed"
    assert view.states["c8"].label == "billed Nov 2026"
    assert (view.counts.needs_action, view.counts.billed, view.counts.ignored) == (6, 1, 1)


def test_future_renewal_only() -> None:
    rows = [
        Company.from_wire(
            {
                "companyResourceId": "a",
                "numberOfUsers": "1",
                "targetUserCount": 5,
                "licenseEndDate": "2027-03-01T00:00:00Z",
            }
        ),
        Company.from_wire(
            {
                "companyResourceId": "b",
                "numberOfUsers": "1",
                "targetUserCount": 5,
                "licenseEndDate": "2020-03-01T00:00:00Z",
            }
        ),
        Company.from_wire(
            {
                "companyResourceId": "c",
                "numberOfUsers": "1",
                "targetUserCount": 5,
                "licenseEndDate": "garbage",
            }
        ),
    ]
    report = with_states(
        make_report(rows), {}, now=datetime(2026, 12, 1, tzinfo=UTC), tz=UTC_TZ, cycle="monthly"
    )
    view = report.decisions
    assert view is not None
    renewals = {o.company_id: view.future_renewal(o) for o in report.offenders}
    assert renewals == {"a": datetime(2027, 3, 1).date(), "b": None, "c": None}


def test_thread_notes() -> None:
    billed = decide(
        "billed",
        company_id="g",
        excess=1_204,
        renewal=None,
        now=datetime(2026, 12, 7, tzinfo=UTC),
        tz=UTC_TZ,
        cycle="monthly",
        by_id="U1",
    )
    assert decision_note(billed, who="<@U1>", name="Globex Heavy Industries") == (
        "<@U1> marked *Globex Heavy Industries* billed for December 2026 (+1,204 users)"
    )
    snoozed = decide(
        "snooze_renewal",
        company_id="g",
        excess=5,
        renewal=datetime(2027, 3, 1).date(),
        now=datetime(2026, 12, 7, tzinfo=UTC),
        tz=UTC_TZ,
        cycle="quarterly",
        by_id="U1",
    )
    assert (
        decision_note(snoozed, who="Ada", name="G", strong="**")
        == "Ada snoozed **G** until 2027-03-01 (+5 users)"
    )
    ignored = decide(
        "ignore",
        company_id="g",
        excess=None,
        renewal=None,
        now=datetime(2026, 12, 7, tzinfo=UTC),
        tz=UTC_TZ,
        cycle="monthly",
        by_id="U1",
    )
    assert decision_note(ignored, who="Ada", name="G") == "Ada ignored *G*"


def test_a_customer_without_an_id_needs_action_and_has_no_state() -> None:
    """No companyResourceId: counted as needing action, listed, but no state (so no menu) is kept for it."""
    rows = [
        Company.from_wire(
            {"companyResourceId": "", "companyName": "No id", "numberOfUsers": "1", "targetUserCount": 9}
        ),
        Company.from_wire(
            {"companyResourceId": "a", "companyName": "A", "numberOfUsers": "1", "targetUserCount": 5}
        ),
    ]
    report = with_states(
        make_report(rows), {"a": _decision("a", "ignore", 4)}, now=GENERATED, tz=UTC_TZ, cycle="monthly"
    )
    view = report.decisions
    assert view is not None
    assert (view.counts.needs_action, view.counts.ignored) == (1, 1)
    assert [o.name for o in view.needs_action] == ["No id"]
    assert "" not in view.states


@given(
    excesses=st.lists(st.integers(-5, 5_000), max_size=60),
    picks=st.lists(
        st.tuples(
            st.integers(0, 59), st.sampled_from(["billed", "snooze30", "ignore"]), st.integers(0, 6_000)
        ),
        max_size=40,
    ),
    days_later=st.integers(0, 120),
)
def test_counts_add_up_and_needs_action_is_ordered(
    excesses: list[int], picks: list[tuple[int, Choice, int]], days_later: int
) -> None:
    """Needs action + handled = every offender; the needs-action list keeps the report's order."""
    companies = [company(i, f"C{i}", "100", 100 + e) for i, e in enumerate(excesses)]
    report = make_report(companies)
    latest = {
        f"c{i}": decide(
            choice,
            company_id=f"c{i}",
            excess=excess,
            renewal=None,
            now=GENERATED,
            tz=UTC_TZ,
            cycle="monthly",
            by_id="U1",
        )
        for i, choice, excess in picks
    }
    view = with_states(
        report, latest, now=GENERATED + timedelta(days=days_later), tz=UTC_TZ, cycle="monthly"
    ).decisions
    assert view is not None
    assert view.counts.needs_action + view.counts.handled == report.over_count
    assert len(view.needs_action) == view.counts.needs_action
    order = [o.company_id for o in report.offenders]
    assert [o.company_id for o in view.needs_action] == [c for c in order if view.states[c].needs_action]
