"""OVERAGE_POST_WHEN: quiet weeks are skipped (logged, in the ledger, counted), others posted as always."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from structlog.testing import capture_logs

from bot.config.billing import PostWhen
from bot.report.decisions import decide
from bot.report.model import OverageReport
from bot.report.states import with_states
from bot.store.database import Store
from bot.weekly.job import WeeklyJob, WeeklySchedule, period_for
from bot.weekly.trigger import build_trigger
from tests.store.fixtures import (  # noqa: F401 - _store, _store_target are fixtures
    FakeClock,
    RecordingDestination,
    _store,
    _store_target,
    make_report,
    offender,
)

MONDAY_9 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
NEXT_MONDAY = MONDAY_9 + timedelta(days=7)
UTC_TZ = ZoneInfo("UTC")


class Reports:
    """Hands out the report set in ``report`` (tests change it between weeks)."""

    def __init__(self, report: OverageReport) -> None:
        self.report = report

    async def __call__(self) -> OverageReport:
        return self.report


def _handled(report: OverageReport, *, billed: tuple[str, ...]) -> OverageReport:
    latest = {
        cid: decide(
            "billed",
            company_id=cid,
            excess=99,
            renewal=None,
            now=MONDAY_9 - timedelta(days=1),
            tz=UTC_TZ,
            cycle="monthly",
            by_id="U1",
        )
        for cid in billed
    }
    return with_states(report, latest, now=MONDAY_9, tz=UTC_TZ, cycle="monthly")


def _job(
    store: Store, dest: RecordingDestination, reports: Reports, post_when: PostWhen, clock: FakeClock
) -> WeeklyJob:
    schedule = WeeklySchedule(trigger=build_trigger("0 9 * * MON", UTC_TZ), tz=UTC_TZ, grace_s=3600)
    return WeeklyJob(
        schedule=schedule,
        store=store,
        destinations=[dest],
        report_factory=reports,
        clock=clock,
        sleep=clock.sleep,
        post_when=post_when,
    )


async def test_needs_action_skips_a_week_when_everything_is_handled(store: Store) -> None:
    """Nothing needs action: no post, a log line, the ledger says skipped, the count goes up; next week posts."""
    dest = RecordingDestination("slack:C1")
    base = make_report(offender("a", "Acme"), offender("b", "Beta"))
    reports = Reports(_handled(base, billed=("a", "b")))
    job = _job(store, dest, reports, "needs-action", FakeClock(MONDAY_9))
    with capture_logs() as logs:
        [outcome] = await job.run_occurrence(MONDAY_9)
    assert outcome.status == "skipped"
    assert dest.posts == []
    assert [e["reason"] for e in logs if e["event"] == "weekly_post_skipped"] == ["nothing-needs-action"]
    assert job.skipped_periods == {period_for(MONDAY_9)}
    record = await store.get_post("slack:C1", period_for(MONDAY_9))
    assert record is not None
    assert (record.state, record.message_ref) == ("completed", "skipped:nothing-needs-action")
    assert (await job.run_occurrence(MONDAY_9))[0].status == "already_posted"  # a replica does not post it
    reports.report = _handled(base, billed=("a",))
    job._clock = FakeClock(NEXT_MONDAY)
    [posted] = await job.run_occurrence(NEXT_MONDAY)
    assert posted.status == "posted"
    assert len(dest.posts) == 1


async def test_changes_posts_only_when_the_list_or_an_excess_changed(store: Store) -> None:
    """First week posts; the same list a week later is skipped; a changed excess posts again."""
    dest = RecordingDestination("slack:C1")
    reports = Reports(make_report(offender("a", "Acme", active=120)))
    clock = FakeClock(MONDAY_9)
    job = _job(store, dest, reports, "changes", clock)
    assert (await job.run_occurrence(MONDAY_9))[0].status == "posted"
    clock.now = NEXT_MONDAY
    assert (await job.run_occurrence(NEXT_MONDAY))[0].status == "skipped"
    reports.report = make_report(offender("a", "Acme", active=121))
    third = NEXT_MONDAY + timedelta(days=7)
    clock.now = third
    assert (await job.run_occurrence(third))[0].status == "posted"
    assert len(dest.posts) == 2


async def test_always_posts_even_when_nothing_needs_action(store: Store) -> None:
    """The default posts every week; post_once (overage-bot post) is never skipped."""
    dest = RecordingDestination("slack:C1")
    report = _handled(make_report(offender("a", "Acme")), billed=("a",))
    job = _job(store, dest, Reports(report), "always", FakeClock(MONDAY_9))
    assert (await job.run_occurrence(MONDAY_9))[0].status == "posted"
    quiet = _job(store, dest, Reports(report), "needs-action", FakeClock(MONDAY_9))
    assert (await quiet.post_once(key="manual-1"))[0].status == "posted"
