"""The weekly post: occurrences across DST, exactly-once delivery, retries, catch-up, post_once."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from structlog.testing import capture_logs

from bot.config import load_settings
from bot.report.model import OverageReport, snapshot_rows
from bot.store.database import Store
from bot.weekly.job import Destination, WeeklyJob, WeeklySchedule, failure_text, period_for
from bot.weekly.trigger import build_trigger
from tests.store.fixtures import (  # noqa: F401 - _store, _store_target are fixtures
    FakeClock,
    RecordingDestination,
    StoreTarget,
    _store,
    _store_target,
    make_report,
    offender,
)

NEW_YORK = ZoneInfo("America/New_York")
ISTANBUL = ZoneInfo("Europe/Istanbul")
MONDAY_9 = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)  # an occurrence of "0 9 * * MON" in UTC
PERIOD = period_for(MONDAY_9)
WORKER = Path(__file__).with_name("_claim_worker.py")


def _schedule(
    expr: str = "0 9 * * MON", tz: ZoneInfo | None = None, *, grace_h: float = 12
) -> WeeklySchedule:
    zone = tz or ZoneInfo("UTC")
    return WeeklySchedule(trigger=build_trigger(expr, zone), tz=zone, grace_s=grace_h * 3600)


class Reports:
    """A report factory that counts how often it was asked for a fresh report."""

    def __init__(self, report: OverageReport | None = None) -> None:
        self.report = report or make_report(offender("a", "Acme"))
        self.calls = 0

    async def __call__(self) -> OverageReport:
        """Return the report."""
        self.calls += 1
        return self.report


def _job(
    store: Store,
    destinations: Sequence[Destination],
    clock: FakeClock,
    *,
    reports: Reports | None = None,
    schedule: WeeklySchedule | None = None,
    sleep: Callable[[float], Awaitable[None]] | None = None,
) -> WeeklyJob:
    return WeeklyJob(
        schedule=schedule or _schedule(),
        store=store,
        destinations=destinations,
        report_factory=reports or Reports(),
        clock=clock,
        sleep=sleep or clock.sleep,
    )


async def _yield_only(_: float) -> None:
    """A sleep for jobs racing in real time: let the other task run, do not move any clock."""
    await asyncio.sleep(0)


class TestWeeklySchedule:
    """Occurrences in the reseller's time zone."""

    def test_new_york_spring_forward_keeps_nine_local(self) -> None:
        """Across the March DST change, 09:00 New York moves from 14:00 to 13:00 UTC."""
        runs = _schedule(tz=NEW_YORK).next_runs(2, datetime(2025, 3, 1, tzinfo=UTC))
        assert [r.astimezone(UTC) for r in runs] == [
            datetime(2025, 3, 3, 14, 0, tzinfo=UTC),
            datetime(2025, 3, 10, 13, 0, tzinfo=UTC),
        ]
        assert {(r.hour, r.strftime("%a")) for r in runs} == {(9, "Mon")}

    def test_new_york_fall_back_keeps_nine_local(self) -> None:
        """Across the November DST change, 09:00 New York moves from 13:00 to 14:00 UTC."""
        runs = _schedule(tz=NEW_YORK).next_runs(2, datetime(2025, 10, 25, tzinfo=UTC))
        assert [r.astimezone(UTC) for r in runs] == [
            datetime(2025, 10, 27, 13, 0, tzinfo=UTC),
            datetime(2025, 11, 3, 14, 0, tzinfo=UTC),
        ]
        assert [period_for(r) for r in runs] == ["weekly:2025-10-27T13:00Z", "weekly:2025-11-03T14:00Z"]

    @pytest.mark.parametrize("start", [datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 10, 25, tzinfo=UTC)])
    def test_istanbul_has_no_dst(self, start: datetime) -> None:
        """09:00 Istanbul is 06:00 UTC all year."""
        runs = _schedule(tz=ISTANBUL).next_runs(3, start)
        assert {r.astimezone(UTC).hour for r in runs} == {6}
        assert {r.hour for r in runs} == {9}

    def test_next_runs_are_strictly_after(self) -> None:
        """At the very moment of an occurrence, the next run is the following week."""
        assert _schedule().next_runs(1, MONDAY_9) == [MONDAY_9 + timedelta(days=7)]

    def test_previous_run(self) -> None:
        """The previous run is the latest occurrence at or before now."""
        schedule = _schedule()
        assert schedule.previous_run(MONDAY_9) == MONDAY_9
        assert schedule.previous_run(MONDAY_9 - timedelta(seconds=1)) == MONDAY_9 - timedelta(days=7)
        assert schedule.previous_run(MONDAY_9 + timedelta(days=3)) == MONDAY_9

    def test_previous_run_of_a_monthly_schedule(self) -> None:
        """A monthly schedule looks back far enough to find its last occurrence."""
        monthly = _schedule("0 9 1 * *")
        assert monthly.previous_run(datetime(2025, 3, 28, tzinfo=UTC)) == datetime(2025, 3, 1, 9, tzinfo=UTC)

    def test_from_settings(self) -> None:
        """The schedule follows OVERAGE_SCHEDULE, OVERAGE_TIMEZONE and OVERAGE_MISFIRE_GRACE_H."""
        settings = load_settings(
            overage_schedule="30 8 * * 1", overage_timezone="Europe/Istanbul", overage_misfire_grace_h=2
        )
        schedule = WeeklySchedule.from_settings(settings)
        assert schedule.grace_s == 7200
        run = schedule.next_runs(1, MONDAY_9)[0]
        assert (run.strftime("%a %H:%M"), run.astimezone(UTC).hour) == ("Mon 08:30", 5)


