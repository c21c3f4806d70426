"""Run the state store's Alembic revisions: the lock, release 0.1's databases, newer databases.

Everything here runs on one connection inside one write transaction (``Connection.run_sync`` of
the async engine), so a migration either lands whole or not at all:

- **One migrator at a time.** PostgreSQL: ``pg_advisory_xact_lock`` (per schema) first, held until commit.
  SQLite: the transaction is ``BEGIN IMMEDIATE`` (the write lock). A replica that starts while
  another migrates waits, then finds the schema at head and does nothing.
- **Release 0.1's databases** carry a hand-numbered ``schema_version`` table (version 1) and no
  ``alembic_version``: they are stamped ``0001_baseline`` (their tables are exactly its tables),
  then upgraded like any other. ``schema_version`` is kept, set to
  :data:`GUARD_VERSION`, so that a release-0.1 binary refuses the database instead of using it.
- **A newer database** (its revision is not in this code's history) is refused with
  :class:`NewerSchemaError`: nothing is touched.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = [
    "BASELINE",
    "GUARD_VERSION",
    "LEGACY_VERSION",
    "NewerSchemaError",
    "SchemaState",
    "alembic_config",
    "head_revision",
    "include_object",
    "read_engine_state",
    "read_state",
    "upgrade",
    "upgrade_engine",
]

#: The first revision: the schema of release 0.1.
BASELINE = "0001_baseline"
#: The last hand-numbered version (release 0.1) and what ``schema_version`` holds afterwards.
LEGACY_VERSION, GUARD_VERSION = 1, 2
_LOCK_KEY = 7231004  # pg_advisory_xact_lock's first key (any fixed number); the second is the schema
_SCRIPTS = Path(__file__).resolve().parent  # shipped as package data, next to this module
# Alembic announces its dialect and each step at INFO on every start; ``store_migrated`` says it once.
logging.getLogger("alembic").setLevel(logging.WARNING)


class NewerSchemaError(Exception):
    """The database was migrated by a newer overage-bot (or holds an unknown schema version)."""

    def __init__(self, revision: str) -> None:
        super().__init__(revision)
        self.revision = revision


@dataclass(frozen=True)
class SchemaState:
    """Where a database stands.

    Attributes:
        current: the database's Alembic revision (None: none yet).
        head: the newest revision this code knows.
        legacy_version: release 0.1's ``schema_version``, when the database has no revision yet.
    """

    current: str | None
    head: str
    legacy_version: int | None = None

    def describe(self) -> str:
        """One line for ``overage-bot db current``."""
        if self.current == self.head:
            return f"{self.current} (head)"
        if self.current is not None:
            return f"{self.current} (head is {self.head}: `overage-bot db upgrade` or a start upgrades it)"
        if self.legacy_version is not None:
            return (
                f"none: release 0.1 schema (schema_version {self.legacy_version}); "
                f"`overage-bot db upgrade` or a start moves it to {self.head}, keeping every row"
            )
        return f"none: empty database; `overage-bot db upgrade` or a start creates the schema ({self.head})"


#: Tables the code does not query but the database keeps: Alembic's own, and release 0.1's
#: ``schema_version`` (the guard), which autogenerate must not drop.
UNMANAGED_TABLES = frozenset({"alembic_version", "schema_version"})


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Leave the unmanaged tables out of autogenerate comparisons (``env.py``, tests)."""
    return not (type_ == "table" and name in UNMANAGED_TABLES)


def alembic_config(connection: Connection | None = None) -> Config:
    """The Alembic configuration, built in code (no ``alembic.ini``).

    Args:
        connection: the connection ``env.py`` runs the revisions on (None to only read scripts).
    """
    config = Config(attributes={"connection": connection})
    config.set_main_option("script_location", str(_SCRIPTS).replace("%", "%%"))
    config.set_main_option("file_template", "%%(rev)s")
    return config


def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def _head(script: ScriptDirectory) -> str:
    head = script.get_current_head()
    if head is None:  # pragma: no cover - the baseline always ships
        raise RuntimeError("no Alembic revisions found in bot/store/migrations/versions")
    return head


