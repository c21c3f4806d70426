"""The weekly post's failure notice: posted once per destination and occurrence, across replicas.

The notice has its own ledger row ``<period>:notice``: claimed before it is posted and completed
after, so a second replica (or a restarted one) giving up on the same occurrence stays quiet. A
notice that could not be sent is released for someone else to try.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

import structlog

from bot.store.database import Store, StoreError
from bot.weekly.types import NOTICE_SUFFIX, Destination, describe_error, failure_text

__all__ = ["complete_claim", "give_up", "never_posted", "release_claim"]

_log = structlog.get_logger()


async def complete_claim(store: Store, name: str, period: str, message_ref: str, *, now: datetime) -> None:
    """Record a post as done; when the database fails the message is out anyway (never post it again)."""
    try:
        await store.complete(name, period, message_ref=message_ref, now=now)
    except StoreError as exc:
        _log.error("weekly_post_complete_failed", destination=name, period=period, error=str(exc))


async def never_posted(store: Store) -> bool:
    """Whether the ledger has no weekly row at all: the bot was never running at a weekly time."""
    try:
        return await store.last_post() is None
    except StoreError:
        return False


async def release_claim(store: Store, name: str, period: str, error: str, *, now: datetime) -> None:
    """Release a claim after a failure; when the database fails too, the lease expires instead."""
    try:
        await store.release(name, period, error=error, now=now)
    except StoreError as exc:  # the lease will expire instead
        _log.warning("weekly_post_release_failed", destination=name, period=period, error=str(exc))


async def give_up(
    store: Store,
    destination: Destination,
    *,
    occurrence: datetime,
    period: str,
    attempts: int,
    error: str,
    tz: tzinfo,
    lease_s: float,
    clock: Callable[[], datetime],
) -> None:
    """Log, then post the failure notice once per destination and period, across replicas.

    Args:
        store: the post ledger.
        destination: where the report could not go.
        occurrence: the scheduled time that failed.
        period: its ledger period.
        attempts: how many attempts were made.
        error: the last error.
        tz: the reseller's time zone (the notice shows the occurrence in it).
        lease_s: how long the notice's claim holds.
        clock: the current time, aware UTC.
    """
    name, notice = destination.name, period + NOTICE_SUFFIX
    _log.error("weekly_post_gave_up", destination=name, period=period, attempts=attempts, error=error)
    try:
        won = await store.claim(name, notice, lease_s=lease_s, now=clock())
    except StoreError as exc:  # without the ledger a notice might be a duplicate; the log stays
        _log.error("weekly_post_failure_notice_failed", destination=name, error=describe_error(exc))
        return
    if not won:
        _log.info("weekly_post_failure_notice_skipped", destination=name, period=period)
        return
    text = failure_text(name, occurrence=occurrence.astimezone(tz), attempts=attempts, error=error)
    try:
        await destination.post_failure(text)
    except Exception as exc:  # noqa: BLE001 - the notice is best effort (any chat failure); logged
        _log.error("weekly_post_failure_notice_failed", destination=name, error=describe_error(exc))
        await release_claim(store, name, notice, describe_error(exc), now=clock())
        return
    try:
        await store.complete(name, notice, message_ref="notice", now=clock())
    except StoreError as exc:
        _log.warning("weekly_post_complete_failed", destination=name, period=notice, error=str(exc))