class TestExactlyOnce:
    """One post per destination and occurrence, however often and wherever the job runs."""

    async def test_occurrence_posts_once(self, store: Store) -> None:
        """Running the same occurrence twice posts once; the second run reports it was posted."""
        slack = RecordingDestination("slack:C1")
        reports = Reports()
        job = _job(store, [slack], FakeClock(MONDAY_9), reports=reports)
        first = await job.run_occurrence(MONDAY_9)
        second = await job.run_occurrence(MONDAY_9)
        assert [p for p, _ in slack.posts] == [PERIOD]
        assert (first[0].status, first[0].message_ref) == ("posted", "slack:C1-msg-1")
        assert second[0].status == "already_posted"
        assert reports.calls == 1
        record = await store.get_post("slack:C1", PERIOD)
        assert record is not None
        assert (record.state, record.message_ref) == ("completed", "slack:C1-msg-1")

    async def test_restart_does_not_post_again(self, store_target: StoreTarget) -> None:
        """A new process (new store, new job) after the post neither re-runs nor catches up."""
        slack = RecordingDestination("slack:C1")
        first = await store_target.open()
        await _job(first, [slack], FakeClock(MONDAY_9)).run_occurrence(MONDAY_9)
        await first.close()
        second = await store_target.open()
        try:
            job = _job(second, [slack], FakeClock(MONDAY_9 + timedelta(minutes=3)))
            assert await job.catch_up() == []
            assert (await job.run_occurrence(MONDAY_9))[0].status == "already_posted"
        finally:
            await second.close()
        assert len(slack.posts) == 1

    async def test_two_jobs_racing_post_once(self, store_target: StoreTarget) -> None:
        """Two job instances on one database, run concurrently, post exactly once per destination."""
        slack, teams = RecordingDestination("slack:C1"), RecordingDestination("teams:19:x")
        stores = [await store_target.open(), await store_target.open()]
        try:
            jobs = [
                WeeklyJob(
                    schedule=_schedule(),
                    store=s,
                    destinations=[slack, teams],
                    report_factory=Reports(),
                    clock=lambda: MONDAY_9,
                    sleep=_yield_only,
                )
                for s in stores
            ]
            results = await asyncio.gather(*(job.run_occurrence(MONDAY_9) for job in jobs))
        finally:
            for s in stores:
                await s.close()
        assert (len(slack.posts), len(teams.posts)) == (1, 1)
        statuses = sorted(o.status for outcome in results for o in outcome)
        assert statuses == ["already_posted", "already_posted", "posted", "posted"]

    async def test_two_processes_post_once(self, store_target: StoreTarget, tmp_path: Path) -> None:
        """Two separate OS processes running the same occurrence produce a single post."""
        out = tmp_path / "posts.txt"
        args = [str(WORKER), store_target.url, store_target.schema or "-", str(out), MONDAY_9.isoformat()]
        procs = [
            await asyncio.create_subprocess_exec(
                sys.executable, *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
            )
            for _ in range(2)
        ]
        results = [await proc.communicate() for proc in procs]
        for proc, (_, err) in zip(procs, results, strict=True):
            assert proc.returncode == 0, err.decode()
        statuses = sorted(stdout.decode().split()[-1] for stdout, _ in results)
        assert statuses == ["already_posted", "posted"]
        assert out.read_text().count(PERIOD) == 1


