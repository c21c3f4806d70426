"""Wire models of the Keepnet API (pydantic, camelCase aliases), plus the client's result types.

Unknown fields are ignored and optional ones may be missing, so a richer live response never
breaks the bot. ``numberOfUsers`` arrives as a string (sometimes a number, null or ""): it is kept
as received and parsed by :attr:`Company.license_limit`. Dates that are empty or unreadable
become None rather than failing the whole page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
)
from pydantic.alias_generators import to_camel

__all__ = [
    "CSV_CONTENT_TYPE",
    "XLSX_CONTENT_TYPE",
    "Company",
    "CompanyPage",
    "ExportFile",
    "ExportKind",
    "OverLimitCompanies",
    "TokenResponse",
]

ExportKind = Literal["CSV", "Excel"]
CSV_CONTENT_TYPE = "text/csv"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Wire(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True)


MAX_USERS = 10**9
"""Counts beyond this cannot be true: such a license limit is "unknown"."""


class Company(_Wire):
    """One row of ``POST /api/companies/search`` (``SearchCompanyDto``): only the fields the bot uses.

    The other documented fields (industry, inactive/deleted/monthly counts, tags…) are not read, so
    a page is validated and kept with no more work or memory than the report needs.
    """

    company_resource_id: str | None = None
    company_name: str = ""
    reseller_name: str | None = None
    license_type_name: str | None = None
    is_number_of_users_limited: bool = True
    number_of_users: str | None = None
    target_user_count: int = 0
    license_end_date: datetime | None = None
    create_time: datetime | None = None

    @field_validator("number_of_users", mode="before")
    @classmethod
    def _users_as_text(cls, value: object) -> object:
        """Kept as short text: numbers beyond any real license (or inf/NaN) become unreadable ("?")."""
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return str(value) if abs(value) <= MAX_USERS else "?"
        if isinstance(value, float):
            return str(int(value)) if math.isfinite(value) and abs(value) <= MAX_USERS else "?"
        if isinstance(value, str) and len(value) > 64:
            return "?"  # no license limit is written in 64 characters or more
        return value

    @field_validator("target_user_count", mode="before")
    @classmethod
    def _count(cls, value: object) -> object:
        """An absurd or unreadable active-user count is 0 here and makes the limit unknown below."""
        if isinstance(value, float) and not math.isfinite(value):
            return -1
        if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) > MAX_USERS:
            return -1
        return value

    @field_validator("license_end_date", "create_time", mode="wrap")
    @classmethod
    def _date_or_none(cls, value: object, handler: ValidatorFunctionWrapHandler) -> object:
        """An empty, null or unreadable date is unknown (None): one odd row must not fail a report."""
        try:
            return handler(value)  # pydantic's own (Rust) datetime parsing
        except ValidationError:
            return None

    @field_validator("company_name", mode="before")
    @classmethod
    def _name(cls, value: object) -> object:
        return "" if value is None else value

    @property
    def license_limit(self) -> int | None:
        """The licensed maximum of users; None when unlimited, unparsable, non-finite or absurd (> 10⁹)."""
        if not self.is_number_of_users_limited or self.number_of_users is None or self.target_user_count < 0:
            return None
        text = self.number_of_users.strip().replace(",", "")
        try:
            value = float(text)
        except ValueError:
            return None
        if not math.isfinite(value) or value < 0 or value > MAX_USERS:
            return None
        return int(value)

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


class CompanyPage(_Wire):
    """``data`` of the search envelope (``CustomCompanyPagedResults<SearchCompanyDto>``)."""

    results: list[Company] | None = None
    page_number: int = 1
    page_size: int = 0
    total_number_of_records: int = 0
    total_number_of_pages: int = 0
    limit_exceeded_company_count: int | None = None


class SearchEnvelope(_Wire):
    """The ``ServiceResult`` around a search page, for decoding a successful answer in one step."""

    status: str | None = None
    data: CompanyPage | None = None


class TokenResponse(BaseModel):
    """Body of a successful ``POST /connect/token``."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    access_token: str = Field(min_length=1)
    expires_in: int = 3600
    token_type: str = "Bearer"


@dataclass(frozen=True)
class OverLimitCompanies:
    """The complete, deduplicated list of companies over their limit, in a stable order."""

    companies: tuple[Company, ...]
    total_records: int
    pages_read: int


@dataclass(frozen=True)
class ExportFile:
    """A Keepnet export streamed to disk.

    Attributes:
        path: the temporary file holding the bytes (the caller deletes it).
        filename: the name to show people, e.g. ``overage-2026-11-26.csv``.
        content_type: ``text/csv`` or the XLSX media type.
        kind: ``"CSV"`` or ``"Excel"``.
        size: bytes on disk.
    """

    path: Path
    filename: str
    content_type: str
    kind: ExportKind
    size: int
