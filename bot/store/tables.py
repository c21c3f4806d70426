"""The state store's tables and its ordered, data-keeping migrations.

The code queries the tables defined here (the *current* schema). The database gets there through
:data:`MIGRATIONS`, an ordered list keyed by the number kept in ``schema_version``: step 1 creates
the version-1 tables (``CREATE TABLE IF NOT EXISTS``, from a frozen definition of its own), and
every later step is an ``ALTER``/``CREATE`` that keeps existing rows. To change the schema, edit
the tables below *and* append a step; never edit a step that has shipped.

Times are stored in UTC (:class:`UTCDateTime`): ``timestamptz`` on PostgreSQL and naive-UTC text
on SQLite, so ``lease_until < :now`` compares correctly on both.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    select,
    text,
)
from sqlalchemy.types import TypeDecorator

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "UTCDateTime",
    "conversations",
    "metadata",
    "migrate",
    "post_ledger",
    "schema_version",
    "snapshot_rows",
    "snapshots",
]


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored in UTC on every backend; naive values are refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert to UTC (and drop the zone on SQLite, which compares the text)."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the store needs timezone-aware times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return an aware UTC datetime."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# --- current schema (what the code queries) -------------------------------------------------------
metadata = MetaData()

schema_version = Table("schema_version", metadata, Column("version", Integer, nullable=False))

post_ledger = Table(
    "post_ledger",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("destination", String(200), nullable=False),
    Column("period", String(200), nullable=False),
    Column("state", String(16), nullable=False),  # claimed | completed | released
    Column("owner", String(200), nullable=False),  # hostname:pid:random of the last claimer
    Column("claimed_at", UTCDateTime, nullable=False),
    Column("lease_until", UTCDateTime, nullable=False),
    Column("completed_at", UTCDateTime),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("message_ref", String(200)),
    Column("attempts", Integer, nullable=False, default=1),
    Column("last_error", Text),
    UniqueConstraint("destination", "period", name="uq_post_ledger_destination_period"),
)

snapshots = Table(
    "snapshots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("period", String(200), nullable=False, unique=True),
    Column("taken_at", UTCDateTime, nullable=False),
    Column("taken_on", Date, nullable=False),
)

snapshot_rows = Table(
    "snapshot_rows",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), nullable=False),
    Column("company_id", String(200), nullable=False),
    Column("name", Text, nullable=False),
    Column("license_limit", Integer),
    Column("active_users", Integer, nullable=False),
    Column("excess", Integer),
    Index("ix_snapshot_rows_snapshot_id", "snapshot_id"),
)

conversations = Table(
    "conversations",
    metadata,
    Column("channel_id", String(300), primary_key=True),
    Column("service_url", Text, nullable=False),
    Column("tenant_id", String(200)),
    Column("bot_id", String(200)),
    Column("conversation", Text, nullable=False),  # JSON text
    Column("updated_at", UTCDateTime, nullable=False),
)


# --- migrations -----------------------------------------------------------------------------------
def _v1(conn: Connection) -> None:
    """Version 1: the original tables, spelled out so that later edits above cannot change them."""
    v1 = MetaData()
    Table(
        "post_ledger",
        v1,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("destination", String(200), nullable=False),
        Column("period", String(200), nullable=False),
        Column("state", String(16), nullable=False),
        Column("owner", String(200), nullable=False),
        Column("claimed_at", UTCDateTime, nullable=False),
        Column("lease_until", UTCDateTime, nullable=False),
        Column("completed_at", UTCDateTime),
        Column("updated_at", UTCDateTime, nullable=False),
        Column("message_ref", String(200)),
        Column("attempts", Integer, nullable=False),
        Column("last_error", Text),
        UniqueConstraint("destination", "period", name="uq_post_ledger_destination_period"),
    )
    Table(
        "snapshots",
        v1,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("period", String(200), nullable=False, unique=True),
        Column("taken_at", UTCDateTime, nullable=False),
        Column("taken_on", Date, nullable=False),
    )
    Table(
        "snapshot_rows",
        v1,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), nullable=False),
        Column("company_id", String(200), nullable=False),
        Column("name", Text, nullable=False),
        Column("license_limit", Integer),
        Column("active_users", Integer, nullable=False),
        Column("excess", Integer),
        Index("ix_snapshot_rows_snapshot_id", "snapshot_id"),
    )
    Table(
        "conversations",
        v1,
        Column("channel_id", String(300), primary_key=True),
        Column("service_url", Text, nullable=False),
        Column("tenant_id", String(200)),
        Column("bot_id", String(200)),
        Column("conversation", Text, nullable=False),
        Column("updated_at", UTCDateTime, nullable=False),
    )
    v1.create_all(conn, checkfirst=True)


Migration = Callable[[Connection], None]

#: Ordered steps; ``MIGRATIONS[i]`` takes the database from version ``i`` to ``i + 1``. A test checks
#: that a database migrated from scratch has every column of the current tables.
MIGRATIONS: list[Migration] = [_v1]
SCHEMA_VERSION = len(MIGRATIONS)


def _lock(conn: Connection) -> None:
    """Serialize concurrent migrations (several replicas starting at once)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(7231004)"))
    # SQLite: the caller's BEGIN IMMEDIATE already holds the write lock.


def migrate(conn: Connection, steps: list[Migration] | None = None) -> tuple[int, int]:
    """Bring the schema up to date inside the caller's transaction.

    Args:
        conn: a connection inside a write transaction.
        steps: the migration list (tests pass a longer one to simulate an upgrade).

    Returns:
        The version before and after.

    Raises:
        RuntimeError: the database is newer than this code (a downgrade would lose data).
    """
    steps = MIGRATIONS if steps is None else steps
    _lock(conn)
    schema_version.create(conn, checkfirst=True)
    current: Any = conn.execute(select(schema_version.c.version)).scalar()
    before = int(current or 0)
    if before > len(steps):
        raise RuntimeError(
            f"the database schema is version {before} but this overage-bot knows only {len(steps)}: "
            "upgrade overage-bot (or point OVERAGE_DB_URL at another database)"
        )
    for step in steps[before:]:
        step(conn)
    after = len(steps)
    if current is None:
        conn.execute(schema_version.insert().values(version=after))
    elif after != before:
        conn.execute(schema_version.update().values(version=after))
    return before, after