class TestSlowReportsAndRepeatedTimes:
    """The claim outlives a slow report; a wall-clock time that happens twice posts once."""

    async def test_slow_report_renews_the_claim_before_posting(self, store_target: StoreTarget) -> None:
        """Ten minutes building the report: another replica 16 minutes in still cannot take over."""
        store, other = await store_target.open(), await store_target.open()
        clock = FakeClock(MONDAY_9)
        taken_over: list[bool] = []

        async def slow_report() -> OverageReport:
            clock.now += timedelta(minutes=10)
            return make_report(offender("a", "Acme"))

        class Watching(RecordingDestination):
            async def post(self, report: OverageReport, *, period: str) -> str:
                taken_over.append(await other.claim(self.name, period, now=clock.now + timedelta(minutes=6)))
                return await super().post(report, period=period)

        slack = Watching("slack:C1")
        job = WeeklyJob(
            schedule=_schedule(), store=store, destinations=[slack], report_factory=slow_report, clock=clock
        )
        try:
            [outcome] = await job.run_occurrence(MONDAY_9)
        finally:
            await store.close()
            await other.close()
        assert outcome.status == "posted"
        assert taken_over == [False]

    async def test_claim_lost_during_a_slow_report_is_not_posted(self, store_target: StoreTarget) -> None:
        """When another replica took the expired claim meanwhile, this one does not post too."""
        store, other = await store_target.open(), await store_target.open()
        clock = FakeClock(MONDAY_9)

        async def very_slow_report() -> OverageReport:
            clock.now += timedelta(minutes=16)
            assert await other.claim("slack:C1", "key:k", now=clock.now)
            return make_report(offender("a", "Acme"))

        slack = RecordingDestination("slack:C1")
        job = WeeklyJob(
            schedule=_schedule(),
            store=store,
            destinations=[slack],
            report_factory=very_slow_report,
            clock=clock,
        )
        try:
            with capture_logs() as logs:
                [outcome] = await job.post_once(key="k")
        finally:
            await store.close()
            await other.close()
        assert outcome.status == "claimed_elsewhere"
        assert slack.posts == []
        assert [e["event"] for e in logs if e["event"] == "weekly_post_claim_lost"] == [
            "weekly_post_claim_lost"
        ]

    async def test_repeated_wall_clock_time_posts_once(self, store: Store) -> None:
        """01:30 New York happens twice when clocks go back; the trigger fires twice, one post."""
        schedule = _schedule("30 1 * * *", NEW_YORK)
        first, second = schedule.next_runs(2, datetime(2025, 11, 2, 4, 0, tzinfo=UTC))
        assert (first.astimezone(UTC).hour, second.astimezone(UTC).hour) == (5, 6)
        slack = RecordingDestination("slack:C1")
        clock = FakeClock(first.astimezone(UTC))
        job = _job(store, [slack], clock, schedule=schedule)
        assert [o.status for o in await job.run_occurrence(first)] == ["posted"]
        clock.now = second.astimezone(UTC) + timedelta(seconds=1)
        assert await job.catch_up() == []
        assert [o.status for o in await job.run_occurrence(second)] == ["already_posted"]
        assert [p for p, _ in slack.posts] == ["weekly:2025-11-02T05:30Z"]

    async def test_repeated_time_catches_up_the_first_one(self, store: Store) -> None:
        """Down at the first 01:30, up at the second: the post is made once, for the first."""
        schedule = _schedule("30 1 * * *", NEW_YORK)
        slack = RecordingDestination("slack:C1")
        clock = FakeClock(datetime(2025, 11, 2, 6, 30, 5, tzinfo=UTC))
        outcomes = await _job(store, [slack], clock, schedule=schedule).catch_up()
        assert [o.status for o in outcomes] == ["posted"]
        assert [p for p, _ in slack.posts] == ["weekly:2025-11-02T05:30Z"]


