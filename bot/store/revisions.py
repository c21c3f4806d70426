"""The database's schema revision, for ``Store.open`` and ``overage-bot db``: read it, upgrade it.

Failures become :class:`~bot.store.types.StoreError` with one line to act on; a database that a
newer overage-bot upgraded is refused without being touched.
"""

from __future__ import annotations

from pathlib import Path

import structlog
from alembic.util import CommandError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.engine import create_engine
from bot.store.migrations.runner import (
    NewerSchemaError,
    SchemaState,
    head_revision,
    read_engine_state,
    upgrade_engine,
)
from bot.store.types import StoreError, db_error, normalize_url, safe_url

__all__ = [
    "SchemaState",
    "database_state",
    "migrate",
    "missing_sqlite_file",
    "newer_database_error",
    "upgrade_database",
]

_log = structlog.get_logger()


def newer_database_error(url: str, revision: str) -> StoreError:
    """The error for a database upgraded by a newer overage-bot (or of an unknown schema)."""
    return StoreError(
        f"the database at {safe_url(url)} was upgraded by a newer overage-bot (revision {revision})",
        remediation="run that version of overage-bot (or a newer one), or restore a backup of the database",
    )


async def migrate(engine: AsyncEngine, url: str) -> tuple[str | None, str]:
    """Upgrade the schema on ``engine`` to the newest revision (logs ``store_migrated`` on change).

    Returns:
        The revision before and after.

    Raises:
        StoreError: the database is unusable, or newer than this code.
    """
    try:
        before, after = await upgrade_engine(engine)
    except NewerSchemaError as exc:
        raise newer_database_error(url, exc.revision) from None
    except (SQLAlchemyError, OSError, CommandError, RuntimeError) as exc:
        raise db_error("cannot open the state database", url, exc) from None
    if before != after:
        _log.info("store_migrated", from_version=before, to_version=after, dialect=engine.dialect.name)
    return before, after


async def upgrade_database(url: str, *, schema_name: str | None = None) -> tuple[str | None, str]:
    """Open the database at ``url``, upgrade its schema, close it (``overage-bot db upgrade``).

    Raises:
        StoreError: as :func:`migrate`.
    """
    url = normalize_url(url)
    engine = create_engine(url, schema_name=schema_name)
    try:
        return await migrate(engine, url)
    finally:
        await engine.dispose()


def missing_sqlite_file(url: str) -> Path | None:
    """The SQLite file ``url`` names when it does not exist yet (None for other databases or an existing file)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    path = Path(parsed.database or "").absolute()
    return None if path.exists() else path


async def database_state(url: str, *, schema_name: str | None = None) -> SchemaState:
    """Where the database at ``url`` stands, changing nothing (``overage-bot db current``).

    A SQLite file that does not exist yet is reported as empty and is not created.

    Raises:
        StoreError: the database is unusable, or newer than this code.
    """
    url = normalize_url(url)
    engine = create_engine(url, schema_name=schema_name)
    try:
        if missing_sqlite_file(url) is not None:
            return SchemaState(None, head_revision())
        return await read_engine_state(engine)
    except NewerSchemaError as exc:
        raise newer_database_error(url, exc.revision) from None
    except (SQLAlchemyError, OSError, CommandError) as exc:
        raise db_error("cannot read the state database", url, exc) from None
    finally:
        await engine.dispose()
