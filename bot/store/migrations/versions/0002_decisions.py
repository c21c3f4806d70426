"""Billing decisions: the append-only audit of billed / snoozed / ignored / reopened customers.

Revision ID: 0002_decisions
Revises: 0001_baseline
Create Date: 2026-12-05

One row per decision, never updated or deleted. ``ix_decisions_company_latest`` serves "each
company's latest decision"; ``delivery`` (unique) makes a redelivered click record nothing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002_decisions"
down_revision: str | None = "0001_baseline"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create the ``decisions`` table and its indexes."""
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("company_id", sa.String(200), nullable=False),
        sa.Column("company_name", sa.Text, nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("excess", sa.Integer),
        sa.Column("until", sa.Date),
        sa.Column("cycle", sa.String(16)),
        sa.Column("by_id", sa.String(200), nullable=False),
        sa.Column("by_name", sa.String(200)),
        sa.Column("edge", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(300), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivery", sa.String(64), unique=True),
    )
    op.create_index("ix_decisions_company_latest", "decisions", ["company_id", "decided_at", "id"])
    op.create_index("ix_decisions_decided_at", "decisions", ["decided_at", "id"])


def downgrade() -> None:
    """overage-bot never downgrades a database (it would lose rows): restore a backup instead."""
    raise NotImplementedError("overage-bot does not downgrade a database: restore a backup")
