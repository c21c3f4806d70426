"""The billing statement read back with openpyxl: columns, order, types, formats, totals, no formula."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from bot.exports.statement import statement_filename, write_statement_csv, write_statement_xlsx
from bot.keepnet.models import Company
from bot.report.decisions import Decision
from bot.report.model import OverageReport
from bot.report.pricing import Pricing
from bot.report.statement import STATEMENT_COLUMNS, TRIAL_STATE, build_statement
from bot.report.states import with_states
from tests.report.builders import make_report

HOSTILE = ['=HYPERLINK("http://x","click")', "+1-2", "@SUM(A1)", "-3+4", "line one\nline two"]
PRICING = Pricing(
    default_price=3.0,
    prices={"custom": 2.5, "enterprise": 2.0, "trial": 0.0},
    currency="USD",
    trial_types=frozenset({"trial"}),
)


def _company(i: int, name: str, limit: int, users: int, license_type: str = "Custom") -> Company:
    return Company.from_wire(
        {
            "companyResourceId": f"id-{i}",
            "companyName": name,
            "resellerName": "Acme MSP",
            "licenseTypeName": license_type,
            "numberOfUsers": str(limit),
            "targetUserCount": users,
            "licenseEndDate": "2027-03-01T00:00:00",
        }
    )


def _report(companies: list[Company], **kwargs: Any) -> OverageReport:
    return make_report(companies, pricing=PRICING, **kwargs)


def _sheet(tmp_path: Path, report: OverageReport, **kwargs: Any) -> Any:
    statement = build_statement(report, tz=UTC, **kwargs)
    path = write_statement_xlsx(statement, tmp_path / statement_filename(statement.day))
    return load_workbook(path).active


def _companies() -> list[Company]:
    return [
        _company(1, "Small Custom", 100, 110),  # +10 × 2.50
        _company(2, "Big Enterprise", 1000, 1500, "Enterprise"),  # +500 × 2.00
        _company(3, "Trial Co", 50, 250, "trial"),  # +200, not billed
        _company(4, "Other Type", 10, 40, "Basic"),  # +30 × 3.00 (default)
    ]


def test_header_order_types_and_total(tmp_path: Path) -> None:
    """Row 1 is the header; rows follow largest excess first (the trial keeps its place); Total excludes it."""
    sheet = _sheet(tmp_path, _report(_companies()))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == STATEMENT_COLUMNS
    names = [r[0] for r in rows[1:-1]]
    assert names == ["Big Enterprise", "Trial Co", "Other Type", "Small Custom"]
    big = dict(zip(STATEMENT_COLUMNS, rows[1], strict=True))
    assert big["Keepnet ID"] == "id-2"
    assert big["Reseller"] == "Acme MSP"
    assert big["License limit"] == 1000
    assert big["Active users"] == 1500
    assert big["Excess"] == 500
    assert big["% over"] == 0.5
    assert big["Seat price"] == 2.0
    assert big["Amount"] == 1000.0
    assert big["Renewal date"] == datetime(2027, 3, 1)
    trial = dict(zip(STATEMENT_COLUMNS, rows[2], strict=True))
    assert trial["State"] == TRIAL_STATE
    assert trial["Amount"] is None
    total = dict(zip(STATEMENT_COLUMNS, rows[-1], strict=True))
    assert total["Company"] == "Total"
    assert total["Excess"] == 500 + 30 + 10
    assert total["Amount"] == 1000.0 + 90.0 + 25.0


def test_formats_frozen_header_and_filter(tmp_path: Path) -> None:
    """Numbers carry formats, the header is frozen and filtered."""
    sheet = _sheet(tmp_path, _report(_companies()))
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:O5"
    row = next(iter(sheet.iter_rows(min_row=2, max_row=2)))
    by_name = dict(zip(STATEMENT_COLUMNS, row, strict=True))
    assert by_name["% over"].number_format == "0.0%"
    assert by_name["Excess"].number_format == "#,##0"
    assert by_name["Amount"].number_format == '#,##0.00 "USD"'
    assert by_name["Renewal date"].is_date
    assert sheet.column_dimensions["A"].width >= len("Big Enterprise")


def test_hostile_names_are_text_never_formulas(tmp_path: Path) -> None:
    """A name that looks like a formula reads back as that exact string; no cell holds a formula."""
    companies = [_company(i, name, 10, 20 + i) for i, name in enumerate(HOSTILE)]
    sheet = _sheet(tmp_path, _report(companies))
    names = {r[0].value for r in sheet.iter_rows(min_row=2) if r[0].value != "Total"}
    assert names == set(HOSTILE)
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} holds a formula"
            assert not (isinstance(cell.value, str) and cell.value.startswith("'"))


def test_ignored_customers_keep_their_row_but_leave_the_total(tmp_path: Path) -> None:
    """An ignored customer is marked and excluded from both totals; who decided is shown."""
    now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    ignored = Decision(company_id="id-2", decision="ignored", decided_at=now, by_id="U1", by_name="Ada")
    report = with_states(_report(_companies()), {"id-2": ignored}, now=now, tz=UTC, cycle="monthly")
    rows = list(_sheet(tmp_path, report).iter_rows(values_only=True))
    big = dict(zip(STATEMENT_COLUMNS, rows[1], strict=True))
    assert (big["State"], big["Decided by"], big["Decided at"]) == (
        "ignored",
        "Ada",
        datetime(2026, 11, 26, 9, 0),
    )
    small = dict(zip(STATEMENT_COLUMNS, rows[4], strict=True))
    assert small["State"] == "needs action"
    total = dict(zip(STATEMENT_COLUMNS, rows[-1], strict=True))
    assert (total["Excess"], total["Amount"]) == (40, 115.0)


def test_over_since_and_summary_true_up_agree(tmp_path: Path) -> None:
    """Over since comes from history; the summary's true-up equals the statement's Total."""
    report = _report(_companies())
    sheet = _sheet(tmp_path, report, over_since={"id-1": date(2026, 9, 14)})
    rows = list(sheet.iter_rows(values_only=True))
    small = dict(zip(STATEMENT_COLUMNS, rows[4], strict=True))
    assert small["Over since"] == datetime(2026, 9, 14)
    assert report.true_up_value == rows[-1][STATEMENT_COLUMNS.index("Amount")]


def test_csv_has_the_same_rows_neutralized(tmp_path: Path) -> None:
    """The CSV copy: same header and order, formula-like names neutralized, numbers plain."""
    companies = [*_companies(), _company(9, "=cmd|' /C calc'!A0", 10, 15)]
    statement = build_statement(_report(companies), tz=UTC)
    path = write_statement_csv(statement, tmp_path / statement_filename(statement.day, "csv"))
    rows = list(csv.reader(path.open(encoding="utf-8-sig", newline="")))
    assert tuple(rows[0]) == STATEMENT_COLUMNS
    assert [r[0] for r in rows[1:]] == [
        "Big Enterprise",
        "Trial Co",
        "Other Type",
        "Small Custom",
        "'=cmd|' /C calc'!A0",
        "Total",
    ]
    assert rows[1][STATEMENT_COLUMNS.index("% over")] == "50"
    assert rows[-1][STATEMENT_COLUMNS.index("Amount")] == "1127.5"  # 1,115 + 5 × 2.50


def test_huge_and_control_character_names_still_make_a_valid_file(tmp_path: Path) -> None:
    """A 200,000-character name is cut to Excel's cell limit; control characters are dropped."""
    companies = [_company(1, "A" * 200_000, 10, 20), _company(2, "bell\x07name", 10, 30)]
    rows = list(_sheet(tmp_path, _report(companies)).iter_rows(values_only=True))
    assert rows[1][0] == "bellname"
    assert rows[2][0] == "A" * 32_767


def test_file_names() -> None:
    """overage-statement-YYYY-MM-DD.xlsx / .csv."""
    assert statement_filename(date(2026, 12, 4)) == "overage-statement-2026-12-04.xlsx"
    assert statement_filename(date(2026, 12, 4), "csv") == "overage-statement-2026-12-04.csv"
