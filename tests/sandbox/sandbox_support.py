"""Helpers shared by the sandbox tests (import as ``from sandbox_support import ...``)."""

from __future__ import annotations

from typing import Any

from bot.sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET

__all__ = ["EXPORT_PATH", "SEARCH_PATH", "TOKEN_FORM", "FakeClock", "search_body"]


class FakeClock:
    """A settable epoch clock."""

    def __init__(self, now: float = 1_750_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


TOKEN_FORM = {
    "grant_type": "client_credentials",
    "client_id": SANDBOX_CLIENT_ID,
    "client_secret": SANDBOX_CLIENT_SECRET,
    "scope": "api1",
}
SEARCH_PATH = "/api/companies/search"
EXPORT_PATH = "/api/companies/search/export"


def search_body(**overrides: Any) -> dict[str, Any]:
    """The documented overage request, with fields replaced by ``overrides``."""
    body: dict[str, Any] = {
        "pageNumber": 1,
        "pageSize": 20,
        "orderBy": "CreateTime",
        "ascending": False,
        "isTargetUserCountExceededLimit": True,
        "filter": {"Condition": "AND", "SearchInputTextValue": ""},
    }
    body.update(overrides)
    return body
