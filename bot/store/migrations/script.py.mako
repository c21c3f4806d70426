"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
${imports if imports else ""}
revision: str = ${repr(up_revision)}
down_revision: str | None = ${repr(down_revision)}
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """${message}: keep every existing row (batch_alter_table on SQLite for ALTER)."""
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    """overage-bot never downgrades a database (it would lose rows): restore a backup instead."""
    raise NotImplementedError("overage-bot does not downgrade a database: restore a backup")
