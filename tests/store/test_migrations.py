"""Alembic migrations on SQLite and PostgreSQL: a fresh schema, release 0.1's databases, replicas
starting together, and a database that a newer overage-bot upgraded."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import MutableMapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect, text
from structlog.testing import capture_logs

from bot.errors import ActionableError
from bot.report.model import SnapshotRow
from bot.store import tables
from bot.store.database import Store, StoreError
from bot.store.migrations import GUARD_VERSION, alembic_config, runner
from bot.store.migrations.runner import head_revision, include_object
from bot.store.revisions import database_state, newer_database_error, upgrade_database
from tests.store.fixtures import StoreTarget, _store_target  # noqa: F401 - fixtures
from tests.store.release_fixture import assert_release_rows, load_release_01, revisions, run_sync

T = TypeVar("T")
HEAD = head_revision()  # the newest revision shipped (0001_baseline until the next one lands)
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def guard(conn: Connection) -> list[int]:
    """Every row of release 0.1's ``schema_version``."""
    return [row[0] for row in conn.execute(text("SELECT version FROM schema_version"))]


def schema_diff(conn: Connection) -> list[Any]:
    """What autogenerate would change to make the database match ``bot/store/tables.py``."""
    context = MigrationContext.configure(
        conn, opts={"include_object": include_object, "compare_type": True, "target_metadata": None}
    )
    return list(compare_metadata(context, tables.metadata))


def missing_columns(conn: Connection) -> list[str]:
    """Columns the code queries that the database lacks."""
    inspector = inspect(conn)
    missing = []
    for table in tables.metadata.sorted_tables:
        present = {c["name"] for c in inspector.get_columns(table.name)}
        missing += [f"{table.name}.{c.name}" for c in table.columns if c.name not in present]
    return missing


async def open_all(target: StoreTarget, count: int) -> list[MutableMapping[str, Any]]:
    """Open ``count`` stores at once (replicas starting together); return the migration log lines."""
    with capture_logs() as logs:
        stores = await asyncio.gather(*(target.open() for _ in range(count)))
    for store in stores:
        await store.close()
    return [line for line in logs if line["event"] == "store_migrated"]


class TestFreshDatabase:
    """A new, empty database."""

    async def test_fresh_schema_matches_the_tables(self, store_target: StoreTarget) -> None:
        """The revisions build exactly the tables the code queries, at the newest revision."""
        store = await store_target.open()
        await store.close()
        assert await run_sync(store_target, missing_columns) == []
        assert await run_sync(store_target, schema_diff) == []
        assert await run_sync(store_target, revisions) == [HEAD]
        assert await run_sync(store_target, guard) == [GUARD_VERSION]

    async def test_replicas_starting_together_migrate_once(self, store_target: StoreTarget) -> None:
        """Four stores opening one empty database at once: one migrates, the others wait and use it."""
        migrated = await open_all(store_target, 4)
        assert [(m["from_version"], m["to_version"]) for m in migrated] == [(None, HEAD)]
        assert await run_sync(store_target, revisions) == [HEAD]
        assert await run_sync(store_target, guard) == [GUARD_VERSION]

    async def test_db_upgrade_then_current(self, store_target: StoreTarget) -> None:
        """``db upgrade`` creates the schema once; ``db current`` reports it at head."""
        before = await database_state(store_target.url, schema_name=store_target.schema)
        assert (before.current, before.legacy_version) == (None, None)
        assert before.describe().startswith("none: empty database")
        assert await upgrade_database(store_target.url, schema_name=store_target.schema) == (None, HEAD)
        assert await upgrade_database(store_target.url, schema_name=store_target.schema) == (HEAD, HEAD)
        after = await database_state(store_target.url, schema_name=store_target.schema)
        assert after.describe() == f"{HEAD} (head)"


class TestRelease01Database:
    """Databases written by release 0.1 (``tests/store/data``): every row survives the move."""

    async def test_every_row_is_kept_and_readable(self, store_target: StoreTarget) -> None:
        """Ledger, snapshots and conversations read back through Store after the upgrade."""
        await load_release_01(store_target)
        state = await database_state(store_target.url, schema_name=store_target.schema)
        assert (state.current, state.legacy_version) == (None, 1)
        for _ in range(2):  # the second start finds the schema up to date
            store = await store_target.open()
            try:
                await assert_release_rows(store)
            finally:
                await store.close()
        store = await store_target.open()
        try:
            await _assert_writable(store)
        finally:
            await store.close()
        assert await run_sync(store_target, revisions) == [HEAD]
        assert await run_sync(store_target, schema_diff) == []

    async def test_schema_version_is_kept_as_a_guard(self, store_target: StoreTarget) -> None:
        """``schema_version`` stays, raised to 2: release 0.1 refuses any version above its own 1."""
        await load_release_01(store_target)
        assert await run_sync(store_target, guard) == [1]
        store = await store_target.open()
        await store.close()
        assert await run_sync(store_target, guard) == [GUARD_VERSION]
        assert GUARD_VERSION > 1

    async def test_replicas_starting_together_move_it_once(self, store_target: StoreTarget) -> None:
        """Three stores opening a release-0.1 database at once stamp and upgrade it once."""
        await load_release_01(store_target)
        migrated = await open_all(store_target, 3)
        assert [(m["from_version"], m["to_version"]) for m in migrated] == [("schema_version 1", HEAD)]
        assert await run_sync(store_target, revisions) == [HEAD]
        store = await store_target.open()
        try:
            await assert_release_rows(store)
        finally:
            await store.close()

    async def test_unknown_hand_numbered_version_is_refused(self, store_target: StoreTarget) -> None:
        """A ``schema_version`` no release wrote (and no Alembic revision) is not touched."""
        await load_release_01(store_target)
        await run_sync(store_target, lambda conn: conn.execute(text("UPDATE schema_version SET version = 7")))
        with pytest.raises(StoreError, match=r"newer overage-bot \(revision schema_version 7\)"):
            await store_target.open()
        assert await run_sync(store_target, guard) == [7]


