"""Request bodies of the Keepnet API, exactly as API-NOTES documents them (pure, no I/O)."""

from __future__ import annotations

from typing import Any

from bot.keepnet.models import ExportKind

__all__ = ["EXPORT_PATH", "SEARCH_PATH", "TOKEN_PATH", "export_body", "search_body", "token_form"]

TOKEN_PATH = "/connect/token"
SEARCH_PATH = "/api/companies/search"
EXPORT_PATH = "/api/companies/search/export"


def token_form(client_id: str, client_secret: str) -> dict[str, str]:
    """The form fields of the client-credentials token request."""
    return {
        "grant_type": "client_credentials",
        "client_id": client_id,
        "client_secret": client_secret,
        "scope": "api1",
    }


def search_body(
    *, page_number: int, page_size: int, text: str = "", over_limit: bool = True
) -> dict[str, Any]:
    """The body of ``POST /api/companies/search``: never a null ``filter`` nor a null inside it.

    Args:
        page_number: 1-based page.
        page_size: rows per page (the server may cap it).
        text: free-text search; "" for none.
        over_limit: True to list only companies over their licence limit.
    """
    return {
        "pageNumber": page_number,
        "pageSize": page_size,
        "orderBy": "CreateTime",
        "ascending": False,
        "isTargetUserCountExceededLimit": over_limit,
        "filter": search_filter(text),
    }


def search_filter(text: str) -> dict[str, Any]:
    """The ``filter`` of a search, count or export, as Keepnet's own web UI sends it.

    Without text: ``{"Condition": "AND", "SearchInputTextValue": ""}`` (no ``FilterGroups``). With
    text: group 0 ``AND`` for column filters (empty), group 1 ``OR`` with a ``CompanyName Contains``
    item, and the text mirrored into ``SearchInputTextValue`` (which the API gives no meaning alone).
    """
    if not text:
        return {"Condition": "AND", "SearchInputTextValue": ""}
    return {
        "Condition": "AND",
        "SearchInputTextValue": text,
        "FilterGroups": [
            {"Condition": "AND", "FilterItems": [], "FilterGroups": []},
            {
                "Condition": "OR",
                "FilterItems": [{"FieldName": "CompanyName", "Operator": "Contains", "Value": text}],
                "FilterGroups": [],
            },
        ],
    }


def export_body(kind: ExportKind, *, page_size: int, text: str = "") -> dict[str, Any]:
    """The body of ``POST /api/companies/search/export`` for all over-limit companies."""
    return {
        **search_body(page_number=1, page_size=page_size, text=text),
        "exportType": kind,
        "reportAllPages": True,
    }