class TestCatchUp:
    """Starting after downtime: post within the grace period, skip (and say so) beyond it."""

    async def test_within_grace_posts_once(self, store: Store) -> None:
        """Five hours late (grace 12 h), the missed occurrence is posted, and only once."""
        slack = RecordingDestination("slack:C1")
        job = _job(store, [slack], FakeClock(MONDAY_9 + timedelta(hours=5)))
        outcomes = await job.catch_up()
        assert [o.status for o in outcomes] == ["posted"]
        assert await job.catch_up() == []
        assert [p for p, _ in slack.posts] == [PERIOD]

    async def test_beyond_grace_skips_and_logs(self, store: Store) -> None:
        """Thirteen hours late (the bot ran before), nothing is posted and weekly_post_missed is logged."""
        slack = RecordingDestination("slack:C1")
        await _job(store, [slack], FakeClock(MONDAY_9 - timedelta(days=7))).run_occurrence(
            MONDAY_9 - timedelta(days=7)
        )
        slack.posts.clear()
        job = _job(store, [slack], FakeClock(MONDAY_9 + timedelta(hours=13)))
        with capture_logs() as logs:
            assert await job.catch_up() == []
        assert slack.posts == []
        missed = [e for e in logs if e["event"] == "weekly_post_missed"]
        assert len(missed) == 1
        assert missed[0]["period"] == PERIOD
        assert missed[0]["destinations"] == ["slack:C1"]
        assert missed[0]["next_run"] == (MONDAY_9 + timedelta(days=7)).isoformat()

    async def test_first_start_does_not_warn_about_a_post_before_it_existed(self, store: Store) -> None:
        """A fresh install started after this week's time: no missed-post warning, an info line with the next run."""
        slack = RecordingDestination("slack:C1")
        job = _job(store, [slack], FakeClock(MONDAY_9 + timedelta(hours=13)))
        with capture_logs() as logs:
            assert await job.catch_up() == []
        assert slack.posts == []
        assert not [e for e in logs if e["log_level"] in ("warning", "error")], logs
        [first] = [e for e in logs if e["event"] == "weekly_post_first_start"]
        assert first["next_run"] == (MONDAY_9 + timedelta(days=7)).isoformat()

    async def test_beyond_grace_but_posted_is_quiet(self, store: Store) -> None:
        """An occurrence that was posted is not reported as missed later in the week."""
        slack = RecordingDestination("slack:C1")
        await _job(store, [slack], FakeClock(MONDAY_9)).run_occurrence(MONDAY_9)
        with capture_logs() as logs:
            assert await _job(store, [slack], FakeClock(MONDAY_9 + timedelta(days=2))).catch_up() == []
        assert not [e for e in logs if e["event"] == "weekly_post_missed"]
        assert len(slack.posts) == 1

    async def test_scheduler_job_posts_the_fired_occurrence(self, store: Store) -> None:
        """``start`` adds a coalescing cron job whose call posts the occurrence that just fired."""
        slack = RecordingDestination("slack:C1")
        clock = FakeClock(MONDAY_9 + timedelta(seconds=2))
        job = _job(store, [slack], clock)
        scheduler = AsyncIOScheduler(timezone=UTC)
        job.start(scheduler)
        jobs = {j.id: j for j in scheduler.get_jobs()}
        assert set(jobs) == {"overage_weekly_post", "overage_weekly_catch_up"}
        weekly = jobs["overage_weekly_post"]
        assert (weekly.misfire_grace_time, weekly.coalesce, weekly.max_instances) == (12 * 3600, True, 1)
        assert weekly.trigger.get_next_fire_time(None, MONDAY_9 - timedelta(hours=1)) == MONDAY_9
        await weekly.func()
        assert [p for p, _ in slack.posts] == [PERIOD]


