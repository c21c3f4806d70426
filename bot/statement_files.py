"""The billing statement as a file for the chat edges: the report (cached, shared) → rows → a temp file.

Slack uploads it, Teams serves it behind a signed link, both through :func:`statement_file`, which
deletes the file when the caller is done.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, tzinfo
from pathlib import Path
from typing import Literal, Protocol

import structlog

from bot.exports.statement import statement_filename, write_statement_csv, write_statement_xlsx
from bot.report.statement import Statement, build_statement
from bot.service import ReportService
from bot.store.types import StoreError

__all__ = ["OverSinceSource", "StatementFile", "statement_file", "statement_summary"]

log = structlog.get_logger(__name__)


class OverSinceSource(Protocol):
    """Where "over since" comes from (the store's snapshot history)."""

    async def over_since(self, company_ids: Iterable[str], *, today: date) -> Mapping[str, date]:
        """The first day of each company's current run over the limit."""
        ...


@dataclass(frozen=True)
class StatementFile:
    """A statement written to a temporary file.

    Attributes:
        path: the file (deleted when the context ends).
        filename: the name to show people (``overage-statement-YYYY-MM-DD.xlsx``).
        statement: its rows and totals.
    """

    path: Path
    filename: str
    statement: Statement


def statement_summary(statement: Statement) -> str:
    """One line for the chat: ``Billing statement: 83 customers · 3,486 billable excess users · ≈ $9,630.00 / month …``."""
    rule = statement.pricing
    money = (
        "" if statement.total_amount is None else f" · ≈ {rule.money(statement.total_amount)} / {rule.period}"
    )
    return (
        f"Billing statement: {len(statement.rows):,} customers over their license limit · "
        f"{statement.total_excess:,} billable excess users{money} (trials and ignored customers excluded)"
    )


@asynccontextmanager
async def statement_file(
    service: ReportService,
    *,
    tz: tzinfo,
    history: OverSinceSource | None = None,
    kind: Literal["xlsx", "csv"] = "xlsx",
    fresh: bool = False,
) -> AsyncIterator[StatementFile]:
    """Build the statement of the unfiltered report and write it to a temporary file.

    Args:
        service: the report service (its cached report is reused unless ``fresh``).
        tz: the reseller's time zone.
        history: the snapshot history for "Over since" (None: the column stays empty).
        kind: ``xlsx`` or ``csv``.
        fresh: ask Keepnet again instead of reusing a recent report.

    Yields:
        The file; it is deleted on exit.

    Raises:
        KeepnetError: Keepnet could not produce the complete list.
    """
    report = await service.report(fresh=fresh)
    since: Mapping[str, date] | None = None
    if history is not None:
        today = report.generated_at.astimezone(tz).date()
        try:
            since = await history.over_since(
                (o.company_id for o in report.offenders if o.company_id), today=today
            )
        except StoreError as exc:  # the statement still helps without the history column
            log.warning("statement_history_unavailable", error=exc.message)
    statement = build_statement(report, tz=tz, over_since=since)
    folder = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="overage-statement-"))
    try:
        filename = statement_filename(statement.day, kind)
        writer = write_statement_xlsx if kind == "xlsx" else write_statement_csv
        path = await asyncio.to_thread(writer, statement, folder / filename)
        yield StatementFile(path=path, filename=filename, statement=statement)
    finally:
        await asyncio.to_thread(shutil.rmtree, folder, True)
