"""Baseline: the tables of release 0.1 (its hand-numbered schema_version 1), and the guard row.

Revision ID: 0001_baseline
Revises:
Create Date: 2026-12-05

A database written by release 0.1 already has these tables: the runner stamps it with this
revision instead of running it (see :mod:`bot.store.migrations.runner`). The definitions are
spelled out here, frozen, so that later edits of ``bot/store/tables.py`` cannot change them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001_baseline"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

#: What ``schema_version`` holds once Alembic owns the schema. Release 0.1 refuses any version
#: above 1 ("upgrade overage-bot"), so that older binary never runs on a migrated database.
GUARD_VERSION = 2


def upgrade() -> None:
    """Create the release-0.1 tables and the guard row for release-0.1 binaries."""
    op.create_table(
        "post_ledger",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("destination", sa.String(200), nullable=False),
        sa.Column("period", sa.String(200), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message_ref", sa.String(200)),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.UniqueConstraint("destination", "period", name="uq_post_ledger_destination_period"),
    )
    op.create_table(
        "snapshots",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("period", sa.String(200), nullable=False, unique=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("taken_on", sa.Date, nullable=False),
    )
    op.create_table(
        "snapshot_rows",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("company_id", sa.String(200), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("license_limit", sa.Integer),
        sa.Column("active_users", sa.Integer, nullable=False),
        sa.Column("excess", sa.Integer),
    )
    op.create_index("ix_snapshot_rows_snapshot_id", "snapshot_rows", ["snapshot_id"])
    op.create_table(
        "conversations",
        sa.Column("channel_id", sa.String(300), primary_key=True),
        sa.Column("service_url", sa.Text, nullable=False),
        sa.Column("tenant_id", sa.String(200)),
        sa.Column("bot_id", sa.String(200)),
        sa.Column("conversation", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    guard = op.create_table("schema_version", sa.Column("version", sa.Integer, nullable=False))
    op.bulk_insert(guard, [{"version": GUARD_VERSION}])


def downgrade() -> None:
    """overage-bot never downgrades a database (it would lose rows): restore a backup instead."""
    raise NotImplementedError("overage-bot does not downgrade a database: restore a backup")
