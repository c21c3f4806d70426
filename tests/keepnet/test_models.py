"""Wire models: odd date values in one row make that date unknown instead of failing the report."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.keepnet import Company
from bot.sandbox import over_limit_companies, run_sandbox

from .conftest import MakeClient


class TestDates:
    """Odd or empty dates in a row become unknown instead of failing the report."""

    @pytest.mark.parametrize("value", ["", "   ", None, "not a date", "31/12/2024", [], {"a": 1}])
    def test_odd_dates_become_none(self, value: object) -> None:
        """An empty, null or unreadable licenseEndDate / createTime is read as None."""
        company = Company.model_validate(
            {"companyResourceId": "c1", "licenseEndDate": value, "createTime": value}
        )
        assert (company.license_end_date, company.create_time) == (None, None)

    def test_good_dates_still_parse(self) -> None:
        """ISO dates (with or without an offset) are still read as datetimes."""
        company = Company.model_validate(
            {
                "companyResourceId": "c1",
                "licenseEndDate": "2026-12-31T00:00:00",
                "createTime": "2024-05-06T07:08:09.123+00:00",
            }
        )
        assert company.license_end_date == datetime(2026, 12, 31)
        assert company.create_time is not None
        assert (company.create_time.year, company.create_time.second) == (2024, 9)

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
        assert [c.create_time is None for c in company[:5]] == [False, False, True, True, False]
        assert company[5].create_time is not None
