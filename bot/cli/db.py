"""``overage-bot db upgrade | current``: the state database's schema (Alembic revisions).

``upgrade`` does what every start does (create or upgrade the schema, one replica at a time) and
says what changed; ``current`` prints the database's revision and changes nothing. A database
problem, or a database upgraded by a newer overage-bot, prints one line and exits with code 2.
"""

from __future__ import annotations

import asyncio
import sys

from bot.cli.run import ensure_data_dir
from bot.cli.wiring import setup_logging
from bot.config import Settings
from bot.store.revisions import database_state, upgrade_database
from bot.store.types import StoreError, normalize_url, safe_url

__all__ = ["db"]


async def db(settings: Settings, action: str) -> int:
    """Run ``overage-bot db ACTION`` on ``OVERAGE_DB_URL``.

    Args:
        settings: the configuration (only ``OVERAGE_DB_URL`` and logging are used).
        action: ``upgrade`` or ``current``.

    Returns:
        0, or 2 when the database is unusable or newer than this overage-bot.
    """
    setup_logging(settings, quiet=True)
    url = settings.overage_db_url
    try:
        if action == "current":
            print((await database_state(url)).describe())
            return 0
        await asyncio.to_thread(ensure_data_dir, settings)
        before, after = await upgrade_database(url)
    except StoreError as exc:
        print(f"overage-bot: {exc}", file=sys.stderr)
        return 2
    where = safe_url(normalize_url(url))
    if before == after:
        print(f"{where}: already at {after} (head)")
    else:
        print(f"{where}: upgraded from {before or 'an empty database'} to {after} (head)")
    return 0
