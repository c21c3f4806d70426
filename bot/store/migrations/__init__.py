"""The state store's schema history: Alembic revisions shipped inside the package.

``env.py`` and ``versions/`` are read from this folder (package data, found next to
:mod:`bot.store.migrations.runner`, never relative to the current folder); the configuration is
built in code. The runner applies them at every start (``Store.open``) and on
``overage-bot db upgrade``. How to add a revision: ``README.md`` in this folder.
"""

from bot.store.migrations.runner import (
    BASELINE,
    GUARD_VERSION,
    NewerSchemaError,
    SchemaState,
    alembic_config,
    read_state,
    upgrade,
)

__all__ = [
    "BASELINE",
    "GUARD_VERSION",
    "NewerSchemaError",
    "SchemaState",
    "alembic_config",
    "read_state",
    "upgrade",
]
