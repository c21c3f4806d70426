"""The weekly post: cron schedule, exactly-once delivery per destination, retries and catch-up.

Every occurrence of ``OVERAGE_SCHEDULE`` is a *period* (``weekly:2025-03-10T06:00Z``). For each
destination the job claims ``(destination, period)`` in the store; only the winner builds a fresh
report and posts, then marks the claim completed. A failure releases the claim and is retried with
exponential backoff (1, 2, 4 … 30 min) until ``OVERAGE_MISFIRE_GRACE_H`` after the occurrence, then
the destination gets a short failure notice. A claim held by a crashed process expires after its
lease, and the job waits for that instead of giving up, so a crash never means zero posts.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import structlog
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import utc_now
from bot.config.billing import PostWhen
from bot.report.model import OverageReport, Snapshot, compare_with_snapshot, snapshot_rows
from bot.store.database import Store, StoreError
from bot.weekly.notice import complete_claim, give_up, never_posted, release_claim
from bot.weekly.quiet import SKIPPED_PREFIX, quiet_week
from bot.weekly.recovery import find_lost_post
from bot.weekly.types import (
    Destination,
    PostOutcome,
    WeeklySchedule,
    describe_error,
    failure_text,
    is_expected_failure,
    period_for,
)

__all__ = ["Destination", "PostOutcome", "WeeklyJob", "WeeklySchedule", "failure_text", "period_for"]

_log = structlog.get_logger()


class WeeklyJob:
    """Posts each occurrence exactly once per destination, whatever the number of replicas."""

    def __init__(
        self,
        *,
        schedule: WeeklySchedule,
        store: Store,
        destinations: Sequence[Destination],
        report_factory: Callable[[], Awaitable[OverageReport]],
        clock: Callable[[], datetime] = utc_now,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        lease_s: float = 900.0,
        first_retry_s: float = 60.0,
        max_retry_s: float = 1800.0,
        post_when: PostWhen = "always",
    ) -> None:
        """Wire the job; ``clock`` returns aware UTC time, ``sleep`` waits (both injected in tests);
        ``post_when`` (``OVERAGE_POST_WHEN``) may skip quiet weeks (see :mod:`bot.weekly.quiet`)."""
        self.schedule = schedule
        self._store = store
        self._destinations = tuple(destinations)
        self._report_factory = report_factory
        self._clock = clock
        self._sleep = sleep
        self._lease_s = lease_s
        self._first_retry_s = first_retry_s
        self._max_retry_s = max_retry_s
        self._snapshotted: set[str] = set()
        self._post_when = post_when
        self._previous: dict[str, Snapshot | None] = {}
        #: Scheduled periods this process skipped as quiet (``/healthz`` shows the count).
        self.skipped_periods: set[str] = set()

    def start(self, scheduler: AsyncIOScheduler, *, catch_up: bool = True) -> None:
        """Add the weekly cron job (and, by default, a catch-up run as soon as the scheduler starts).

        The scheduled call runs :meth:`catch_up`: it works out the occurrence that fired as the
        schedule's most recent one at or before now, so a late start within the grace period still
        posts the right period.
        """
        scheduler.add_job(
            self.catch_up,
            trigger=self.schedule.trigger,
            id="overage_weekly_post",
            name="weekly overage post",
            misfire_grace_time=max(1, int(self.schedule.grace_s)),
            coalesce=True,
            max_instances=1,
            replace_existing=True,
        )
        if catch_up:
            scheduler.add_job(self.catch_up, id="overage_weekly_catch_up", replace_existing=True)

    async def catch_up(self) -> list[PostOutcome]:
        """Post the most recent occurrence if it is within the grace period and not yet posted.

        Returns:
            One outcome per destination that still needed the post (empty when nothing was due).
        """
        now = self._clock()
        fired = self.schedule.previous_run(now)
        if fired is None:
            return []
        occurrence = self.schedule.canonical(fired)
        period = period_for(occurrence)
        pending = [d for d in self._destinations if not await self._is_completed(d.name, period)]
        if not pending:
            return []
        late_s = (now - occurrence).total_seconds()
        if late_s > self.schedule.grace_s:
            upcoming = self.schedule.next_runs(1, now)
            if await never_posted(self._store):  # a first start: the occurrence predates the bot
                _log.info("weekly_post_first_start", next_run=upcoming[0].isoformat() if upcoming else None)
                return []
            _log.warning(
                "weekly_post_missed",
                period=period,
                occurrence=occurrence.isoformat(),
                late_s=round(late_s),
                grace_s=self.schedule.grace_s,
                destinations=[d.name for d in pending],
                next_run=upcoming[0].isoformat() if upcoming else None,
            )
            return []
        return await self._run(occurrence, pending)

    async def run_occurrence(self, occurrence: datetime) -> list[PostOutcome]:
        """Post one scheduled occurrence to every destination (retrying until the grace ends)."""
        return await self._run(occurrence, self._destinations)

    async def post_once(
        self,
        destinations: Sequence[Destination] | None = None,
        *,
        key: str | None = None,
        snapshot: bool = True,
    ) -> list[PostOutcome]:
        """Post now, once per destination, with no retries (``overage-bot post``).

        Args:
            destinations: where to post (default: the job's destinations).
            key: an idempotency key: a second call with the same key posts nothing. Without a
                key every call posts (and saves no snapshot).
            snapshot: save the report as the week-over-week snapshot; False for a post to a channel
                that is not a weekly destination, so it does not move "last week".

        Returns:
            One outcome per destination.
        """
        period = f"key:{key}" if key else f"manual:{uuid.uuid4().hex}"
        targets = self._destinations if destinations is None else tuple(destinations)
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(self._attempt(d, period, snapshot=snapshot)) for d in targets]
        return [task.result() for task in tasks]

    async def _run(self, fired: datetime, destinations: Sequence[Destination]) -> list[PostOutcome]:
        occurrence = self.schedule.canonical(fired)  # a repeated wall-clock time is the same post
        period = period_for(occurrence)
        deadline = occurrence + timedelta(seconds=self.schedule.grace_s)
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(self._deliver(d, occurrence, period, deadline)) for d in destinations]
        return [task.result() for task in tasks]

    async def _deliver(
        self, destination: Destination, occurrence: datetime, period: str, deadline: datetime
    ) -> PostOutcome:
        """Attempt, back off and retry until posted, posted elsewhere, or past the deadline."""
        delay, attempts = self._first_retry_s, 0
        while True:
            outcome = await self._attempt(destination, period)
            attempts += outcome.attempts
            now = self._clock()
            if outcome.status == "claimed_elsewhere":
                # Another instance is posting. If it crashed, its lease runs out; then we take over.
                wait = await self._lease_left(destination.name, period, now) + 1.0
                if now + timedelta(seconds=wait) >= deadline:
                    return replace(outcome, attempts=attempts)
                await self._sleep(max(1.0, wait))
                continue
            if outcome.status != "failed":
                return replace(outcome, attempts=attempts)
            if now + timedelta(seconds=delay) >= deadline:
                await give_up(
                    self._store,
                    destination,
                    occurrence=occurrence,
                    period=period,
                    attempts=attempts,
                    error=outcome.error or "unknown error",
                    tz=self.schedule.tz,
                    lease_s=self._lease_s,
                    clock=self._clock,
                )
                return replace(outcome, attempts=attempts)
            _log.info("weekly_post_retry", destination=destination.name, period=period, retry_in_s=delay)
            await self._sleep(delay)
            delay = min(delay * 2, self._max_retry_s)

    async def _is_completed(self, name: str, period: str) -> bool:
        """Whether the ledger shows the post done (a store failure counts as "not yet": claims decide)."""
        try:
            record = await self._store.get_post(name, period)
        except StoreError as exc:
            _log.warning("weekly_post_store_failed", destination=name, period=period, error=str(exc))
            return False
        return record is not None and record.state == "completed"

    async def _lease_left(self, name: str, period: str, now: datetime) -> float:
        """Seconds until another instance's claim expires (a retry interval if the store fails)."""
        try:
            record = await self._store.get_post(name, period)
        except StoreError:
            return self._first_retry_s
        return 0.0 if record is None else (record.lease_until - now).total_seconds()

    async def _attempt(self, destination: Destination, period: str, *, snapshot: bool = True) -> PostOutcome:
        """One claim → report → renew the claim → post → complete round; raises only on cancellation."""
        name = destination.name
        try:
            prior = await self._store.get_post(name, period)
            won = await self._store.claim(name, period, lease_s=self._lease_s, now=self._clock())
            if not won:
                record = await self._store.get_post(name, period)
        except StoreError as exc:
            _log.warning("weekly_post_store_failed", destination=name, period=period, error=str(exc))
            return PostOutcome(name, "failed", error=describe_error(exc), attempts=1)
        if not won:
            state = "completed" if record is None else record.state
            _log.info("weekly_post_skipped", destination=name, period=period, reason=f"{state} elsewhere")
            if state == "completed" or record is None:
                return PostOutcome(name, "already_posted")
            return PostOutcome(name, "claimed_elsewhere", lease_until=record.lease_until)
        found = await find_lost_post(destination, period) if prior and prior.state == "claimed" else None
        if found:  # took over the claim of a replica that died after posting, before recording it
            await complete_claim(self._store, name, period, found, now=self._clock())
            return PostOutcome(name, "already_posted", message_ref=found, attempts=1)
        try:
            report = await self._fresh_report(period)
            # Keepnet may have been slow: renew the lease, and never post on a claim already lost.
            if not await self._store.extend(name, period, lease_s=self._lease_s, now=self._clock()):
                _log.warning("weekly_post_claim_lost", destination=name, period=period)
                return PostOutcome(name, "claimed_elsewhere", attempts=1)
            quiet = quiet_week(report, self._previous.get(period), self._post_when)
            if quiet is not None and period.startswith("weekly:"):
                self.skipped_periods.add(period)
                _log.info("weekly_post_skipped", destination=name, period=period, reason=quiet)
                message_ref = SKIPPED_PREFIX + quiet
            else:
                message_ref = await destination.post(report, period=period)
        except asyncio.CancelledError:
            await release_claim(
                self._store, name, period, "cancelled while posting (shutdown)", now=self._clock()
            )
            raise
        except Exception as exc:  # noqa: BLE001 - any Keepnet/chat failure: logged, claim released, retried
            # An expected failure is one line with its type; only a bug needs the traceback.
            _log.warning(
                "weekly_post_failed" if period.startswith("weekly:") else "post_failed",
                destination=name,
                period=period,
                error=describe_error(exc),
                error_type=type(exc).__name__,
                exc_info=None if is_expected_failure(exc) else exc,
            )
            await release_claim(self._store, name, period, describe_error(exc), now=self._clock())
            return PostOutcome(name, "failed", error=describe_error(exc), attempts=1)
        await complete_claim(self._store, name, period, message_ref, now=self._clock())
        if message_ref.startswith(SKIPPED_PREFIX):
            return PostOutcome(name, "skipped", message_ref=message_ref, attempts=1)
        _log.info("weekly_post_sent", destination=name, period=period, message_ref=message_ref)
        if snapshot:
            await self._save_snapshot(report, period)
        return PostOutcome(name, "posted", message_ref=message_ref, attempts=1)

    async def _fresh_report(self, period: str) -> OverageReport:
        """A fresh report whose week-over-week line compares with the snapshot *before* this period."""
        report = await self._report_factory()
        if report.query:
            return report
        previous = await self._store.latest_snapshot(exclude_period=period)
        self._previous[period] = previous
        change = None if previous is None else compare_with_snapshot(report.offenders, previous)
        return replace(report, change=change)

    async def _save_snapshot(self, report: OverageReport, period: str) -> None:
        if period.startswith("manual:") or period in self._snapshotted:
            return
        self._snapshotted.add(period)
        taken_at = report.generated_at.astimezone(self.schedule.tz)
        try:
            await self._store.save_snapshot(taken_at, snapshot_rows(report), period=period)
        except StoreError as exc:
            self._snapshotted.discard(period)
            _log.warning("weekly_snapshot_failed", period=period, error=str(exc))
