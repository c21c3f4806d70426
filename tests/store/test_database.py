"""The state store on SQLite and PostgreSQL: claims, ledger, snapshots, conversations, opening.

Schema migrations (Alembic) are tested in ``test_migrations.py``.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

import pytest

from bot.report.model import SnapshotRow
from bot.store.database import ConversationRef, Store, StoreError
from tests.store.fixtures import StoreTarget, _store, _store_target  # noqa: F401 - fixtures

T = TypeVar("T")
NOW = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
DEST, PERIOD = "slack:C123", "weekly:2025-03-10T09:00Z"


class TestClaim:
    """The exactly-once claim."""

    async def test_first_claim_wins_and_second_loses(self, store: Store) -> None:
        """Only the first claim of a destination × period wins, even from the same store."""
        assert await store.claim(DEST, PERIOD, now=NOW)
        assert not await store.claim(DEST, PERIOD, now=NOW + timedelta(minutes=1))

    async def test_other_destination_or_period_is_independent(self, store: Store) -> None:
        """A claim covers exactly one destination and one period."""
        assert await store.claim(DEST, PERIOD, now=NOW)
        assert await store.claim("teams:19:abc", PERIOD, now=NOW)
        assert await store.claim(DEST, "weekly:2025-03-17T09:00Z", now=NOW)

    async def test_completed_is_never_claimed_again(self, store: Store) -> None:
        """A completed post stays completed, long after its lease."""
        assert await store.claim(DEST, PERIOD, now=NOW)
        await store.complete(DEST, PERIOD, message_ref="1710000000.000100", now=NOW)
        assert not await store.claim(DEST, PERIOD, now=NOW + timedelta(days=30))
        record = await store.get_post(DEST, PERIOD)
        assert record is not None
        assert (record.state, record.message_ref) == ("completed", "1710000000.000100")

    async def test_expired_lease_can_be_taken_over(self, store_target: StoreTarget) -> None:
        """A claim that was never completed (a crash) can be claimed again 16 minutes later."""
        crashed, survivor = await store_target.open(), await store_target.open()
        try:
            assert await crashed.claim(DEST, PERIOD, lease_s=900, now=NOW)
            assert not await survivor.claim(DEST, PERIOD, now=NOW + timedelta(minutes=14))
            assert await survivor.claim(DEST, PERIOD, now=NOW + timedelta(minutes=16))
            record = await survivor.get_post(DEST, PERIOD)
            assert record is not None
            assert (record.state, record.attempts) == ("claimed", 2)
        finally:
            await crashed.close()
            await survivor.close()

    async def test_released_claim_can_be_claimed_again(self, store: Store) -> None:
        """After a failure is released, the next attempt may claim at once; the error is kept."""
        assert await store.claim(DEST, PERIOD, now=NOW)
        await store.release(DEST, PERIOD, error="Slack said channel_not_found", now=NOW)
        record = await store.get_post(DEST, PERIOD)
        assert record is not None
        assert (record.state, record.last_error) == ("released", "Slack said channel_not_found")
        assert await store.claim(DEST, PERIOD, now=NOW + timedelta(seconds=5))

    async def test_release_by_another_owner_does_nothing(self, store_target: StoreTarget) -> None:
        """One instance cannot release a live claim that another instance holds."""
        holder, other = await store_target.open(), await store_target.open()
        try:
            assert await holder.claim(DEST, PERIOD, now=NOW)
            await other.release(DEST, PERIOD, error="not mine", now=NOW)
            assert not await other.claim(DEST, PERIOD, now=NOW)
        finally:
            await holder.close()
            await other.close()

    async def test_concurrent_claims_have_exactly_one_winner(self, store_target: StoreTarget) -> None:
        """Twelve claims racing from four stores (separate connections) produce one winner."""
        stores = [await store_target.open() for _ in range(4)]
        try:
            results = await asyncio.gather(*(s.claim(DEST, PERIOD, now=NOW) for s in stores * 3))
            assert sum(results) == 1
        finally:
            for s in stores:
                await s.close()

    async def test_completed_survives_a_restart(self, store_target: StoreTarget) -> None:
        """A reopened store still knows the period was posted."""
        first = await store_target.open()
        assert await first.claim(DEST, PERIOD, now=NOW)
        await first.complete(DEST, PERIOD, message_ref="m1", now=NOW)
        await first.close()
        second = await store_target.open()
        try:
            assert not await second.claim(DEST, PERIOD, now=NOW + timedelta(hours=1))
        finally:
            await second.close()

    async def test_extend_renews_only_a_live_claim_of_this_store(self, store_target: StoreTarget) -> None:
        """The holder extends its lease; another store, or a completed post, cannot."""
        first, second = await store_target.open(), await store_target.open()
        try:
            assert await first.claim(DEST, PERIOD, lease_s=900, now=NOW)
            assert await first.extend(DEST, PERIOD, lease_s=900, now=NOW + timedelta(minutes=10))
            record = await first.get_post(DEST, PERIOD)
            assert record is not None
            assert record.lease_until == NOW + timedelta(minutes=25)
            assert not await second.claim(DEST, PERIOD, now=NOW + timedelta(minutes=16))
            assert not await second.extend(DEST, PERIOD, lease_s=900, now=NOW + timedelta(minutes=16))
            await first.complete(DEST, PERIOD, message_ref="m", now=NOW + timedelta(minutes=17))
            assert not await first.extend(DEST, PERIOD, lease_s=900, now=NOW + timedelta(minutes=18))
        finally:
            await first.close()
            await second.close()

    async def test_last_post_is_the_most_recent_change(self, store: Store) -> None:
        """``last_post`` reports the latest destination, outcome and time."""
        assert await store.last_post() is None
        await store.claim(DEST, "weekly:2025-03-03T09:00Z", now=NOW - timedelta(days=7))
        await store.complete(DEST, "weekly:2025-03-03T09:00Z", message_ref="a", now=NOW - timedelta(days=7))
        await store.claim("teams:19:x", PERIOD, now=NOW)
        await store.release("teams:19:x", PERIOD, error="503", now=NOW + timedelta(seconds=2))
        last = await store.last_post()
        assert last is not None
        assert (last.destination, last.state, last.last_error) == ("teams:19:x", "released", "503")
        assert last.at == NOW + timedelta(seconds=2)

    async def test_last_post_is_about_weekly_occurrences_only(self, store: Store) -> None:
        """Posts by key, manual posts and failure notices changed later do not hide the weekly row."""
        await store.claim(DEST, PERIOD, now=NOW)
        await store.complete(DEST, PERIOD, message_ref="w", now=NOW)
        for period in ("key:2025-W11", "manual:abc", PERIOD + ":notice"):
            await store.claim(DEST, period, now=NOW + timedelta(minutes=5))
            await store.complete(DEST, period, message_ref="x", now=NOW + timedelta(minutes=5))
        await store.claim("teams:19:x", "key:2025-W12", now=NOW + timedelta(minutes=9))
        last = await store.last_post()
        assert last is not None
        assert (last.period, last.state, last.message_ref) == (PERIOD, "completed", "w")

    async def test_last_post_shows_a_claim_in_flight(self, store: Store) -> None:
        """A weekly claim not yet completed is the last post, in state ``claimed``."""
        await store.claim(DEST, "weekly:2025-03-03T09:00Z", now=NOW - timedelta(days=7))
        await store.complete(DEST, "weekly:2025-03-03T09:00Z", message_ref="a", now=NOW - timedelta(days=7))
        await store.claim(DEST, PERIOD, now=NOW)
        last = await store.last_post()
        assert last is not None
        assert (last.period, last.state) == (PERIOD, "claimed")

    async def test_naive_time_is_refused(self, store: Store) -> None:
        """A naive datetime would compare wrongly, so the store refuses it."""
        with pytest.raises(StoreError, match="naive"):
            await store.claim(DEST, PERIOD, now=datetime(2025, 3, 10, 9, 0))


def _rows(*names: str) -> list[SnapshotRow]:
    return [SnapshotRow(company_id=f"id-{n}", name=n, limit=100, active_users=150, excess=50) for n in names]


class TestSnapshots:
    """Weekly snapshots for the week-over-week line."""

    async def test_round_trip_keeps_unknown_limits(self, store: Store) -> None:
        """Rows come back as saved, including an unknown limit and excess."""
        rows = [*_rows("Acme"), SnapshotRow("id-x", "Ünïcode Ltd", None, 7, None)]
        taken = datetime(2025, 3, 10, 9, 0, tzinfo=ZoneInfo("Europe/Istanbul"))
        await store.save_snapshot(taken, rows, period=PERIOD)
        snapshot = await store.latest_snapshot()
        assert snapshot is not None
        assert snapshot.rows == tuple(rows)
        assert snapshot.taken_on == date(2025, 3, 10)

    async def test_taken_on_is_the_local_date(self, store: Store) -> None:
        """09:00 Monday in Auckland is Sunday in UTC; the snapshot remembers Monday."""
        taken = datetime(2025, 3, 10, 9, 0, tzinfo=ZoneInfo("Pacific/Auckland"))
        await store.save_snapshot(taken, _rows("A"), period=PERIOD)
        snapshot = await store.latest_snapshot()
        assert snapshot is not None
        assert snapshot.taken_on == date(2025, 3, 10)

    async def test_same_period_is_saved_once(self, store: Store) -> None:
        """A second save for the same period is ignored (the first one stays)."""
        await store.save_snapshot(NOW, _rows("A"), period=PERIOD)
        await store.save_snapshot(NOW + timedelta(minutes=5), _rows("B", "C"), period=PERIOD)
        snapshot = await store.latest_snapshot()
        assert snapshot is not None
        assert [r.name for r in snapshot.rows] == ["A"]
        assert await store.snapshot_count() == 1

    async def test_latest_can_exclude_the_current_period(self, store: Store) -> None:
        """``exclude_period`` returns last week's snapshot even when this week's exists."""
        await store.save_snapshot(NOW - timedelta(days=7), _rows("Old"), period="weekly:old")
        await store.save_snapshot(NOW, _rows("New"), period=PERIOD)
        latest = await store.latest_snapshot()
        before = await store.latest_snapshot(exclude_period=PERIOD)
        assert latest is not None
        assert before is not None
        assert [r.name for r in latest.rows] == ["New"]
        assert [r.name for r in before.rows] == ["Old"]

    async def test_snapshots_older_than_the_retention_are_pruned(self, store: Store) -> None:
        """Every save prunes snapshots older than OVERAGE_HISTORY_WEEKS weeks before it; newer ones stay."""
        store.history_weeks = 4
        for week in range(7):
            await store.save_snapshot(NOW + timedelta(weeks=week), _rows(f"W{week}"), period=f"weekly:{week}")
        # the last save (week 6) keeps weeks 2..6: week 2 is exactly four weeks old, week 1 is older
        assert await store.snapshot_count() == 5
        latest = await store.latest_snapshot()
        assert latest is not None
        assert [r.name for r in latest.rows] == ["W6"]

    async def test_two_years_are_kept_by_default(self, store: Store) -> None:
        """The default retention is 104 weeks: a snapshot 100 weeks old survives a new save."""
        assert store.history_weeks == 104
        await store.save_snapshot(NOW - timedelta(weeks=100), _rows("Old"), period="weekly:old")
        await store.save_snapshot(NOW, _rows("New"), period=PERIOD)
        assert await store.snapshot_count() == 2

    async def test_one_daily_snapshot_per_day_never_counts_as_last_week(self, store: Store) -> None:
        """Daily snapshots of full reports: at most one per day, and week-over-week ignores them."""
        await store.save_snapshot(NOW - timedelta(days=7), _rows("Weekly"), period="weekly:last")
        await store.history.save_daily(NOW, _rows("Morning"))
        await store.history.save_daily(NOW + timedelta(hours=5), _rows("Afternoon"))
        await store.history.save_daily(NOW + timedelta(days=1), _rows("Tomorrow"))
        assert await store.snapshot_count() == 3
        latest = await store.latest_snapshot()
        assert latest is not None
        assert [r.name for r in latest.rows] == ["Weekly"]
        points = await store.history.points("id-Morning")
        assert [(p.day, p.excess) for p in points] == [(NOW.date(), 50)]

    async def test_over_since_follows_the_unbroken_run(self, store: Store) -> None:
        """A company over in every snapshot since week 0 is over since then; a gap restarts the run."""
        for week in range(4):
            names = ["Steady"] if week == 1 else ["Steady", "Gappy"]
            await store.save_snapshot(NOW + timedelta(weeks=week), _rows(*names), period=f"weekly:{week}")
        today = (NOW + timedelta(weeks=4)).date()
        since = await store.history.over_since(["id-Steady", "id-Gappy", "id-New"], today=today)
        assert since == {
            "id-Steady": NOW.date(),
            "id-Gappy": (NOW + timedelta(weeks=2)).date(),
            "id-New": today,
        }

    async def test_empty_store_has_no_snapshot(self, store: Store) -> None:
        """The first week has nothing to compare with."""
        assert await store.latest_snapshot() is None


class TestConversations:
    """Teams conversation references."""

    async def test_save_get_and_replace(self, store: Store) -> None:
        """A reference round-trips and a later save for the channel replaces it."""
        ref = ConversationRef(
            channel_id="19:abc@thread.tacv2",
            service_url="https://smba.trafficmanager.net/emea/",
            tenant_id="tenant-1",
            bot_id="28:bot",
            conversation={"id": "19:abc@thread.tacv2", "isGroup": True},
        )
        await store.save_conversation(ref, now=NOW)
        assert await store.get_conversation(ref.channel_id) == ref
        moved = ConversationRef(
            ref.channel_id, "https://smba.example/amer/", "tenant-1", "28:bot", {"id": "x"}
        )
        await store.save_conversation(moved, now=NOW + timedelta(days=1))
        assert await store.get_conversation(ref.channel_id) == moved
        assert await store.get_conversation("19:unknown") is None


class TestOpening:
    """Opening the store: URLs and errors."""

    async def test_ping_answers(self, store: Store) -> None:
        """A healthy store answers ``ping``."""
        await store.ping()

    async def test_plain_sqlite_url_gets_the_async_driver(self, tmp_path: Path) -> None:
        """``sqlite:///file`` works like ``sqlite+aiosqlite:///file``."""
        store = await Store.open(f"sqlite:///{tmp_path / 'plain.db'}")
        try:
            assert store.dialect == "sqlite"
            assert await store.claim(DEST, PERIOD, now=NOW)
        finally:
            await store.close()

    @pytest.mark.parametrize(
        ("url", "fragment"),
        [
            ("not a url", "not a database URL"),
            ("mysql+aiomysql://u@h/db", "unsupported database driver"),
            ("sqlite+aiosqlite:////nonexistent-dir/x/state.db", "folder '/nonexistent-dir/x' does not exist"),
        ],
    )
    async def test_bad_url_names_the_setting(self, url: str, fragment: str) -> None:
        """A bad or unusable URL raises StoreError whose remediation names OVERAGE_DB_URL."""
        with pytest.raises(StoreError, match=fragment) as caught:
            await Store.open(url)
        assert "OVERAGE_DB_URL" in caught.value.remediation

    async def test_unreachable_postgres_hides_the_password(self) -> None:
        """A server that does not answer gives StoreError, without the password in the text."""
        with pytest.raises(StoreError) as caught:
            await Store.open("postgresql+asyncpg://bot:hunter2secret@127.0.0.1:1/db")
        assert "OVERAGE_DB_URL" in str(caught.value)
        assert "hunter2secret" not in str(caught.value)