class TestFailures:
    """Failed posts are released, retried with backoff, and finally reported."""

    async def test_retry_after_failure_posts_once(self, store: Store) -> None:
        """One failure: the claim is released during the wait, the retry posts a fresh report once."""
        slack = RecordingDestination("slack:C1", failures=1)
        clock = FakeClock(MONDAY_9)
        states: list[str] = []

        async def sleep(seconds: float) -> None:
            record = await store.get_post("slack:C1", PERIOD)
            states.append(record.state if record else "none")
            await clock.sleep(seconds)

        reports = Reports()
        job = WeeklyJob(
            schedule=_schedule(),
            store=store,
            destinations=[slack],
            report_factory=reports,
            clock=clock,
            sleep=sleep,
        )
        outcomes = await job.run_occurrence(MONDAY_9)
        assert (outcomes[0].status, outcomes[0].attempts) == ("posted", 2)
        assert states == ["released"]
        assert clock.sleeps == [60.0]
        assert len(slack.posts) == 1
        assert reports.calls == 2
        record = await store.get_post("slack:C1", PERIOD)
        assert record is not None
        assert (record.state, record.attempts) == ("completed", 2)

    async def test_backoff_then_give_up_with_notice(self, store: Store) -> None:
        """A destination that keeps failing is retried 1, 2, 4 … 30 min apart, then told once."""
        slack = RecordingDestination("slack:C1", failures=1000)
        clock = FakeClock(MONDAY_9)
        job = _job(store, [slack], clock, schedule=_schedule(grace_h=2))
        with capture_logs() as logs:
            outcomes = await job.run_occurrence(MONDAY_9)
        assert clock.sleeps == [60.0, 120.0, 240.0, 480.0, 960.0, 1800.0, 1800.0]
        assert (outcomes[0].status, outcomes[0].attempts) == ("failed", 8)
        assert slack.posts == []
        assert len(slack.notices) == 1
        assert "slack:C1" in slack.notices[0]
        assert "8 attempts" in slack.notices[0]
        assert "chat API unavailable (503)" in slack.notices[0]
        gave_up = [e for e in logs if e["event"] == "weekly_post_gave_up"]
        assert [(e["destination"], e["attempts"]) for e in gave_up] == [("slack:C1", 8)]
        record = await store.get_post("slack:C1", PERIOD)
        assert record is not None
        assert (record.state, record.last_error) == ("released", "chat API unavailable (503)")

    async def test_failure_notice_is_posted_once_across_replicas_and_restarts(
        self, store_target: StoreTarget
    ) -> None:
        """Two replicas giving up on the same occurrence, then a restarted one: a single notice."""
        slack = RecordingDestination("slack:C1", failures=10_000)
        stores = [await store_target.open() for _ in range(3)]
        try:
            racing = [
                _job(s, [slack], FakeClock(MONDAY_9), schedule=_schedule(grace_h=1)) for s in stores[:2]
            ]
            results = await asyncio.gather(*(job.run_occurrence(MONDAY_9) for job in racing))
            restarted = _job(stores[2], [slack], FakeClock(MONDAY_9), schedule=_schedule(grace_h=1))
            results.append(await restarted.run_occurrence(MONDAY_9))
            notice = await stores[2].get_post("slack:C1", PERIOD + ":notice")
        finally:
            for s in stores:
                await s.close()
        # A racer that last saw the other's live claim stops at the deadline without giving up.
        assert {outcome.status for [outcome] in results[:2]} <= {"failed", "claimed_elsewhere"}
        assert results[2][0].status == "failed"
        assert len(slack.notices) == 1
        assert notice is not None
        assert notice.state == "completed"

    async def test_failed_notice_is_released_for_the_next_one(self, store: Store) -> None:
        """A notice that could not be sent does not block a later replica's notice."""

        class NoticeFails(RecordingDestination):
            async def post_failure(self, text: str) -> None:
                raise ConnectionError("chat API unavailable (503)")

        down = NoticeFails("slack:C1", failures=10_000)
        await _job(store, [down], FakeClock(MONDAY_9), schedule=_schedule(grace_h=1)).run_occurrence(MONDAY_9)
        record = await store.get_post("slack:C1", PERIOD + ":notice")
        assert record is not None
        assert record.state == "released"
        slack = RecordingDestination("slack:C1", failures=10_000)
        await _job(store, [slack], FakeClock(MONDAY_9), schedule=_schedule(grace_h=1)).run_occurrence(
            MONDAY_9
        )
        assert len(slack.notices) == 1

    def test_failure_text_shows_the_zone_like_every_other_message(self) -> None:
        """The notice names the local time and the IANA zone, not an abbreviation or offset."""
        occurrence = datetime(2026, 11, 23, 6, 0, tzinfo=UTC).astimezone(ISTANBUL)
        text = failure_text("slack:C1", occurrence=occurrence, attempts=3, error="Keepnet down")
        assert "due Mon 2026-11-23 09:00 (Europe/Istanbul) could not be posted" in text
        assert "+03" not in text

    async def test_one_failing_destination_does_not_block_another(self, store: Store) -> None:
        """Slack failing all day does not delay or stop the Teams post."""
        slack, teams = RecordingDestination("slack:C1", failures=1000), RecordingDestination("teams:19:x")
        outcomes = await _job(store, [slack, teams], FakeClock(MONDAY_9)).run_occurrence(MONDAY_9)
        assert [o.status for o in outcomes] == ["failed", "posted"]
        assert (len(teams.posts), len(slack.notices), len(teams.notices)) == (1, 1, 0)

    async def test_expired_lease_of_a_crashed_instance_is_taken_over(self, store_target: StoreTarget) -> None:
        """A claim made 16 minutes ago and never completed does not stop the post."""
        crashed, store = await store_target.open(), await store_target.open()
        try:
            assert await crashed.claim("slack:C1", PERIOD, now=MONDAY_9 - timedelta(minutes=16))
            slack = RecordingDestination("slack:C1")
            outcomes = await _job(store, [slack], FakeClock(MONDAY_9)).run_occurrence(MONDAY_9)
        finally:
            await crashed.close()
            await store.close()
        assert outcomes[0].status == "posted"
        assert len(slack.posts) == 1

    async def test_live_claim_of_a_crashed_instance_is_waited_out(self, store_target: StoreTarget) -> None:
        """A fresh claim by an instance that then died: the job waits for its lease, then posts."""
        crashed, store = await store_target.open(), await store_target.open()
        try:
            assert await crashed.claim("slack:C1", PERIOD, lease_s=900, now=MONDAY_9 - timedelta(minutes=1))
            slack = RecordingDestination("slack:C1")
            clock = FakeClock(MONDAY_9)
            outcomes = await _job(store, [slack], clock).run_occurrence(MONDAY_9)
        finally:
            await crashed.close()
            await store.close()
        assert outcomes[0].status == "posted"
        assert clock.sleeps == [14 * 60 + 1.0]
        assert len(slack.posts) == 1