def head_revision() -> str:
    """The newest revision this code knows."""
    return _head(_script())


def _legacy_version(conn: Connection) -> int | None:
    if not inspect(conn).has_table("schema_version"):
        return None
    value: Any = conn.execute(text("SELECT max(version) FROM schema_version")).scalar()
    return None if value is None else int(value)


def read_state(conn: Connection) -> SchemaState:
    """Read where the database stands, changing nothing.

    Raises:
        NewerSchemaError: the database's revision is unknown to this code.
    """
    script = _script()
    heads = MigrationContext.configure(conn).get_current_heads()
    known = {rev.revision for rev in script.walk_revisions()}
    for revision in heads:
        if revision not in known:
            raise NewerSchemaError(revision)
    current = heads[0] if heads else None
    return SchemaState(current, _head(script), None if heads else _legacy_version(conn))


def _lock(conn: Connection) -> None:
    """Serialize migrations of replicas starting at once (SQLite: BEGIN IMMEDIATE already did)."""
    if conn.dialect.name == "postgresql":
        # one lock per schema: replicas sharing a schema queue up, other schemas go on
        conn.execute(
            text("SELECT pg_advisory_xact_lock(:key, hashtext(current_schema()))"), {"key": _LOCK_KEY}
        )


def upgrade(conn: Connection) -> tuple[str | None, str]:
    """Bring the schema to the newest revision inside the caller's write transaction.

    Args:
        conn: a connection inside a write transaction (``BEGIN IMMEDIATE`` on SQLite).

    Returns:
        The revision before (None for an empty database, ``schema_version 1`` for release 0.1's)
        and after.

    Raises:
        NewerSchemaError: a newer overage-bot migrated the database; nothing was changed.
    """
    _lock(conn)
    state = read_state(conn)
    before = state.current
    if state.current is None and state.legacy_version is not None:
        if state.legacy_version != LEGACY_VERSION:
            raise NewerSchemaError(f"schema_version {state.legacy_version}")
        command.stamp(alembic_config(conn), BASELINE)
        conn.execute(text("UPDATE schema_version SET version = :v"), {"v": GUARD_VERSION})
        before = f"schema_version {LEGACY_VERSION}"
    if state.current != state.head:
        command.upgrade(alembic_config(conn), "head")
    return before, state.head


# --- on the async engine ----------------------------------------------------------------------------
def _foreign_keys(conn: Connection, on: bool) -> None:
    """SQLite: switch foreign keys off around a migration (outside any transaction, as SQLite needs).

    Batch mode rebuilds a table (copy, ``DROP``, rename); with foreign keys on, dropping
    ``snapshots`` would cascade-delete every snapshot row. After the migration,
    :func:`_check_foreign_keys` proves nothing dangles before the commit.
    """
    cursor = conn.connection.cursor()
    try:
        cursor.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")
    finally:
        cursor.close()


def _check_foreign_keys(conn: Connection) -> None:
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"the migration left {len(broken)} rows with a dangling foreign key: {broken[:3]}")


def _upgrade_checked(conn: Connection) -> tuple[str | None, str]:
    result = upgrade(conn)
    if conn.dialect.name == "sqlite":
        _check_foreign_keys(conn)
    return result


async def upgrade_engine(engine: AsyncEngine) -> tuple[str | None, str]:
    """Run :func:`upgrade` in one write transaction of ``engine`` (see the module docstring)."""
    async with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            await conn.run_sync(_foreign_keys, False)
        try:
            await conn.execution_options(overage_write=True)  # BEGIN IMMEDIATE on SQLite
            async with conn.begin():
                return await conn.run_sync(_upgrade_checked)
        finally:
            if sqlite:
                await conn.run_sync(_foreign_keys, True)


async def read_engine_state(engine: AsyncEngine) -> SchemaState:
    """Run :func:`read_state` in a read transaction of ``engine``."""
    async with engine.connect() as conn, conn.begin():
        return await conn.run_sync(read_state)
