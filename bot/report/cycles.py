"""Billing cycles: calendar months, quarters or years in the reseller's timezone. Pure.

A billed decision covers one cycle, stored as its key (``2026-12``, ``2026-Q4``, ``2026``). The key
carries its own length, so a decision keeps its meaning when ``OVERAGE_BILLING_CYCLE`` changes later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal, get_args

__all__ = ["BillingCycle", "BillingPeriod", "cycle_period", "parse_period"]

BillingCycle = Literal["monthly", "quarterly", "yearly"]
BILLING_CYCLES: tuple[str, ...] = get_args(BillingCycle)

_MONTHS_SHORT = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS_LONG = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_KEY = re.compile(r"(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<quarter>[1-4])))?")


@dataclass(frozen=True)
class BillingPeriod:
    """One billing cycle: the days ``start`` (inclusive) to ``end`` (exclusive).

    Attributes:
        key: what the store keeps: ``2026-12``, ``2026-Q4`` or ``2026``.
        start: first day of the period.
        end: first day after it.
        short: the State column's form: ``Dec 2026``, ``Q4 2026``, ``2026``.
        long: the thread note's form: ``December 2026``, ``Q4 2026``, ``2026``.
    """

    key: str
    start: date
    end: date
    short: str
    long: str

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls in this period."""
        return self.start <= day < self.end


def _month(year: int, month: int) -> BillingPeriod:
    end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return BillingPeriod(
        key=f"{year:04d}-{month:02d}",
        start=date(year, month, 1),
        end=end,
        short=f"{_MONTHS_SHORT[month - 1]} {year}",
        long=f"{_MONTHS_LONG[month - 1]} {year}",
    )


def _quarter(year: int, quarter: int) -> BillingPeriod:
    first = 3 * (quarter - 1) + 1
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, first + 3, 1)
    label = f"Q{quarter} {year}"
    return BillingPeriod(
        key=f"{year:04d}-Q{quarter}", start=date(year, first, 1), end=end, short=label, long=label
    )


def _year(year: int) -> BillingPeriod:
    end = date(year + 1, 1, 1) if year < 9999 else date.max
    return BillingPeriod(key=f"{year:04d}", start=date(year, 1, 1), end=end, short=str(year), long=str(year))


def cycle_period(day: date, cycle: BillingCycle) -> BillingPeriod:
    """The billing period of ``cycle`` that contains ``day`` (a day in the reseller's timezone)."""
    if cycle == "monthly":
        return _month(day.year, day.month)
    if cycle == "quarterly":
        return _quarter(day.year, (day.month - 1) // 3 + 1)
    return _year(day.year)


def parse_period(key: str) -> BillingPeriod | None:
    """The period a stored key names, or None when the key is not one (then nothing is covered)."""
    match = _KEY.fullmatch(key.strip()) if len(key) <= 16 else None
    if match is None:
        return None
    year = int(match["year"])
    if year < 1:
        return None
    if match["month"] is not None:
        month = int(match["month"])
        return _month(year, month) if 1 <= month <= 12 and not (year == 9999 and month == 12) else None
    if match["quarter"] is not None:
        quarter = int(match["quarter"])
        return None if year == 9999 and quarter == 4 else _quarter(year, quarter)
    return _year(year)
