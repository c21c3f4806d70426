"""What the weekly job works with: destinations, outcomes, the schedule and its period keys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Literal, Protocol

import aiohttp
from apscheduler.triggers.cron import CronTrigger

from bot.config import Settings
from bot.errors import ActionableError
from bot.report.formatting import fmt_generated
from bot.report.model import OverageReport
from bot.store.types import NOTICE_SUFFIX, StoreError
from bot.weekly.trigger import build_trigger

__all__ = [
    "NOTICE_SUFFIX",
    "Destination",
    "PostOutcome",
    "WeeklySchedule",
    "describe_error",
    "failure_text",
    "is_expected_failure",
    "period_for",
]

_LOOKBACK_DAYS = (1, 8, 32, 367, 4 * 366)  # widening windows to find the previous occurrence


class Destination(Protocol):
    """Where a report goes (a Slack or Teams channel)."""

    @property
    def name(self) -> str:
        """``slack:<channel id>`` or ``teams:<channel id>``."""

    async def post(self, report: OverageReport, *, period: str) -> str:
        """Post the report; return the chat's message id."""

    async def post_failure(self, text: str) -> None:
        """Tell the channel that the weekly report could not be posted."""


@dataclass(frozen=True)
class PostOutcome:
    """What happened for one destination.

    Attributes:
        destination: the destination name.
        status: ``posted``; ``skipped`` (a quiet week under ``OVERAGE_POST_WHEN``); ``already_posted``
            (completed before); ``claimed_elsewhere`` (another instance holds a live claim);
            ``failed`` (gave up; see ``error``).
        message_ref: the posted message's id.
        error: the last error, for ``failed``.
        attempts: how many posting attempts this call made.
        lease_until: for ``claimed_elsewhere``: when the other instance's claim expires (aware UTC);
            after that a run that died mid-post may be taken over.
    """

    destination: str
    status: Literal["posted", "skipped", "already_posted", "claimed_elsewhere", "failed"]
    message_ref: str | None = None
    error: str | None = None
    attempts: int = 0
    lease_until: datetime | None = None


def period_for(occurrence: datetime) -> str:
    """The ledger period of a scheduled occurrence: ``weekly:<UTC time to the minute>``."""
    return "weekly:" + occurrence.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def is_expected_failure(exc: BaseException) -> bool:
    """A failure of the outside world (typed, network, timeout, a chat API's error code), not a bug.

    Such failures are logged as one line with their type; anything else also logs its traceback.
    """
    if isinstance(exc, ActionableError | StoreError | OSError | TimeoutError | aiohttp.ClientError):
        return True
    response = getattr(exc, "response", None)
    get = getattr(response, "get", None)
    return callable(get) and isinstance(get("error"), str)


def describe_error(exc: BaseException) -> str:
    """A short reason for logs and the failure notice.

    A chat API's error code (Slack's ``not_in_channel``) or a typed error's message and fix when the
    exception carries them, else its text.

    Args:
        exc: the failure.

    Returns:
        One line of at most 300 characters.
    """
    response = getattr(exc, "response", None)
    code = response.get("error") if callable(getattr(response, "get", None)) else None  # type: ignore[union-attr]
    if isinstance(code, str):
        text = f"the chat service answered {code}"
    elif isinstance(exc, ActionableError | StoreError):
        text = f"{exc.message} {exc.remediation}"
    else:
        text = str(exc)
    text = " ".join(text.split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."


def failure_text(destination: str, *, occurrence: datetime, attempts: int, error: str) -> str:
    """The short notice posted when the weekly report could not be delivered.

    Args:
        destination: the destination name.
        occurrence: the missed occurrence, aware, in the reseller's zone (shown as
            ``Mon 2026-11-23 09:00 (Europe/Istanbul)``, like every other time the bot shows).
        attempts: how many times posting was tried.
        error: the last error.

    Returns:
        Plain text (the destination escapes it).
    """
    zone = occurrence.tzinfo or UTC
    when = f"{occurrence.strftime('%a')} {fmt_generated(occurrence, zone)}"
    return (
        f"The weekly overage report due {when} could not be posted to {destination} after "
        f"{attempts} attempt{'s' if attempts != 1 else ''}: {error}. "
        "It will not be retried for this week; run `overage-bot post` to send it now."
    )


@dataclass(frozen=True)
class WeeklySchedule:
    """When the weekly post happens: a cron trigger in the reseller's zone plus a grace period."""

    trigger: CronTrigger
    tz: tzinfo
    grace_s: float

    @classmethod
    def from_settings(cls, settings: Settings) -> WeeklySchedule:
        """Build from ``OVERAGE_SCHEDULE``, ``OVERAGE_TIMEZONE`` and ``OVERAGE_MISFIRE_GRACE_H``."""
        return cls(
            trigger=build_trigger(settings.overage_schedule, settings.tz),
            tz=settings.tz,
            grace_s=settings.misfire_grace_s,
        )

    def canonical(self, occurrence: datetime) -> datetime:
        """The first instant with ``occurrence``'s local date and time (aware UTC).

        When clocks go back, a wall-clock time such as 01:30 in New York happens twice and the
        cron trigger fires at both; both map to the first one, so they share one period and the
        report is posted once per local date and time.
        """
        local = occurrence.astimezone(self.tz)
        return local.replace(fold=0).astimezone(UTC)

    def next_runs(self, n: int, after: datetime) -> list[datetime]:
        """The next ``n`` occurrences strictly after ``after`` (aware, in the schedule's zone)."""
        runs: list[datetime] = []
        fire: datetime | None = self.trigger.get_next_fire_time(None, after + timedelta(microseconds=1))
        while fire is not None and len(runs) < n:
            runs.append(fire)
            fire = self.trigger.get_next_fire_time(fire, fire)
        return runs

    def previous_run(self, now: datetime) -> datetime | None:
        """The most recent occurrence at or before ``now`` (None if none in the last four years)."""
        for days in _LOOKBACK_DAYS:
            last = None
            fire: datetime | None = self.trigger.get_next_fire_time(None, now - timedelta(days=days))
            while fire is not None and fire <= now:
                last = fire
                fire = self.trigger.get_next_fire_time(fire, fire)
            if last is not None:
                return last
        return None
