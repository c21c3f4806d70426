"""Wire models of the Keepnet API (pydantic), plus the client's result types.

Unknown fields are ignored and optional ones may be missing, so a richer live response never
breaks the bot. The search rows and pages live in :mod:`bot.keepnet.company` (re-exported here).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.keepnet.company import Company, CompanyPage

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