class TestSnapshotsAndManualPosts:
    """Week-over-week comparison and ``overage-bot post``."""

    async def test_report_compares_with_last_week_then_saves_this_week(
        self, store: Store, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Every destination, even one retried after this week's snapshot is saved, compares with last week."""
        last_week = make_report(offender("a", "Acme"))
        await store.save_snapshot(
            MONDAY_9 - timedelta(days=7), snapshot_rows(last_week), period="weekly:prev"
        )
        this_week_saved = asyncio.Event()
        save_snapshot = store.save_snapshot

        async def save_then_signal(*args: Any, **kwargs: Any) -> None:
            await save_snapshot(*args, **kwargs)
            this_week_saved.set()

        monkeypatch.setattr(store, "save_snapshot", save_then_signal)
        clock = FakeClock(MONDAY_9)

        async def retry_after_the_snapshot(seconds: float) -> None:
            await asyncio.wait_for(this_week_saved.wait(), timeout=10)  # a bound, not a timing
            await clock.sleep(seconds)

        current = make_report(offender("a", "Acme"), offender("b", "Beta"), generated_at=MONDAY_9)
        slack, teams = RecordingDestination("slack:C1"), RecordingDestination("teams:19:x", failures=1)
        job = _job(store, [slack, teams], clock, reports=Reports(current), sleep=retry_after_the_snapshot)
        await job.run_occurrence(MONDAY_9)
        assert clock.sleeps, "teams was retried (after this week's snapshot was saved)"
        for destination in (slack, teams):
            change = destination.posts[0][1].change
            assert change is not None
            assert (change.newly_over, change.customers_delta) == (("Beta",), 1)
        latest = await store.latest_snapshot()
        assert latest is not None
        assert [r.name for r in latest.rows] == ["Acme", "Beta"]
        assert await store.snapshot_count() == 2

    async def test_post_once_with_key_posts_once(self, store: Store) -> None:
        """``post --key K`` twice posts once; the second call says it was already posted."""
        slack = RecordingDestination("slack:C1")
        job = _job(store, [slack], FakeClock(MONDAY_9))
        first = await job.post_once(key="2025-W11")
        second = await job.post_once([slack], key="2025-W11")
        assert ([o.status for o in first], [o.status for o in second]) == (["posted"], ["already_posted"])
        assert [p for p, _ in slack.posts] == ["key:2025-W11"]
        assert await store.snapshot_count() == 1

    async def test_post_once_to_another_channel_saves_no_snapshot(self, store: Store) -> None:
        """A keyed post with snapshot=False (a non-weekly channel) leaves "last week" alone."""
        slack = RecordingDestination("slack:C0OTHER")
        outcomes = await _job(store, [slack], FakeClock(MONDAY_9)).post_once(key="k", snapshot=False)
        assert [o.status for o in outcomes] == ["posted"]
        assert await store.snapshot_count() == 0

    async def test_post_once_without_key_always_posts(self, store: Store) -> None:
        """Without a key every ``post`` posts, and manual posts leave the weekly snapshots alone."""
        slack = RecordingDestination("slack:C1")
        job = _job(store, [slack], FakeClock(MONDAY_9))
        await job.post_once()
        await job.post_once()
        assert len(slack.posts) == 2
        assert slack.posts[0][0] != slack.posts[1][0]
        assert await store.snapshot_count() == 0

    async def test_post_once_failure_is_reported_without_retry(self, store: Store) -> None:
        """A failing manual post returns ``failed`` at once and releases its claim."""
        slack = RecordingDestination("slack:C1", failures=1)
        clock = FakeClock(MONDAY_9)
        outcomes = await _job(store, [slack], clock).post_once(key="k")
        assert (outcomes[0].status, outcomes[0].error) == ("failed", "chat API unavailable (503)")
        assert clock.sleeps == []
        assert slack.notices == []
        assert [o.status for o in await _job(store, [slack], clock).post_once(key="k")] == ["posted"]