async def _assert_writable(store: Store) -> None:
    """The old rows are live (a completed week is not posted again) and new rows get fresh ids."""
    assert not await store.claim("slack:C0123", "weekly:2026-11-23T09:00Z", now=NOW)
    period = f"weekly:{NOW:%Y-%m-%dT%H:%MZ}:{store.owner}"
    assert await store.claim("slack:C0123", period, now=NOW)
    await store.save_snapshot(NOW + timedelta(hours=1), [SnapshotRow("c-9", "New", 1, 2, 1)], period=period)


class TestNewerDatabase:
    """A database upgraded by a newer overage-bot is refused, untouched."""

    async def test_unknown_revision_is_refused_in_one_line(self, store_target: StoreTarget) -> None:
        """Stamped with a revision this code does not know: StoreError naming it and the way out."""
        store = await store_target.open()
        await store.close()
        await run_sync(store_target, _stamp_future)
        with pytest.raises(StoreError) as caught:
            await store_target.open()
        message = str(caught.value)
        assert "was upgraded by a newer overage-bot (revision 0099_future)" in message
        assert "restore a backup" in caught.value.remediation
        assert "\n" not in message
        with pytest.raises(StoreError, match="0099_future"):
            await database_state(store_target.url, schema_name=store_target.schema)
        with pytest.raises(StoreError, match="0099_future"):
            await upgrade_database(store_target.url, schema_name=store_target.schema)
        assert await run_sync(store_target, revisions) == ["0099_future"]


def _stamp_future(conn: Connection) -> None:
    conn.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))


def test_revisions_ship_inside_the_package() -> None:
    """The configuration points into the installed package, not at the current folder."""
    location = alembic_config().get_main_option("script_location")
    assert location is not None
    assert location.endswith("bot/store/migrations")
    assert location.startswith("/")


LATER_REVISION = '''"""A later revision (test only): rebuild snapshots with a new column, as a real one would."""

import sqlalchemy as sa
from alembic import op

revision = "9000_later"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    rebuild = "always" if op.get_bind().dialect.name == "sqlite" else "auto"
    with op.batch_alter_table("snapshots", recreate=rebuild) as batch:
        batch.add_column(sa.Column("note", sa.Text))
    op.create_table("later", sa.Column("id", sa.Integer, primary_key=True))
'''


@pytest.fixture(name="later_code")
def _later_code(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> str:
    """Pretend to be a newer overage-bot: the shipped revisions plus ``9000_later``."""
    scripts = tmp_path_factory.mktemp("code") / "migrations"
    shutil.copytree(Path(runner.__file__).parent, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9000_later.py").write_text(
        LATER_REVISION.replace("{head}", HEAD), encoding="utf-8"
    )
    monkeypatch.setattr(runner, "_SCRIPTS", scripts)
    return "9000_later"


class TestLaterRevision:
    """What the next revisions (decisions, history) rely on: a table rebuild keeps every row."""

    async def test_release_01_database_through_a_rebuild(
        self, store_target: StoreTarget, later_code: str
    ) -> None:
        """Release 0.1 → baseline → … → a revision that rebuilds ``snapshots``: no snapshot row is lost.

        On SQLite the rebuild drops the old ``snapshots``; with foreign keys on, that would
        cascade-delete every snapshot row, so the runner turns them off for the migration.
        """
        await load_release_01(store_target)
        with capture_logs() as logs:
            store = await store_target.open()
        try:
            await assert_release_rows(store)
        finally:
            await store.close()
        migrated = [(m["from_version"], m["to_version"]) for m in logs if m["event"] == "store_migrated"]
        assert migrated == [("schema_version 1", later_code)]
        assert await run_sync(store_target, revisions) == [later_code]
        assert "note" in await run_sync(
            store_target, lambda c: {x["name"] for x in inspect(c).get_columns("snapshots")}
        )

    async def test_older_code_refuses_the_upgraded_database(
        self, store_target: StoreTarget, later_code: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Upgraded by the "newer" code, the database is refused by the shipped code."""
        store = await store_target.open()
        await store.close()
        monkeypatch.undo()
        with pytest.raises(StoreError, match=f"newer overage-bot \\(revision {later_code}\\)"):
            await store_target.open()


def test_store_error_is_an_actionable_error() -> None:
    """StoreError carries a message and a fix like every other error a person acts on."""
    error = runner_error()
    assert isinstance(error, ActionableError)
    assert (error.message, error.remediation) == (
        "the database at sqlite+aiosqlite:///x.db was upgraded by a newer overage-bot (revision 0099_future)",
        "run that version of overage-bot (or a newer one), or restore a backup of the database",
    )


def runner_error() -> StoreError:
    """The newer-database error for a SQLite file."""
    return newer_database_error("sqlite+aiosqlite:///x.db", "0099_future")
