"""The SQLAlchemy engine behind the store: URL checks, driver options, SQLite locking setup."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.store.types import db_error

__all__ = ["create_engine"]

_SQLITE_BUSY_MS = 30_000


def create_engine(url: str, *, schema_name: str | None = None) -> AsyncEngine:
    """Create the async engine for a store URL (nothing is connected yet).

    Args:
        url: ``sqlite+aiosqlite:///path.db`` or ``postgresql+asyncpg://…`` (already normalized).
        schema_name: PostgreSQL only: the schema to use (``search_path``).

    Returns:
        The engine; SQLite engines run in WAL mode with ``busy_timeout`` and ``BEGIN IMMEDIATE``
        for transactions opened with the ``overage_write`` execution option.

    Raises:
        StoreError: the URL is not usable.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise db_error("OVERAGE_DB_URL is not a database URL", url, exc) from None
    if parsed.drivername not in ("sqlite+aiosqlite", "postgresql+asyncpg"):
        raise db_error(f"unsupported database driver {parsed.drivername!r}", url)
    if parsed.drivername == "sqlite+aiosqlite" and parsed.database not in (None, "", ":memory:"):
        folder = Path(parsed.database or ".").parent
        if not folder.is_dir():  # checked first: a failed aiosqlite connect leaves a thread behind
            raise db_error(f"cannot open the state database: folder {str(folder)!r} does not exist", url)
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if parsed.drivername == "postgresql+asyncpg":
        settings = {"application_name": "overage-bot"}
        if schema_name:
            settings["search_path"] = schema_name
        kwargs["connect_args"] = {"server_settings": settings, "timeout": 10}
    engine = create_async_engine(parsed, **kwargs)
    if engine.dialect.name == "sqlite":
        _sqlite_events(engine)
    return engine


def _switch_to_wal(cursor: Any) -> None:
    """Turn on WAL mode, waiting out other processes that are opening the same new file.

    Switching a fresh database to WAL needs an exclusive lock, and SQLite may answer "database is
    locked" at once instead of calling the busy handler (it would risk a deadlock), so two replicas
    starting together on one new file must retry here. This runs in aiosqlite's worker thread.
    """
    deadline = time.monotonic() + _SQLITE_BUSY_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _sqlite_events(engine: AsyncEngine) -> None:
    """WAL, busy_timeout, and SQLAlchemy-controlled BEGIN (IMMEDIATE for writes)."""

    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {_SQLITE_BUSY_MS}")
        _switch_to_wal(cursor)
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("overage_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
