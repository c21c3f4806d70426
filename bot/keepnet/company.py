"""One search row as a compact tuple, and the page that holds them: read fast, kept small.

pydantic-core reads each ``SearchCompanyDto`` straight from the response bytes into a small dict
of only the fields the report uses (:class:`CompanyWire`; the other documented fields are skipped
unread), with no Python code per field. Each page's dicts then become :class:`Company` tuples, so
100,000 rows stay a few tens of megabytes while paging.

Values that may be odd — the license limit, the active-user count, the end date — are kept as
received when pydantic cannot read them, and the properties of :class:`Company` judge them: an odd
value makes that one company's limit or date unknown and never fails the page.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, StrictBool, TypeAdapter, with_config
from pydantic.alias_generators import to_camel
from typing_extensions import TypedDict

__all__ = ["MAX_USERS", "Company", "CompanyPage", "CompanyWire", "PageWire", "SearchEnvelope"]

MAX_USERS = 10**9
"""Counts beyond this cannot be true: such a license limit or active-user count is "unknown"."""

_WIRE_CONFIG = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

_Count = Annotated[StrictBool | int | Any, Field(union_mode="left_to_right")]
"""A whole number as pydantic-core reads it ("250" and 250.0 included), else the value as received.

A JSON ``true`` stays a bool (never the number 1). Strings too long to be a number stay strings."""

_Date = Annotated[datetime | Any, Field(union_mode="left_to_right")]
"""A date as pydantic-core reads it, else the value as received (an odd date is unknown)."""


@with_config(_WIRE_CONFIG)
class CompanyWire(TypedDict, total=False):
    """What is read of one ``SearchCompanyDto`` row (camelCase on the wire; missing keys allowed)."""

    company_resource_id: str | None
    raw_name: Annotated[str | None, Field(alias="companyName")]
    reseller_name: str | None
    license_type_name: str | None
    is_number_of_users_limited: bool
    number_of_users: _Count
    raw_active: Annotated[_Count, Field(alias="targetUserCount")]
    raw_license_end: Annotated[_Date, Field(alias="licenseEndDate")]


_ROW: TypeAdapter[CompanyWire] = TypeAdapter(CompanyWire)


class Company(NamedTuple):
    """One company over its limit (a row of ``POST /api/companies/search``), as a compact tuple.

    The fields hold what Keepnet sent (``number_of_users`` already a number when it was one); the
    properties say what it means, bounded: nothing odd in one row can fail a report.
    """

    company_resource_id: str | None = None
    raw_name: str | None = None
    reseller_name: str | None = None
    license_type_name: str | None = None
    is_number_of_users_limited: bool = True
    number_of_users: Any = None
    """``numberOfUsers``: usually a string ("250", read as 250), sometimes a number, null or ""."""
    raw_active: Any = 0
    raw_license_end: Any = None

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> Company:
        """A row from its wire fields (camelCase as Keepnet sends them; field names work too).

        Raises:
            pydantic.ValidationError: a field the bot relies on has the wrong type.
        """
        return cls(**_ROW.validate_python(data))

    @property
    def company_name(self) -> str:
        """The company's name ("" when Keepnet sent none)."""
        return self.raw_name or ""

    @property
    def target_user_count(self) -> int:
        """Active users; -1 when the count is unreadable, negative or beyond :data:`MAX_USERS`."""
        value = self.raw_active
        if type(value) is int:  # the usual case: pydantic-core has read it already
            return value if 0 <= value <= MAX_USERS else -1
        if isinstance(value, float) and math.isfinite(value) and 0 <= value <= MAX_USERS:
            return int(value)
        return -1

    @property
    def license_end_date(self) -> datetime | None:
        """When the license ends; None when empty, null or unreadable."""
        value = self.raw_license_end
        return value if isinstance(value, datetime) else None

    @property
    def license_limit(self) -> int | None:
        """The licensed maximum of users; None when unlimited, unparsable, non-finite or absurd (> 10⁹)."""
        users, active = self.number_of_users, self.raw_active
        if (
            type(users) is int
            and type(active) is int
            and 0 <= users <= MAX_USERS
            and 0 <= active <= MAX_USERS
        ):
            return users if self.is_number_of_users_limited else None  # the usual case
        if not self.is_number_of_users_limited or self.target_user_count < 0:
            return None
        return _users(users)

    @property
    def limit_unreadable(self) -> bool:
        """True when a limited license's number of users could not be read (a warning is logged)."""
        return (
            self.is_number_of_users_limited
            and self.number_of_users is not None
            and self.license_limit is None
        )

    @property
    def excess_users(self) -> int | None:
        """``targetUserCount − limit``; None when the limit is unknown (or unlimited)."""
        limit = self.license_limit
        return None if limit is None else self.target_user_count - limit

    @property
    def limit_text(self) -> str:
        """The received ``numberOfUsers``, shortened for a log line ("" when none)."""
        value = self.number_of_users
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_USERS:
            return "?"  # Python refuses str() of a 5,000-digit number, and it says nothing anyway
        return "" if value is None else str(value)[:20]


def _users(value: object) -> int | None:
    """A license limit read from ``numberOfUsers``; None unless it is a finite number in 0..10⁹."""
    if type(value) is int:
        return value if 0 <= value <= MAX_USERS else None
    if isinstance(value, str):
        if len(value) > 64:  # no license limit is written in 64 characters or more
            return None
        try:
            value = float(value.strip().replace(",", ""))
        except ValueError:
            return None
    if not isinstance(value, float) or not math.isfinite(value) or not 0 <= value <= MAX_USERS:
        return None
    return int(value)


class PageWire(BaseModel):
    """``data`` of the search envelope (``CustomCompanyPagedResults<SearchCompanyDto>``), as read."""

    model_config = _WIRE_CONFIG

    results: list[CompanyWire] | None = None
    page_number: int = 1
    page_size: int = 0
    total_number_of_records: int = 0
    total_number_of_pages: int = 0


class SearchEnvelope(BaseModel):
    """The ``ServiceResult`` around a search page, for decoding a successful answer in one step."""

    model_config = _WIRE_CONFIG

    status: str | None = None
    data: PageWire | None = None


@dataclass(frozen=True, slots=True)
class CompanyPage:
    """One page of the over-limit search: its rows as :class:`Company` tuples, and the server's counts."""

    results: tuple[Company, ...] = ()
    page_number: int = 1
    page_size: int = 0
    total_number_of_records: int = 0
    total_number_of_pages: int = 0

    @classmethod
    def from_wire(cls, page: PageWire) -> CompanyPage:
        """The compact page of what pydantic read (each row's dict becomes a tuple)."""
        return cls(
            results=tuple([Company(**row) for row in page.results or ()]),
            page_number=page.page_number,
            page_size=page.page_size,
            total_number_of_records=page.total_number_of_records,
            total_number_of_pages=page.total_number_of_pages,
        )
