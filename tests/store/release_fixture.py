"""Databases written by release 0.1 (``tests/store/data``): load one into a test's store target, and
check that every row it holds reads back through the store."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.report.model import SnapshotRow
from bot.store.database import Store
from tests.store.fixtures import StoreTarget

T = TypeVar("T")

DATA = Path(__file__).parent / "data"
SQLITE_FILE = DATA / "release-0.1-schema1.sqlite3"
POSTGRES_DUMP = DATA / "release-0.1-schema1.postgres.sql"
DUMPED_SCHEMA = "overage_release_01"


async def load_release_01(target: StoreTarget) -> None:
    """Put release 0.1's database where ``target`` points (a copy: the fixture stays untouched)."""
    if target.schema is None:
        database = make_url(target.url).database
        assert database
        shutil.copyfile(SQLITE_FILE, database)
        return
    lines = POSTGRES_DUMP.read_text(encoding="utf-8").splitlines()
    sql = "\n".join(line for line in lines if not line.startswith("\\"))  # psql's \restrict lines
    sql = sql.replace(f"CREATE SCHEMA {DUMPED_SCHEMA};", "").replace(DUMPED_SCHEMA, target.schema)
    engine = create_async_engine(target.url)
    try:
        async with engine.connect() as conn:
            raw = await conn.get_raw_connection()
            await raw.driver_connection.execute(sql)  # type: ignore[union-attr]
    finally:
        await engine.dispose()


async def run_sync(target: StoreTarget, fn: Callable[[Connection], T]) -> T:
    """Run ``fn`` on a plain connection to ``target`` (outside the store), committed."""
    args = {"server_settings": {"search_path": target.schema}} if target.schema else {}
    engine = create_async_engine(target.url, connect_args=args)
    try:
        async with engine.begin() as conn:
            return await conn.run_sync(fn)
    finally:
        await engine.dispose()


def revisions(conn: Connection) -> list[str]:
    """Every row of ``alembic_version``."""
    return [row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))]


async def assert_release_rows(store: Store) -> None:
    """Every row release 0.1 wrote into the fixture, read through the store's own API."""
    done = await store.get_post("slack:C0123", "weekly:2026-11-23T09:00Z")
    assert done is not None
    assert (done.state, done.message_ref, done.attempts) == ("completed", "1763888400.000100", 1)
    assert done.at == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    failed = await store.get_post("teams:19:abc@thread.tacv2", "weekly:2026-11-23T09:00Z")
    assert failed is not None
    assert (failed.state, failed.last_error) == ("released", "Bot Connector said 503")
    keyed = await store.get_post("slack:C0123", "key:2026-W48")
    assert keyed is not None
    assert keyed.state == "completed"
    last = await store.last_post()
    assert last is not None
    assert (last.period, last.state) == ("weekly:2026-11-30T09:00Z", "claimed")
    assert last.lease_until == datetime(2026, 11, 30, 9, 15, tzinfo=UTC)
    assert await store.snapshot_count() == 2
    latest = await store.latest_snapshot()
    assert latest is not None
    assert latest.taken_on == date(2026, 11, 30)
    assert latest.rows == (
        SnapshotRow("c-1", "Acme Ltd", 100, 160, 60),
        SnapshotRow("c-3", "Globex", 250, 251, 1),
        SnapshotRow("c-2", "Ünïcode Şirketi A.Ş.", None, 9, None),
    )
    before = await store.latest_snapshot(exclude_period="weekly:2026-11-30T09:00Z")
    assert before is not None
    assert [r.active_users for r in before.rows] == [150, 7]
    conversation = await store.get_conversation("19:abc@thread.tacv2")
    assert conversation is not None
    assert (conversation.tenant_id, conversation.conversation) == (
        "tenant-1",
        {"id": "19:abc@thread.tacv2", "isGroup": True},
    )
    other = await store.get_conversation("19:def@thread.tacv2")
    assert other is not None
    assert (other.service_url, other.tenant_id, other.bot_id) == (
        "https://smba.trafficmanager.net/amer/",
        None,
        None,
    )
