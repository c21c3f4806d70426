"""Reports for renderer tests: companies as Keepnet's search returns them, built into a report."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.keepnet.models import Company
from bot.report.model import OverageReport, build_report

__all__ = ["GENERATED", "ISTANBUL", "company", "make_report", "many_companies"]

GENERATED = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
ISTANBUL = ZoneInfo("Europe/Istanbul")


def company(index: int, name: str, limit: str | None = "100", users: int = 110) -> Company:
    """One company row (``numberOfUsers`` as the string Keepnet sends)."""
    return Company.from_wire(
        {
            "companyResourceId": f"c{index}",
            "companyName": name,
            "numberOfUsers": limit,
            "targetUserCount": users,
        }
    )


def many_companies(count: int, name: str = "Company {i}") -> list[Company]:
    """``count`` companies over a limit of 100 by 1, 2, 3… users."""
    return [company(i, name.format(i=i), "100", 100 + i) for i in range(1, count + 1)]


def make_report(companies: list[Company], **kwargs: Any) -> OverageReport:
    """A report of 537 customers, top 10, generated at :data:`GENERATED` (keyword overrides)."""
    options: dict[str, Any] = {"customer_count": 537, "top_n": 10}
    options.update(kwargs)
    return build_report(companies, generated_at=GENERATED, source="https://api.keepnetlabs.com", **options)
