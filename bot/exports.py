"""Exports handed to people: Keepnet's own files, with CSV formula injection neutralized.

Keepnet's CSV and XLSX exports are passed on unchanged except for one thing: CSV text cells that
start with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return get a leading ``'`` (OWASP "CSV
injection"), so a spreadsheet never runs a customer name as a formula. Numbers such as ``-5`` or
``+3.5`` stay as they are. The file is streamed row by row, never held in memory.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

from bot.keepnet.models import ExportKind

__all__ = ["export_filename", "neutralize_cell", "neutralize_csv_file"]

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d+)*|\.\d+)([eE][+-]?\d+)?$")
_BOM = "\ufeff"


def export_filename(kind: ExportKind, day: date) -> str:
    """The file name shown to people, e.g. ``overage-2026-11-26.csv``."""
    return f"overage-{day.isoformat()}.{'csv' if kind == 'CSV' else 'xlsx'}"


def neutralize_cell(cell: str) -> str:
    """Prefix a text cell that a spreadsheet would read as a formula with ``'``; numbers pass."""
    if cell.startswith(_TRIGGERS) and not _NUMBER.match(cell):
        return "'" + cell
    return cell


def _delimiter(sample: str) -> str:
    """The delimiter of the header line (Keepnet's is undocumented: comma, semicolon or tab)."""
    header = sample.split("\n", 1)[0]
    counts = {delimiter: header.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def neutralize_csv_file(src: Path, dst: Path) -> int:
    """Copy a CSV export from ``src`` to ``dst``, neutralizing formula-like text cells.

    The delimiter and a UTF-8 byte-order mark are kept as Keepnet sent them; line endings are
    written as CRLF (RFC 4180).

    Args:
        src: Keepnet's CSV file.
        dst: where to write the neutralized copy.

    Returns:
        The number of data rows (the header row not counted).
    """
    with src.open("r", encoding="utf-8", newline="") as reader_file:
        sample = reader_file.read(64 * 1024)
        reader_file.seek(0)
        has_bom = sample.startswith(_BOM)
        if has_bom:
            reader_file.read(1)
            sample = sample[1:]
        delimiter = _delimiter(sample)
        with dst.open("w", encoding="utf-8", newline="") as writer_file:
            if has_bom:
                writer_file.write(_BOM)
            writer = csv.writer(writer_file, delimiter=delimiter, lineterminator="\r\n")
            rows = -1
            for row in csv.reader(reader_file, delimiter=delimiter):
                writer.writerow([neutralize_cell(cell) for cell in row])
                rows += 1
    return max(rows, 0)
