"""Wire models: odd date values in one row make that date unknown instead of failing the report."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.keepnet import Company
from bot.keepnet._search_page import decode_search
from bot.sandbox import over_limit_companies, run_sandbox

from .conftest import MakeClient

_NOW = datetime(2026, 12, 5, tzinfo=UTC)


class TestDates:
    """Odd or empty dates in a row become unknown instead of failing the report."""

    @pytest.mark.parametrize("value", ["", "   ", None, "not a date", "31/12/2024", [], {"a": 1}])
    def test_odd_dates_become_none(self, value: object) -> None:
        """An empty, null or unreadable licenseEndDate is read as None (the row itself is kept)."""
        company = Company.from_wire({"companyResourceId": "c1", "licenseEndDate": value, "createTime": value})
        assert company.license_end_date is None
        assert company.company_resource_id == "c1"

    def test_good_dates_still_parse(self) -> None:
        """ISO dates (with or without an offset) are still read as datetimes."""
        naive = Company.from_wire({"companyResourceId": "c1", "licenseEndDate": "2026-12-31T00:00:00"})
        assert naive.license_end_date == datetime(2026, 12, 31)
        aware = Company.from_wire({"licenseEndDate": "2024-05-06T07:08:09.123+00:00"})
        assert aware.license_end_date is not None
        assert (aware.license_end_date.year, aware.license_end_date.second) == (2024, 9)
        assert aware.license_end_date.utcoffset() is not None

    async def test_report_survives_odd_rows(self, make_client: MakeClient) -> None:
        """Rows with "", null or garbage dates still come back from fetch_over_limit, dates unknown."""
        rows = over_limit_companies(6)
        rows[0]["licenseEndDate"] = ""
        rows[1]["licenseEndDate"] = "not a date"
        rows[2].update(createTime="", licenseEndDate="2026-01-01T00:00:00")
        rows[3].update(createTime="31/12/2024", licenseEndDate="2026-01-01T00:00:00")
        rows[4]["licenseEndDate"] = None
        async with run_sandbox(companies=rows) as sandbox, make_client(sandbox) as client:
            result = await client.fetch_over_limit()
        assert len(result.companies) == 6
        by_id = {c.company_resource_id: c for c in result.companies}
        company = [by_id[str(row["companyResourceId"])] for row in rows]
        assert [c.license_end_date is None for c in company[:5]] == [True, True, False, False, True]
        assert company[5].license_end_date is not None


def _row_page(fields: bytes) -> bytes:
    """A one-row search answer whose row carries ``fields`` (raw JSON members) after its id."""
    row = b'{"companyResourceId":"c1","companyName":"Acme",' + fields + b"}"
    return b'{"status":"SUCCESS","data":{"results":[' + row + b'],"totalNumberOfRecords":1,"pageSize":1}}'


class TestNumbersOnTheWire:
    """numberOfUsers and targetUserCount as Keepnet may send them, read from the bytes."""

    @pytest.mark.parametrize(
        ("raw", "limit"),
        [
            (b'"250"', 250),
            (b"250", 250),
            (b"250.0", 250),
            (b'" 1,000 "', 1000),
            (b'""', None),
            (b'"n/a"', None),
            (b"null", None),
            (b"true", None),  # never the number 1
            (b"-5", None),
            (b"1e309", None),
            (b'"' + b"9" * 5000 + b'"', None),
            (b"[250]", None),
            (b'{"value": 250}', None),
        ],
    )
    def test_license_limit(self, raw: bytes, limit: int | None) -> None:
        """Only a finite number 0..10⁹ is a limit; anything else is unknown and the row is still read."""
        page = decode_search(
            200, {}, _row_page(b'"numberOfUsers":' + raw + b',"targetUserCount":300'), now=_NOW
        )
        [company] = page.results
        assert company.company_name == "Acme"
        assert company.license_limit == limit
        assert company.excess_users == (None if limit is None else 300 - limit)
        assert company.limit_unreadable is (limit is None and raw != b"null")

    @pytest.mark.parametrize(
        ("raw", "active"),
        [
            (b"300", 300),
            (b'"300"', 300),
            (b"300.0", 300),
            (b"true", -1),
            (b"-1", -1),
            (b"1e300", -1),
            (b'"x"', -1),
        ],
    )
    def test_active_users(self, raw: bytes, active: int) -> None:
        """An unreadable or impossible active-user count makes the limit unknown, never the page fail."""
        page = decode_search(200, {}, _row_page(b'"numberOfUsers":"250","targetUserCount":' + raw), now=_NOW)
        [company] = page.results
        assert company.target_user_count == active
        assert company.license_limit == (250 if active >= 0 else None)
