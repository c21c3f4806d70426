"""Exports handed to people: Keepnet's own files, with CSV formula injection neutralized.

Keepnet's CSV and XLSX exports are passed on unchanged except for one thing: CSV text cells whose
first character — or first character after leading spaces, no-break spaces and line feeds — is
``=``, ``+``, ``-``, ``@``, a tab or a carriage return get a leading ``'`` (OWASP "CSV injection"),
so a spreadsheet never runs a customer name as a formula. Numbers such as ``-5`` or ``+3.5`` stay
as they are. The file is streamed row by row, never held in memory; a cell may be of any length.
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.keepnet.models import ExportKind

__all__ = ["export_filename", "neutralize_cell", "neutralize_csv_file"]

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_BLANKS = " \u00a0\n"
"""Skipped before looking for a trigger: spreadsheets ignore them in front of a formula."""
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d+)*|\.\d+)([eE][+-]?\d+)?$")
_BOM = "\ufeff"
_FIELD_LIMIT = 2**31 - 1


def export_filename(kind: ExportKind, day: date) -> str:
    """The file name shown to people, e.g. ``overage-2026-11-26.csv``."""
    return f"overage-{day.isoformat()}.{'csv' if kind == 'CSV' else 'xlsx'}"


def neutralize_cell(cell: str) -> str:
    """Prefix a text cell that a spreadsheet would read as a formula with ``'``; numbers pass."""
    if cell.lstrip(_BLANKS).startswith(_TRIGGERS) and not _NUMBER.match(cell.strip(_BLANKS)):
        return "'" + cell
    return cell


@dataclass(frozen=True)
class _Style:
    """How Keepnet wrote the file, so that the copy is written the same way."""

    delimiter: str
    lineterminator: str
    quoting: int
    final_newline: bool


def _style(sample: str, *, final_newline: bool) -> _Style:
    """Read the delimiter, line ending and quoting style from the header line (Keepnet's are undocumented)."""
    header = sample.split("\n", 1)[0]
    lineterminator = "\r\n" if header.endswith("\r") else "\n"
    header = header.rstrip("\r")
    counts = {delimiter: header.count(delimiter) for delimiter in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    fields = header.split(delimiter)
    quoted = all(len(f) >= 2 and f.startswith('"') and f.endswith('"') for f in fields)
    quoting = csv.QUOTE_ALL if quoted else csv.QUOTE_MINIMAL
    return _Style(delimiter, lineterminator, quoting, final_newline)


def _encoding(src: Path) -> str:
    """``utf-8`` when the whole file decodes as UTF-8, else ``cp1252`` (Excel's CSV default)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with src.open("rb") as raw:
            while chunk := raw.read(1024 * 1024):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def neutralize_csv_file(src: Path, dst: Path) -> int:
    """Copy a CSV export from ``src`` to ``dst``, neutralizing formula-like text cells.

    Everything else is kept as Keepnet wrote it: the encoding (UTF-8, or Windows-1252 when the bytes
    are not UTF-8), the delimiter, the line ending, quoting every field or only where needed, a UTF-8
    byte-order mark, and whether the file ends with a newline.

    Args:
        src: Keepnet's CSV file.
        dst: where to write the neutralized copy.

    Returns:
        The number of data rows (the header row not counted).
    """
    csv.field_size_limit(_FIELD_LIMIT)  # any cell length: the export's own size bound limits it
    with src.open("rb") as raw:
        size = raw.seek(0, 2)
        final_newline = size == 0 or (raw.seek(size - 1) >= 0 and raw.read(1) == b"\n")
    encoding = _encoding(src)
    errors = "replace" if encoding == "cp1252" else "strict"  # 5 bytes have no cp1252 character
    with src.open("r", encoding=encoding, errors=errors, newline="") as reader_file:
        sample = reader_file.read(64 * 1024)
        reader_file.seek(0)
        has_bom = sample.startswith(_BOM)
        if has_bom:
            reader_file.read(1)
            sample = sample[1:]
        style = _style(sample, final_newline=final_newline)
        with dst.open("w", encoding=encoding, errors=errors, newline="") as writer_file:
            if has_bom:
                writer_file.write(_BOM)
            writer = csv.writer(
                writer_file,
                delimiter=style.delimiter,
                lineterminator=style.lineterminator,
                quoting=style.quoting,  # type: ignore[arg-type]
            )
            rows = -1
            for row in csv.reader(reader_file, delimiter=style.delimiter):
                writer.writerow([neutralize_cell(cell) for cell in row])
                rows += 1
            if not style.final_newline and rows >= 0:
                writer_file.flush()
                writer_file.truncate(writer_file.tell() - len(style.lineterminator))
    return max(rows, 0)
