"""A separate OS process that runs one weekly occurrence (used by tests/test_schedule.py).

Usage: ``python _claim_worker.py URL SCHEMA|- OUT_FILE OCCURRENCE_ISO``. The destination appends
one line to OUT_FILE per post; the outcome status is printed to standard output.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.report.model import OverageReport
from bot.store.database import Store
from bot.weekly.job import WeeklyJob, WeeklySchedule
from bot.weekly.trigger import build_trigger


class FileDestination:
    """Appends a line to a shared file for each post."""

    name = "slack:CWORKER"

    def __init__(self, path: Path) -> None:
        self._path = path

    async def post(self, report: OverageReport, *, period: str) -> str:
        """Append ``period pid`` to the file."""
        with self._path.open("a", encoding="utf-8") as out:
            out.write(f"{period} {os.getpid()}\n")
        return "ts"

    async def post_failure(self, text: str) -> None:
        """Not expected in this test."""
        raise AssertionError(text)


async def _main(url: str, schema: str, out: Path, occurrence: datetime) -> str:
    store = await Store.open(url, schema_name=None if schema == "-" else schema)

    async def report() -> OverageReport:
        return OverageReport(0, 0, 0, 0, (), 10, occurrence, "worker")

    async def no_sleep(_: float) -> None:
        return None

    job = WeeklyJob(
        schedule=WeeklySchedule(build_trigger("0 9 * * MON", UTC), UTC, 3600.0),
        store=store,
        destinations=[FileDestination(out)],
        report_factory=report,
        clock=lambda: occurrence + timedelta(seconds=5),
        sleep=no_sleep,
    )
    try:
        outcomes = await job.run_occurrence(occurrence)
    finally:
        await store.close()
    return outcomes[0].status


if __name__ == "__main__":
    url_arg, schema_arg, out_arg, when_arg = sys.argv[1:5]
    print(asyncio.run(_main(url_arg, schema_arg, Path(out_arg), datetime.fromisoformat(when_arg))))
