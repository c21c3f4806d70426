"""File bodies of the sandbox's ``/api/companies/search/export``: CSV text and real XLSX.

CSV choices (Keepnet's are undocumented): UTF-8 **with a BOM** (what .NET's ``Encoding.UTF8``
writers emit), comma-separated, ``\\r\\n`` line ends, quoted by :mod:`csv` only where needed, one
header row. Cell values are written raw: a name such as ``=HYPERLINK(...)`` is *not* neutralized
(that is the bot's job). Dates are ``YYYY-MM-DD`` (renewal) and ``YYYY-MM-DD HH:MM:SS`` (created);
an unlimited licence shows ``Unlimited`` as its limit.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

__all__ = [
    "CHUNK_BYTES",
    "CSV_CONTENT_TYPE",
    "EXPORT_HEADERS",
    "XLSX_CONTENT_TYPE",
    "csv_chunks",
    "write_xlsx",
]

CSV_CONTENT_TYPE = "text/csv"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_BYTES = 64 * 1024
EXPORT_HEADERS = (
    "Company Name", "Reseller Name", "Industry", "License Type", "Target Users", "Inactive Users",
    "Deleted Users", "Monthly Users", "License Limit", "Tags", "Renewal Date", "Date Created",
)  # fmt: skip
_BOM = "\ufeff"


def csv_chunks(rows: Iterable[dict[str, Any]], *, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    """Encode companies as CSV lazily, a chunk of about ``chunk_bytes`` at a time.

    Args:
        rows: ``SearchCompanyDto`` dicts in export order.
        chunk_bytes: flush threshold (characters, roughly bytes).

    Yields:
        UTF-8 bytes; the first chunk starts with the BOM and the header row.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(_BOM)
    writer.writerow(EXPORT_HEADERS)
    for row in rows:
        writer.writerow(_csv_values(row))
        if buffer.tell() >= chunk_bytes:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def write_xlsx(rows: Iterable[dict[str, Any]], path: Path) -> None:
    """Write companies to an XLSX workbook (openpyxl write-only mode, one sheet "Companies").

    Text cells are forced to the string type, so a name starting with ``=`` stays text instead of
    becoming a formula. Counts are numbers and dates are real dates.

    Args:
        rows: ``SearchCompanyDto`` dicts in export order.
        path: the file to create.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Companies")
    sheet.append(list(EXPORT_HEADERS))
    for row in rows:
        cells: list[Any] = []
        for value in _xlsx_values(row):
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    workbook.save(path)


def _limit_text(row: dict[str, Any]) -> str:
    if not row.get("isNumberOfUsersLimited"):
        return "Unlimited"
    value = row.get("numberOfUsers")
    return "" if value is None else str(value)


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _common(row: dict[str, Any]) -> list[Any]:
    return [
        row.get("companyName") or "",
        row.get("resellerName") or "",
        row.get("industryName") or "",
        row.get("licenseTypeName") or "",
        int(row.get("targetUserCount") or 0),
        int(row.get("inactiveTargetUserCount") or 0),
        int(row.get("deletedTargetUserCount") or 0),
        int(row.get("monthlyActiveUserCount") or 0),
        _limit_text(row),
        ", ".join(row.get("tags") or []),
    ]


def _csv_values(row: dict[str, Any]) -> list[Any]:
    renewal = _parse_time(row.get("licenseEndDate"))
    created = _parse_time(row.get("createTime"))
    return [
        *_common(row),
        renewal.strftime("%Y-%m-%d") if renewal else "",
        created.strftime("%Y-%m-%d %H:%M:%S") if created else "",
    ]


def _xlsx_values(row: dict[str, Any]) -> list[Any]:
    values = _common(row)
    limit = values[8]
    if isinstance(limit, str) and limit.isdigit():
        values[8] = int(limit)
    renewal = _parse_time(row.get("licenseEndDate"))
    return [*values, renewal.date() if renewal else None, _parse_time(row.get("createTime"))]
