"""Databases written by release 0.1 (``tests/store/data``), loaded into a test's store target."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from tests.store.fixtures import StoreTarget

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
