"""The state store's tables: the *current* schema, the one the code queries.

The database gets there through the Alembic revisions in :mod:`bot.store.migrations` (run at every
start, and by ``overage-bot db upgrade``). To change the schema, edit the tables below *and* add a
revision (see ``bot/store/migrations/README.md``); a test fails while the two disagree.

Times are stored in UTC (:class:`UTCDateTime`): ``timestamptz`` on PostgreSQL and naive-UTC text
on SQLite, so ``lease_until < :now`` compares correctly on both.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Column,
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
)
from sqlalchemy.types import TypeDecorator

__all__ = [
    "UTCDateTime",
    "conversations",
    "decisions",
    "metadata",
    "post_ledger",
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

decisions = Table(  # append-only: the audit of billing decisions (never updated, never deleted)
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("company_id", String(200), nullable=False),
    Column("company_name", Text, nullable=False),
    Column("decision", String(16), nullable=False),  # billed | snoozed | ignored | reopened
    Column("excess", Integer),
    Column("until", Date),  # snoozed: the day it needs action again
    Column("cycle", String(16)),  # billed: the billing period covered (2026-12, 2026-Q4, 2026)
    Column("by_id", String(200), nullable=False),
    Column("by_name", String(200)),
    Column("edge", String(16), nullable=False),
    Column("channel", String(300), nullable=False),
    Column("decided_at", UTCDateTime, nullable=False),
    Column("delivery", String(64), unique=True),  # a hash of the click: a redelivery records nothing
    Index("ix_decisions_company_latest", "company_id", "decided_at", "id"),
    Index("ix_decisions_decided_at", "decided_at", "id"),
)
