"""CSV exports handed to people: formula cells neutralized, nothing else changed."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from bot.exports.neutralize import export_filename, neutralize_cell, neutralize_csv_file


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1 Telecom", "'+1 Telecom"),
        ("-Minus Corp", "'-Minus Corp"),
        ("@Home Services", "'@Home Services"),
        ("\tTabbed", "'\tTabbed"),
        ("\rReturn", "'\rReturn"),
        ("-5", "-5"),
        ("+3.5", "+3.5"),
        ("1,204", "1,204"),
        ("Plain Name", "Plain Name"),
        ("", ""),
    ],
)
def test_neutralize_cell(cell: str, expected: str) -> None:
    """Text cells starting with = + - @ tab or CR get a leading quote; numbers stay as they are."""
    assert neutralize_cell(cell) == expected


def test_file_keeps_rows_header_and_bom(tmp_path: Path) -> None:
    """One header row, one row per company, quotes and commas kept, BOM preserved."""
    src = tmp_path / "raw.csv"
    rows = [
        ["Company Name", "Target Users", "License Limit"],
        ['Smith, Jones & "Partners"', "12", "10"],
        ["=cmd|' /C calc'!A0", "-3", "+4"],
        ["東京商事 🚀", "7", "5"],
    ]
    with src.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    dst = tmp_path / "clean.csv"
    assert neutralize_csv_file(src, dst) == 3
    assert dst.read_bytes().startswith(b"\xef\xbb\xbf")
    with dst.open(encoding="utf-8-sig", newline="") as handle:
        got = list(csv.reader(handle))
    assert got[0] == rows[0]
    assert got[1] == rows[1]
    assert got[2] == ["'=cmd|' /C calc'!A0", "-3", "+4"]
    assert got[3] == rows[3]


def test_semicolon_delimiter_is_kept(tmp_path: Path) -> None:
    """A semicolon-separated export stays semicolon-separated."""
    src = tmp_path / "raw.csv"
    src.write_text("Company Name;Target Users\n@Evil;5\nGood;6\n", encoding="utf-8")
    dst = tmp_path / "clean.csv"
    neutralize_csv_file(src, dst)
    assert dst.read_text(encoding="utf-8").splitlines() == ["Company Name;Target Users", "'@Evil;5", "Good;6"]


def test_export_filename() -> None:
    """Files are named overage-YYYY-MM-DD with the right extension."""
    assert export_filename("CSV", date(2026, 11, 26)) == "overage-2026-11-26.csv"
    assert export_filename("Excel", date(2026, 11, 26)) == "overage-2026-11-26.xlsx"


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        (  # every field quoted, LF endings, final newline
            '"Company Name","Target Users"\n"=SUM(A1)","12"\n"Good, Ltd","7"\n',
            '"Company Name","Target Users"\n"\'=SUM(A1)","12"\n"Good, Ltd","7"\n',
        ),
        (  # minimal quoting, CRLF endings, no final newline
            'Company Name,Target Users\r\n@Evil,5\r\n"Say ""hi""",6',
            'Company Name,Target Users\r\n\'@Evil,5\r\n"Say ""hi""",6',
        ),
    ],
)
def test_only_formula_cells_change(tmp_path: Path, original: str, expected: str) -> None:
    """The copy is byte for byte Keepnet's file except for the neutralized cells."""
    src, dst = tmp_path / "raw.csv", tmp_path / "clean.csv"
    src.write_bytes(original.encode("utf-8"))
    neutralize_csv_file(src, dst)
    assert dst.read_bytes() == expected.encode("utf-8")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (" =1+1", "' =1+1"),
        ("\u00a0@SUM(A1)", "'\u00a0@SUM(A1)"),
        ("\n-cmd|' /C calc'!A0", "'\n-cmd|' /C calc'!A0"),
        ("  +1 Telecom", "'  +1 Telecom"),
        (" -5 ", " -5 "),  # a number with spaces is still a number
        ("  Acme", "  Acme"),
        ("Acme =1", "Acme =1"),
    ],
)
def test_trigger_after_leading_blanks(cell: str, expected: str) -> None:
    """A formula trigger after spaces, no-break spaces or line feeds is neutralized too; numbers stay."""
    assert neutralize_cell(cell) == expected


def test_a_cell_of_any_length(tmp_path: Path) -> None:
    """A 200,000-character company name (past csv's default field limit) is copied whole."""
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    name = "=" + "A" * 200_000
    src.write_text(f"Company Name,Users\r\n{name},5\r\n", encoding="utf-8")
    assert neutralize_csv_file(src, dst) == 1
    rows = list(csv.reader(dst.open(encoding="utf-8", newline="")))
    assert rows[1] == ["'" + name, "5"]


def test_windows_1252_is_written_back_in_its_own_encoding(tmp_path: Path) -> None:
    """A CSV that is not UTF-8 is read as Windows-1252 and the neutralized copy keeps that encoding."""
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_bytes("Company Name,Users\r\nMüller €uro,5\r\n=Böse,6\r\n".encode("cp1252"))
    assert neutralize_csv_file(src, dst) == 2
    assert dst.read_bytes() == "Company Name,Users\r\nMüller €uro,5\r\n'=Böse,6\r\n".encode("cp1252")
