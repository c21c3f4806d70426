"""The billing-ready statement as a file: XLSX (openpyxl write-only, streamed) and the same rows as CSV.

Every text cell is written as text, never as a formula (openpyxl would otherwise turn a string that
starts with ``=`` into one): a customer named ``=HYPERLINK(…)`` shows literally. Numbers are numbers
with formats, dates are dates, the Total row holds values (no ``=SUM``). Names are written exactly as
Keepnet has them, except characters XML cannot carry (control characters) and text past Excel's
32,767-character cell limit. The CSV copy neutralizes formula-like text cells like every export.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bot.exports.neutralize import neutralize_cell
from bot.report.statement import STATEMENT_COLUMNS, Statement, StatementRow

__all__ = ["EXCEL_CELL_LIMIT", "statement_filename", "write_statement_csv", "write_statement_xlsx"]

EXCEL_CELL_LIMIT = 32_767
"""The most characters an Excel cell holds."""

_INT = "#,##0"
_PCT = "0.0%"
_DATE = "yyyy-mm-dd"
_DATETIME = "yyyy-mm-dd hh:mm"
_MAX_WIDTH = 60
_FORMATS: dict[str, str] = {
    "License limit": _INT,
    "Active users": _INT,
    "Excess": _INT,
    "% over": _PCT,
    "Renewal date": _DATE,
    "Over since": _DATE,
    "Decided at": _DATETIME,
}


def statement_filename(day: date, kind: Literal["xlsx", "csv"] = "xlsx") -> str:
    """``overage-statement-2026-12-04.xlsx`` (or ``.csv``)."""
    return f"overage-statement-{day.isoformat()}.{kind}"


def _money_format(statement: Statement) -> str:
    """An Excel number format carrying the currency code, e.g. ``#,##0.00 "USD"``."""
    return f'#,##0.00 "{statement.pricing.currency}"'


def _text(value: str) -> str:
    return str(ILLEGAL_CHARACTERS_RE.sub("", value))[:EXCEL_CELL_LIMIT]


def _width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    if isinstance(value, float):
        return len(f"{value:,.2f}") + 4
    if isinstance(value, int):
        return len(f"{value:,}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def _widths(rows: Sequence[StatementRow]) -> list[int]:
    widths = [len(name) + 2 for name in STATEMENT_COLUMNS]
    for row in rows:
        for i, value in enumerate(row.values()):
            widths[i] = max(widths[i], min(_MAX_WIDTH, _width(value) + 2))
    return widths


def _cell(sheet: Any, value: object, number_format: str | None, *, bold: bool = False) -> WriteOnlyCell:
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=None)
        cell.value = _text(value)
        cell.data_type = "s"  # text stays text: openpyxl would read a leading '=' as a formula
    else:
        cell = WriteOnlyCell(sheet, value=value)
        if number_format and value is not None:
            cell.number_format = number_format
    if bold:
        cell.font = Font(bold=True)
    return cell


def write_statement_xlsx(statement: Statement, path: Path) -> Path:
    """Write the statement as one sheet: frozen header, auto-filter, fitted widths, a Total row.

    Args:
        statement: the rows and totals.
        path: the file to write.

    Returns:
        ``path``.
    """
    money = _money_format(statement)
    formats = {**_FORMATS, "Seat price": money, "Amount": money}
    book = Workbook(write_only=True)
    sheet: Any = book.create_sheet("Statement")
    for i, width in enumerate(_widths(statement.rows), start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, name, None, bold=True) for name in STATEMENT_COLUMNS])
    column_formats = [formats.get(name) for name in STATEMENT_COLUMNS]
    for row in statement.rows:
        sheet.append([_cell(sheet, v, f) for v, f in zip(row.values(), column_formats, strict=True)])
    last = len(statement.rows) + 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(STATEMENT_COLUMNS))}{last}"
    total: list[object] = [None] * len(STATEMENT_COLUMNS)
    total[0] = "Total"
    total[STATEMENT_COLUMNS.index("Excess")] = statement.total_excess
    total[STATEMENT_COLUMNS.index("Amount")] = statement.total_amount
    total[STATEMENT_COLUMNS.index("State")] = (
        f"trials and ignored excluded · prices per {statement.pricing.period}"
    )
    sheet.append([_cell(sheet, v, f, bold=True) for v, f in zip(total, column_formats, strict=True)])
    book.save(path)
    return path


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    if isinstance(value, int):
        return str(value)
    return neutralize_cell(str(value))


def _csv_rows(statement: Statement) -> Iterable[list[str]]:
    yield list(STATEMENT_COLUMNS)
    pct = STATEMENT_COLUMNS.index("% over")
    for row in statement.rows:
        values = list(row.values())
        fraction = values[pct]
        values[pct] = round(fraction * 100, 1) if isinstance(fraction, float) else None  # "12.5", not 0.125
        yield [_csv_value(v) for v in values]
    total: list[object] = [None] * len(STATEMENT_COLUMNS)
    total[0] = "Total"
    total[STATEMENT_COLUMNS.index("Excess")] = statement.total_excess
    total[STATEMENT_COLUMNS.index("Amount")] = statement.total_amount
    yield [_csv_value(v) for v in total]


def write_statement_csv(statement: Statement, path: Path) -> Path:
    """Write the same rows as CSV (UTF-8 with a byte-order mark, so Excel reads the names right)."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerows(_csv_rows(statement))
    return path
