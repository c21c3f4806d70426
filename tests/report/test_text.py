"""The terminal report of `overage-bot preview`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.keepnet.models import Company
from bot.report.formatting import display_width
from bot.report.model import OverageReport, Snapshot, SnapshotRow, build_report
from bot.report.text import render_text_report

GENERATED = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
ISTANBUL = ZoneInfo("Europe/Istanbul")


def _company(index: int, name: str, limit: str | None, users: int) -> Company:
    return Company.from_wire(
        {
            "companyResourceId": f"c{index}",
            "companyName": name,
            "numberOfUsers": limit,
            "targetUserCount": users,
        }
    )


def _report(companies: list[Company], **kwargs: Any) -> OverageReport:
    return build_report(
        companies,
        customer_count=537,
        top_n=10,
        generated_at=GENERATED,
        source="https://api.keepnetlabs.com",
        **kwargs,
    )


def _many(count: int) -> list[Company]:
    return [_company(i, f"Company {i}", "100", 100 + i) for i in range(1, count + 1)]


def test_first_line() -> None:
    """The first line states how many customers are over and the total excess."""
    companies = [_company(1, "A", "1000", 12340)]
    text = render_text_report(_report(companies), tz=ISTANBUL)
    assert text.splitlines()[0] == "1 of 537 customers is over its license limit (11,340 excess users)"


def test_first_line_plural() -> None:
    """Many offenders read '83 of 537 customers are over their license limit (… excess users)'."""
    text = render_text_report(_report(_many(83)), tz=ISTANBUL)
    assert text.splitlines()[0] == "83 of 537 customers are over their license limit (3,486 excess users)"


def test_table_is_aligned() -> None:
    """Every table line has the same width and numbers are right-aligned."""
    companies = [_company(1, "Big", "1000", 2140), _company(2, "Small", "10", 11)]
    lines = render_text_report(_report(companies), tz=ISTANBUL).splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("Company"))
    table = lines[header : header + 4]
    assert len({len(line) for line in table}) == 1
    assert table[2].startswith("Big ")
    assert table[2].endswith("+114.0 %")
    assert "1,000" in table[2]
    assert "2,140" in table[2]
    assert "+1,140" in table[2]
    assert table[3].endswith("+10.0 %")


def test_wide_names_keep_columns_aligned() -> None:
    """CJK and emoji names take two columns each and do not shift the numbers."""
    companies = [
        _company(1, "株式会社テスト", "10", 30),
        _company(2, "Emoji 🎉 Co", "10", 20),
        _company(3, "Plain", "10", 15),
    ]
    lines = render_text_report(_report(companies), tz=ISTANBUL).splitlines()
    rows = [line for line in lines if line.startswith(("株式", "Emoji", "Plain"))]
    assert len(rows) == 3
    assert len({display_width(row) for row in rows}) == 1


def test_long_names_truncated() -> None:
    """Names longer than 40 columns are cut with '…'; a 40-character name is shown whole."""
    companies = [_company(1, "L" * 80, "10", 30), _company(2, "F" * 40, "10", 20)]
    text = render_text_report(_report(companies), tz=ISTANBUL)
    assert "L" * 39 + "…" in text
    assert "L" * 40 not in text
    assert "F" * 40 in text


def test_hidden_offenders_and_footer() -> None:
    """Offenders beyond the top N are counted, then the generated time and source close the report."""
    text = render_text_report(_report(_many(83)), tz=ISTANBUL)
    lines = text.splitlines()
    assert "…and 73 more in the attached CSV" in lines
    assert lines[-1] == "Generated 2026-11-26 09:00 (Europe/Istanbul) · Source: https://api.keepnetlabs.com"


def test_unknown_limit_and_true_up() -> None:
    """An unreadable limit shows '?' and 'unknown'; the true-up uses the seat price."""
    companies = [_company(1, "Known", "100", 110), _company(2, "Mystery", "lots", 50)]
    text = render_text_report(_report(companies, seat_price=12.5, currency="EUR"), tz=UTC)
    assert "Estimated true-up ≈ €125.00 / month (trials excluded)" in text
    assert "1 with an unreadable license limit (excess unknown)" in text
    mystery = next(line for line in text.splitlines() if line.startswith("Mystery"))
    assert "?" in mystery
    assert "unknown" in mystery


def test_week_over_week() -> None:
    """The change since last week lists newly over and no longer over companies."""
    previous = Snapshot(
        taken_on=date(2026, 11, 16),
        rows=(SnapshotRow("c1", "Company 1", 100, 101, 1), SnapshotRow("gone", "Gone Ltd", 10, 12, 2)),
    )
    text = render_text_report(_report(_many(3), previous=previous), tz=UTC)
    assert "+1 customer since 2026-11-16, excess users +3" in text
    assert "Newly over: Company 2, Company 3" in text
    assert "No longer over: Gone Ltd" in text


def test_zero_offenders() -> None:
    """With nobody over the limit the report says so and shows no table."""
    text = render_text_report(_report([]), tz=UTC)
    assert text.splitlines()[0] == "0 of 537 customers are over their license limit (0 excess users)"
    assert "Nobody is over the license limit." in text
    assert "Company" not in text


def test_zero_offenders_for_a_find() -> None:
    """A find with nobody over says no matching customer is over, not "0 of 0 customers"."""
    report = build_report(
        [], customer_count=0, top_n=10, generated_at=GENERATED, source="sandbox", query="acme"
    )
    text = render_text_report(report, tz=UTC)
    assert text.splitlines()[0] == "No customer matching “acme” is over the license limit."
    assert "0 of 0" not in text
    assert "Nobody is over" not in text


def test_names_cannot_inject_terminal_codes() -> None:
    """Escape sequences and newlines in names are not written to the terminal."""
    text = render_text_report(_report([_company(1, "Evil\x1b[2J\nCorp", "1", 5)]), tz=UTC)
    assert "\x1b" not in text
    assert "Evil [2J Corp" in text


def test_formula_and_markup_names_pass_through() -> None:
    """Formula-like and markup names are printed as they are."""
    text = render_text_report(_report([_company(1, "=1+2 <!channel> & Co", "1", 5)]), tz=UTC)
    assert "=1+2 <!channel> & Co" in text


def test_search_line() -> None:
    """A find report names its search text."""
    text = render_text_report(_report(_many(2), query="acme"), tz=UTC)
    assert text.splitlines()[1] == "Search: acme"
