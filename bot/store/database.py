"""The state store: who posted which weekly report, last week's snapshot, Teams conversations.

SQLite (``sqlite+aiosqlite:///overage-bot.db``, the default) for a single instance; PostgreSQL
(``postgresql+asyncpg://user@host/db``) when several replicas run. Both are first-class: the
exactly-once post rests on :meth:`Store.claim`, one transaction of ``INSERT … ON CONFLICT DO
NOTHING`` plus a conditional ``UPDATE`` whose row count says who won. On SQLite every write
transaction starts with ``BEGIN IMMEDIATE`` (WAL mode, ``busy_timeout``), so two processes on one
file queue up instead of both winning; on PostgreSQL the row lock of the conflicting insert does it.

A snapshot's ``taken_on`` is the date of ``taken_at`` *in that datetime's own zone* (pass the
reseller's); snapshots older than ``history_weeks`` weeks are pruned (``OVERAGE_HISTORY_WEEKS``).
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.report.model import Snapshot, SnapshotRow
from bot.store import queries as queries
from bot.store import tables as schema
from bot.store.decisions import DecisionLog
from bot.store.engine import create_engine
from bot.store.history import DEFAULT_HISTORY_WEEKS, SnapshotHistory
from bot.store.revisions import migrate
from bot.store.types import ConversationRef, PostRecord, StoreError, db_error, normalize_url

__all__ = ["ConversationRef", "PostRecord", "Store", "StoreError"]


class Store:
    """Async access to the bot's state; open with :meth:`open`, close with :meth:`close`."""

    def __init__(self, engine: AsyncEngine, *, url: str, history_weeks: int = DEFAULT_HISTORY_WEEKS) -> None:
        """Wrap an engine; use :meth:`open`, which also migrates the schema."""
        self._engine = engine
        self._url = url
        self.history_weeks = history_weeks
        #: Per-customer reads of the snapshots ("over since", /overage history).
        self.history = SnapshotHistory(read=self._read, save=self.save_snapshot)
        self.dialect = engine.dialect.name
        #: Who holds a claim: ``hostname:pid:random`` (one per Store).
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        #: The billing-decision audit.
        self.decisions = DecisionLog(write=self._write, read=self._read, dialect=self.dialect)

    @classmethod
    async def open(
        cls, url: str, *, schema_name: str | None = None, history_weeks: int = DEFAULT_HISTORY_WEEKS
    ) -> Store:
        """Connect, then create or upgrade the schema (Alembic, one replica at a time).

        Args:
            url: ``sqlite+aiosqlite:///path.db`` or ``postgresql+asyncpg://…`` (``OVERAGE_DB_URL``).
            schema_name: PostgreSQL only: the schema to use (``search_path``); tests use a fresh one.
            history_weeks: how many weeks of snapshots are kept.

        Returns:
            The open store.

        Raises:
            StoreError: bad URL, unreachable server, unwritable file, or a database upgraded by a
                newer overage-bot.
        """
        url = normalize_url(url)
        engine = create_engine(url, schema_name=schema_name)
        try:
            await migrate(engine, url)
        except StoreError:
            await engine.dispose()
            raise
        return cls(engine, url=url, history_weeks=history_weeks)

    async def close(self) -> None:
        """Close every pooled connection."""
        await self._engine.dispose()

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction (``BEGIN IMMEDIATE`` on SQLite); database errors become StoreError."""
        try:
            async with self._engine.connect() as conn:
                await conn.execution_options(overage_write=True)
                async with conn.begin():
                    yield conn
        except (SQLAlchemyError, OSError) as exc:
            raise db_error("the state database failed", self._url, exc) from exc

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[AsyncConnection]:
        """A read transaction; database errors become StoreError."""
        try:
            async with self._engine.connect() as conn, conn.begin():
                yield conn
        except (SQLAlchemyError, OSError) as exc:
            raise db_error("the state database failed", self._url, exc) from exc

    @property
    def _insert(self) -> Any:
        return postgresql.insert if self.dialect == "postgresql" else sqlite.insert

    async def ping(self) -> None:
        """Run ``SELECT 1``; raises StoreError when the database does not answer."""
        async with self._read() as conn:
            await conn.execute(text("SELECT 1"))

    # --- post ledger ------------------------------------------------------------------------------
    async def claim(self, destination: str, period: str, *, lease_s: float = 900, now: datetime) -> bool:
        """Claim the right to post ``period`` to ``destination``, race-free across processes.

        A new row, a ``released`` row, or a ``claimed`` row whose lease ran out can be claimed; a
        ``completed`` row or a live claim cannot.

        Args:
            destination: e.g. ``slack:C123``.
            period: e.g. ``weekly:2025-03-10T09:00Z``.
            lease_s: how long the claim holds before someone else may take it over.
            now: the current time (aware).

        Returns:
            True when this store won the claim and should post.
        """
        t = schema.post_ledger
        lease_until = now + timedelta(seconds=lease_s)
        async with self._write() as conn:
            inserted = await conn.execute(
                self._insert(t)
                .values(
                    destination=destination,
                    period=period,
                    state="claimed",
                    owner=self.owner,
                    claimed_at=now,
                    lease_until=lease_until,
                    updated_at=now,
                    attempts=1,
                )
                .on_conflict_do_nothing(index_elements=["destination", "period"])
            )
            if inserted.rowcount == 1:
                return True
            taken = await conn.execute(
                update(t)
                .where(
                    t.c.destination == destination,
                    t.c.period == period,
                    or_(t.c.state == "released", and_(t.c.state == "claimed", t.c.lease_until < now)),
                )
                .values(
                    state="claimed",
                    owner=self.owner,
                    claimed_at=now,
                    lease_until=lease_until,
                    updated_at=now,
                    attempts=t.c.attempts + 1,
                )
            )
            return taken.rowcount == 1

    async def extend(self, destination: str, period: str, *, lease_s: float = 900, now: datetime) -> bool:
        """Renew this store's live claim just before posting, so a slow report keeps it.

        Args:
            destination: the claimed destination.
            period: the claimed period.
            lease_s: the new lease, counted from ``now``.
            now: the current time (aware).

        Returns:
            True when this store still held the claim (now extended); False when it was lost
            (its lease ran out and another instance took it over, or the post was completed).
        """
        t = schema.post_ledger
        async with self._write() as conn:
            extended = await conn.execute(
                update(t)
                .where(
                    t.c.destination == destination,
                    t.c.period == period,
                    t.c.state == "claimed",
                    t.c.owner == self.owner,
                )
                .values(lease_until=now + timedelta(seconds=lease_s), updated_at=now)
            )
            return extended.rowcount == 1

    async def complete(self, destination: str, period: str, *, message_ref: str, now: datetime) -> None:
        """Record the post as done (kept forever: a completed period is never posted again).

        Args:
            destination: the claimed destination.
            period: the claimed period.
            message_ref: the chat's id for the message (Slack ``ts``, Teams activity id).
            now: the current time (aware).
        """
        t = schema.post_ledger
        async with self._write() as conn:
            await conn.execute(
                update(t)
                .where(t.c.destination == destination, t.c.period == period, t.c.state != "completed")
                .values(
                    state="completed",
                    message_ref=message_ref,
                    completed_at=now,
                    updated_at=now,
                    last_error=None,
                )
            )

    async def release(self, destination: str, period: str, *, error: str, now: datetime) -> None:
        """Give up this store's claim after a failure, so that a retry (anyone's) may claim again.

        Args:
            destination: the claimed destination.
            period: the claimed period.
            error: a short description of what went wrong (kept in ``last_error``).
            now: the current time (aware).
        """
        t = schema.post_ledger
        async with self._write() as conn:
            await conn.execute(
                update(t)
                .where(
                    t.c.destination == destination,
                    t.c.period == period,
                    t.c.state == "claimed",
                    t.c.owner == self.owner,
                )
                .values(state="released", last_error=error[:2000], updated_at=now)
            )

    async def get_post(self, destination: str, period: str) -> PostRecord | None:
        """The ledger row of one destination × period, if any."""
        async with self._read() as conn:
            return await queries.select_post(conn, destination, period)

    async def last_post(self) -> PostRecord | None:
        """The most recently changed *weekly* ledger row, for ``/healthz``.

        Only scheduled occurrences count (``weekly:…``): ``post`` runs (``key:…``, ``manual:…``)
        and failure notices (``weekly:…:notice``) are left out. The row may be in flight
        (``claimed``), posted (``completed``) or failed and given back (``released``).
        """
        async with self._read() as conn:
            return await queries.select_last_weekly_post(conn)

    # --- snapshots --------------------------------------------------------------------------------
    async def save_snapshot(self, taken_at: datetime, rows: Sequence[SnapshotRow], *, period: str) -> None:
        """Store a snapshot once per period (a second save is ignored); prune those past the retention.

        Args:
            taken_at: when the data was read, aware, in the reseller's zone (its date is ``taken_on``).
            rows: the over-limit companies (:func:`bot.report.model.snapshot_rows`).
            period: the post's period key, or :func:`~bot.store.history.daily_period` for a day's.
        """
        async with self._write() as conn:
            await queries.insert_snapshot(
                conn, self._insert, taken_at=taken_at, rows=rows, period=period, keep_weeks=self.history_weeks
            )

    async def latest_snapshot(self, *, exclude_period: str | None = None) -> Snapshot | None:
        """The newest weekly snapshot with its rows (None when none yet), not counting ``exclude_period``'s.

        The weekly job passes its current period, so a retry compares with the week before.
        """
        async with self._read() as conn:
            return await queries.select_latest_snapshot(conn, exclude_period=exclude_period)

    async def snapshot_count(self) -> int:
        """How many snapshots are kept."""
        async with self._read() as conn:
            return await queries.count_snapshots(conn)

    # --- Teams conversation references ------------------------------------------------------------
    async def save_conversation(self, ref: ConversationRef, *, now: datetime | None = None) -> None:
        """Insert or replace the conversation reference of a Teams channel."""
        async with self._write() as conn:
            await queries.upsert_conversation(conn, self._insert, ref, now=now or datetime.now(UTC))

    async def get_conversation(self, channel_id: str) -> ConversationRef | None:
        """The stored conversation reference of a Teams channel, if any."""
        async with self._read() as conn:
            return await queries.select_conversation(conn, channel_id)
