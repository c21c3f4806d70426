"""Validate Keepnet request and response bodies against the OpenAPI subset the bot is built on.

Import it as ``from tests.keepnet.openapi_contract import validate_search_response``.

The subset is ``docs/keepnet/companies-search.openapi.json`` in this repository (a copy of the
part of Keepnet's published OpenAPI file the bot uses).

Formats are checked too: ``int32`` ranges, and ``date-time`` as .NET writes it (an offset is
optional, e.g. ``2024-10-01T08:15:42.117``). Each function raises
:class:`jsonschema.ValidationError` on the first problem and returns None otherwise.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import FormatChecker, ValidationError
from openapi_schema_validator import OAS30Validator

__all__ = [
    "SUBSET_PATH",
    "ValidationError",
    "validate_export_request",
    "validate_search_request",
    "validate_search_response",
    "validate_token_request",
    "validate_token_response",
]

_FILE = "companies-search.openapi.json"


SUBSET_PATH = Path(__file__).resolve().parents[2] / "docs" / "keepnet" / _FILE
"""The OpenAPI subset, copied into the repository (``docs/keepnet/``) so a clone tests on its own."""


_formats = FormatChecker(formats=())


def _is_int32(value: object) -> bool:
    return not isinstance(value, int) or -(2**31) <= value < 2**31


def _is_date_time(value: object) -> bool:
    if isinstance(value, str):
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


_formats.checks("int32")(_is_int32)
_formats.checks("date-time", raises=ValueError)(_is_date_time)


@cache
def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SUBSET_PATH.read_text(encoding="utf-8"))
    return document


@cache
def _validator(path: str, part: str, media_type: str) -> OAS30Validator:
    document = _document()
    operation = document["paths"][path]["post"]
    if part == "request":
        schema = operation["requestBody"]["content"][media_type]["schema"]
    else:
        schema = operation["responses"]["200"]["content"][media_type]["schema"]
    return OAS30Validator({**schema, "components": document["components"]}, format_checker=_formats)


def _check(validator: OAS30Validator, body: object) -> None:
    validator.validate(body)


def validate_search_request(body: object) -> None:
    """Check a ``POST /api/companies/search`` JSON body against the documented request schema."""
    _check(_validator("/api/companies/search", "request", "application/json"), body)


def validate_search_response(body: object) -> None:
    """Check a ``200`` search body against ``ServiceResult<CustomCompanyPagedResults<SearchCompanyDto>>``."""
    _check(_validator("/api/companies/search", "response", "application/json"), body)


def validate_export_request(body: object) -> None:
    """Check a ``POST /api/companies/search/export`` JSON body against the documented request schema."""
    _check(_validator("/api/companies/search/export", "request", "application/json"), body)


def validate_token_request(form: object) -> None:
    """Check the fields of a ``POST /connect/token`` form against the documented schema."""
    _check(_validator("/connect/token", "request", "application/x-www-form-urlencoded"), form)


def validate_token_response(body: object) -> None:
    """Check a ``200`` token body against the documented schema."""
    _check(_validator("/connect/token", "response", "application/json"), body)
