"""`overage-bot db upgrade | current` as a separate process, on SQLite files."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from bot.store.migrations.runner import head_revision
from tests.cli.process import run_cli
from tests.store.release_fixture import SQLITE_FILE

HEAD = head_revision()  # the newest revision shipped


def db_env(path: Path) -> dict[str, str]:
    """Only the database is configured (the `db` commands need nothing else)."""
    return {"OVERAGE_DB_URL": f"sqlite:///{path}"}


async def test_upgrade_creates_the_schema_once_and_current_reports_it(tmp_path: Path) -> None:
    """`current` on no file says so (creating nothing); `upgrade` creates; a second one has nothing to do."""
    env = db_env(tmp_path / "state.db")
    code, out, _ = await run_cli("db", "current", env=env, cwd=tmp_path)
    assert (code, out.strip()) == (
        0,
        f"none: empty database; `overage-bot db upgrade` or a start creates the schema ({HEAD})",
    )
    assert not (tmp_path / "state.db").exists()
    code, out, _ = await run_cli("db", "upgrade", env=env, cwd=tmp_path)
    assert (code, out.strip()) == (
        0,
        f"sqlite+aiosqlite:///{tmp_path / 'state.db'}: upgraded from an empty database to {HEAD} (head)",
    )
    code, out, _ = await run_cli("db", "upgrade", env=env, cwd=tmp_path)
    assert (code, out.strip()) == (
        0,
        f"sqlite+aiosqlite:///{tmp_path / 'state.db'}: already at {HEAD} (head)",
    )
    code, out, _ = await run_cli("db", "current", env=env, cwd=tmp_path)
    assert (code, out.strip()) == (0, f"{HEAD} (head)")


async def test_release_01_database_is_moved_with_its_rows(tmp_path: Path) -> None:
    """A release-0.1 file: `current` names its old version; `upgrade` moves it, rows kept."""
    path = tmp_path / "old.sqlite3"
    shutil.copyfile(SQLITE_FILE, path)
    code, out, _ = await run_cli("db", "current", env=db_env(path), cwd=tmp_path)
    assert code == 0
    assert out.startswith("none: release 0.1 schema (schema_version 1)")
    code, out, _ = await run_cli("db", "upgrade", env=db_env(path), cwd=tmp_path)
    assert code == 0
    assert out.strip().endswith(f"upgraded from schema_version 1 to {HEAD} (head)")
    with sqlite3.connect(path) as conn:
        counts = [
            conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("post_ledger", "snapshots", "snapshot_rows", "conversations")
        ]
    assert counts == [4, 2, 5, 2]


async def test_newer_database_exits_2_with_one_line(tmp_path: Path) -> None:
    """A database stamped with an unknown revision: `db current`, `db upgrade` and `run` refuse it."""
    path = tmp_path / "state.db"
    env = db_env(path)
    assert (await run_cli("db", "upgrade", env=env, cwd=tmp_path))[0] == 0
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_future'")
    expected = (
        f"overage-bot: the database at sqlite+aiosqlite:///{path} was upgraded by a newer overage-bot "
        "(revision 0099_future): run that version of overage-bot (or a newer one), or restore a backup "
        "of the database"
    )
    for args in (("db", "current"), ("db", "upgrade")):
        code, out, err = await run_cli(*args, env=env, cwd=tmp_path)
        assert (code, out, err.strip()) == (2, "", expected)
    code, _, err = await run_cli(
        "run", env={**env, "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, cwd=tmp_path
    )
    assert code == 2
    assert err.strip().splitlines()[-1] == expected
