"""The pure report: counts, excess, ranking and week-over-week changes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bot.keepnet.models import Company
from bot.report.model import Snapshot, SnapshotRow, build_report, snapshot_rows

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


def company(cid: str, name: str, limit: Any, users: int, *, limited: bool = True) -> Company:
    """A company as Keepnet's search returns it (numberOfUsers is a string)."""
    return Company.from_wire(
        {
            "companyResourceId": cid,
            "companyName": name,
            "isNumberOfUsersLimited": limited,
            "numberOfUsers": limit,
            "targetUserCount": users,
            "someFutureField": {"ignored": True},
        }
    )


def report_of(*companies: Company, top_n: int = 10, previous: Snapshot | None = None, query: str = "") -> Any:
    """Build a report with fixed metadata."""
    return build_report(
        companies,
        customer_count=537,
        top_n=top_n,
        generated_at=NOW,
        source="test",
        previous=previous,
        query=query,
        seat_price=10.0,
    )


class TestCompanyModel:
    """Wire quirks of SearchCompanyDto."""

    def test_limit_arrives_as_string(self) -> None:
        """numberOfUsers "250" with 312 users means 62 excess users."""
        assert company("a", "A", "250", 312).excess_users == 62

    def test_limit_as_number_null_or_empty(self) -> None:
        """A numeric limit is accepted; null, "" and junk make the excess unknown."""
        assert company("a", "A", 100, 101).excess_users == 1
        assert company("a", "A", None, 5).excess_users is None
        assert company("a", "A", "", 5).excess_users is None
        assert company("a", "A", "n/a", 5).excess_users is None

    def test_unlimited_license_has_no_limit(self) -> None:
        """isNumberOfUsersLimited false means unlimited, even with the 9999 placeholder."""
        assert company("a", "A", "9999", 12000, limited=False).license_limit is None

    def test_missing_optional_fields_are_tolerated(self) -> None:
        """Only the id is required; everything else has a default."""
        parsed = Company.from_wire({"companyResourceId": "x", "companyName": None})
        assert parsed.company_name == ""
        assert parsed.target_user_count == 0


class TestBuildReport:
    """Numbers and ordering of the report."""

    def test_counts_and_total_excess(self) -> None:
        """Every company passed in counts; total excess sums the known excesses."""
        report = report_of(company("a", "A", "250", 312), company("b", "B", "100", 101))
        assert (report.over_count, report.customer_count, report.total_excess) == (2, 537, 63)
        assert report.true_up_value == 630.0

    def test_unparseable_limit_still_counts_with_unknown_excess(self) -> None:
        """The server decides who is over: an unreadable limit counts, sorts last, adds no excess."""
        report = report_of(company("a", "A", "oops", 50), company("b", "B", "10", 11))
        assert report.over_count == 2
        assert report.unknown_excess_count == 1
        assert [o.company_id for o in report.offenders] == ["b", "a"]
        assert report.total_excess == 1

    def test_ties_higher_percentage_first_then_name(self) -> None:
        """Equal excess: the higher % over the limit ranks first, then the name."""
        report = report_of(
            company("a", "Zeta", "100", 110),
            company("b", "Beta", "10", 20),
            company("c", "Alpha", "100", 110),
        )
        assert [o.name for o in report.offenders] == ["Beta", "Alpha", "Zeta"]
        assert report.offenders[0].excess_pct == 100.0

    def test_top_n_and_hidden_count(self) -> None:
        """The summary shows top N; the rest are counted as hidden."""
        companies = [company(str(i), f"C{i}", "10", 10 + i) for i in range(1, 31)]
        report = report_of(*companies, top_n=10)
        assert len(report.top) == 10
        assert report.top[0].excess == 30
        assert report.hidden_count == 20


class TestWeekOverWeek:
    """Changes since the last weekly snapshot."""

    def previous(self) -> Snapshot:
        """Last week: A (+62) and Gone (+5)."""
        return Snapshot(
            taken_on=date(2026, 11, 16),
            rows=(
                SnapshotRow("a", "A", 250, 312, 62),
                SnapshotRow("gone", "Gone Ltd", 10, 15, 5),
            ),
        )

    def test_change_line_numbers(self) -> None:
        """New and resolved companies and the deltas are computed against the snapshot."""
        report = report_of(
            company("a", "A", "250", 312),
            company("n1", "New One", "10", 150),
            company("n2", "Another New", "10", 20),
            previous=self.previous(),
        )
        change = report.change
        assert change is not None
        assert change.since == date(2026, 11, 16)
        assert change.customers_delta == 1
        assert change.excess_delta == (62 + 140 + 10) - 67
        assert change.newly_over == ("Another New", "New One")
        assert change.no_longer_over == ("Gone Ltd",)

    def test_find_has_no_comparison(self) -> None:
        """A filtered report never compares with the full snapshot."""
        report = report_of(company("a", "A", "250", 312), previous=self.previous(), query="acme")
        assert report.change is None

    def test_first_run_has_no_comparison(self) -> None:
        """Without a snapshot there is no change line."""
        assert report_of(company("a", "A", "250", 312)).change is None

    def test_snapshot_rows_round_trip(self) -> None:
        """A report's snapshot rows hold id, name, limit, users and excess."""
        rows = snapshot_rows(report_of(company("a", "A", "250", 312)))
        assert rows == (SnapshotRow("a", "A", 250, 312, 62),)
