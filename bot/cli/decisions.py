"""``overage-bot decisions [--since YYYY-MM-DD] [--out FILE.csv]``: the billing-decision audit as CSV.

Every decision, oldest first, with the columns ``time_utc, company_id, company_name, decision,
excess, until, cycle, by_id, by_name, edge, channel``. Text cells are neutralized like every export
(a cell a spreadsheet would run as a formula gets a leading ``'``). Without ``--out`` the CSV goes
to standard output; with it, the file is written whole or not at all.
"""

from __future__ import annotations

import contextlib
import csv
import os
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO

from bot.cli.run import open_store
from bot.config import ConfigError, Settings
from bot.exports.neutralize import neutralize_cell
from bot.report.decisions import Decision
from bot.store.database import Store
from bot.store.types import StoreError

__all__ = ["COLUMNS", "decisions", "parse_since"]

COLUMNS = (
    "time_utc",
    "company_id",
    "company_name",
    "decision",
    "excess",
    "until",
    "cycle",
    "by_id",
    "by_name",
    "edge",
    "channel",
)


def parse_since(text: str | None) -> datetime | None:
    """``--since YYYY-MM-DD`` as the start of that day in UTC.

    Raises:
        ConfigError: the text is not a date in that form.
    """
    if text is None:
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(f"--since: {text[:40]!r} is not a date; use YYYY-MM-DD, e.g. 2026-12-01") from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _row(decision: Decision) -> list[str]:
    cells = [
        decision.decided_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        decision.company_id,
        decision.company_name,
        decision.decision,
        "" if decision.excess is None else str(decision.excess),
        "" if decision.until is None else decision.until.isoformat(),
        decision.cycle or "",
        decision.by_id,
        decision.by_name or "",
        decision.edge,
        decision.channel,
    ]
    return [neutralize_cell(cell) for cell in cells]


async def _write(store: Store, out: IO[str], since: datetime | None) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    count = 0
    async for decision in store.decisions.history(since=since):
        writer.writerow(_row(decision))
        count += 1
    return count


async def decisions(settings: Settings, *, since: str | None = None, out: Path | None = None) -> int:
    """Write the decision audit as CSV; returns the exit code.

    Raises:
        ConfigError: a bad ``--since``, or the database cannot be opened (exit code 2).
    """
    start = parse_since(since)
    store = await open_store(settings)
    try:
        if out is None:
            count = await _write(store, sys.stdout, start)
        else:
            folder = out.parent if str(out.parent) else Path(".")
            handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - renamed into place below
                "w",
                encoding="utf-8",
                newline="",
                dir=folder,
                prefix=".decisions-",
                suffix=".csv",
                delete=False,
            )
            try:
                with handle:
                    count = await _write(store, handle, start)
                os.replace(handle.name, out)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(handle.name)
                raise
            print(f"wrote {count} decisions to {out}", file=sys.stderr)
    except StoreError as exc:
        print(f"overage-bot: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"overage-bot: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    finally:
        await store.close()
    return 0
