"""Pure rules of the sandbox's company search: request validation, filtering, ordering, paging.

Validation mimics what the API notes record of the ASP.NET backend: property names bind
case-insensitively (``Filter``/``filter``, ``SearchInputTextValue``/``searchInputTextValue``),
numbers may arrive as digit strings, and the pitfalls (missing or null ``filter``, missing or null
``orderBy``, missing paging, ``{}``, non-JSON) raise :class:`InputError`, which the app turns into
``400 {"status": "INPUT_ERROR", ...}``. A missing ``ascending`` defaults to false (a non-nullable
bool in the DTO). ``isClustered`` is accepted and ignored. The name search follows Keepnet's own
clients: a ``Contains`` item on ``CompanyName`` in ``Filter.FilterGroups`` (matched
case-insensitively); ``SearchInputTextValue`` alone filters nothing — the API gives it no meaning,
so a client that relies on it is caught here (the less convenient reading).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from bot.sandbox.data import is_over_limit

ExportType = Literal["CSV", "Excel"]
_EXPORT_TYPES: dict[str, ExportType] = {"csv": "CSV", "excel": "Excel"}
_SORTABLE = (
    "companyName", "companyResourceId", "resellerName", "industryName", "industryResourceId",
    "licenseTypeName", "licenseTypeResourceId", "isNumberOfUsersLimited", "numberOfUsers",
    "privacyDurationId", "licenceExpired", "licenseEndDate", "createTime", "targetUserCount",
    "deletedTargetUserCount", "inactiveTargetUserCount", "monthlyActiveUserCount",
)  # fmt: skip
_SORT_FIELDS = {name.lower(): name for name in _SORTABLE}
_TEXT_FIELDS = {"companyname", "resellername", "industryname", "licensetypename"}


class InputError(Exception):
    """The request body breaks a validation rule; ``messages`` become ``validationMessages``."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)


@dataclass(frozen=True)
class SearchQuery:
    """A validated search request (``pageSize`` as requested, before the server cap)."""

    page_number: int
    page_size: int
    order_by: str
    ascending: bool
    text: str
    over_only: bool


@dataclass(frozen=True)
class ExportQuery:
    """A validated export request."""

    search: SearchQuery
    export_type: ExportType
    all_pages: bool


def parse_json_object(raw: bytes) -> dict[str, Any]:
    """Decode a request body that must be a JSON object.

    Raises:
        InputError: the body is empty, not UTF-8 JSON, or not an object.
    """
    try:
        body = json.loads(raw.decode("utf-8")) if raw.strip() else None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError([f"The request body is not valid JSON: {exc}"]) from exc
    if not isinstance(body, dict):
        raise InputError(["A non-empty request body is required."])
    return body


def parse_search(body: dict[str, Any]) -> SearchQuery:
    """Validate a search body.

    Raises:
        InputError: with every problem found.
    """
    fields = {str(k).lower(): v for k, v in body.items()}
    errors: list[str] = []
    page_number = _positive_int(fields, "pageNumber", errors)
    page_size = _positive_int(fields, "pageSize", errors)
    order_by = fields.get("orderby")
    if not isinstance(order_by, str) or not order_by.strip():
        errors.append("The OrderBy field is required.")
    elif order_by.strip().lower() not in _SORT_FIELDS:
        errors.append(f"'{order_by}' is not a sortable field.")
    ascending = _optional_bool(fields, "ascending", errors)
    over_only = _optional_bool(fields, "isTargetUserCountExceededLimit", errors)
    _optional_bool(fields, "isClustered", errors)
    text = _filter_text(fields, errors)
    if errors:
        raise InputError(errors)
    assert isinstance(order_by, str)
    return SearchQuery(
        page_number=page_number,
        page_size=page_size,
        order_by=_SORT_FIELDS[order_by.strip().lower()],
        ascending=ascending,
        text=text,
        over_only=over_only,
    )


def parse_export(body: dict[str, Any]) -> ExportQuery:
    """Validate an export body: the search rules plus ``exportType`` and ``reportAllPages``.

    Raises:
        InputError: with every problem found.
    """
    fields = {str(k).lower(): v for k, v in body.items()}
    errors: list[str] = []
    try:
        search = parse_search(body)
    except InputError as exc:
        errors.extend(exc.messages)
    raw_type = fields.get("exporttype")
    export_type = _EXPORT_TYPES.get(raw_type.strip().lower()) if isinstance(raw_type, str) else None
    if raw_type is None or raw_type == "":
        errors.append("The ExportType field is required.")
    elif export_type is None:
        errors.append(f"'{raw_type}' is not a supported ExportType (CSV, Excel).")
    all_pages = _optional_bool(fields, "reportAllPages", errors)
    if errors:
        raise InputError(errors)
    assert export_type is not None
    return ExportQuery(search=search, export_type=export_type, all_pages=all_pages)


def select(companies: Sequence[dict[str, Any]], query: SearchQuery) -> list[dict[str, Any]]:
    """Filter and order the companies; ties keep the companies' own order (the row id)."""
    rows: Sequence[dict[str, Any]] = companies
    if query.over_only:
        rows = [row for row in rows if is_over_limit(row)]
    if query.text:
        needle = query.text.casefold()
        rows = [row for row in rows if needle in str(row.get("companyName") or "").casefold()]
    return sorted(rows, key=_sort_key(query.order_by), reverse=not query.ascending)


def page_bounds(*, total: int, page_number: int, page_size: int, shifted: bool) -> tuple[int, int]:
    """Start and end index of a page; ``shifted`` moves the window of a page > 1 back one row."""
    start = (page_number - 1) * page_size
    if shifted and page_number > 1:
        start -= 1
    start = min(start, total)
    return start, min(start + page_size, total)


def page_count(total: int, page_size: int) -> int:
    """``ceil(total / page_size)``; zero records make zero pages."""
    return math.ceil(total / page_size) if page_size > 0 else 0


def envelope(data: dict[str, Any] | None, *, status: str = "SUCCESS", message: str | None = None,
             validation: list[str] | None = None) -> dict[str, Any]:  # fmt: skip
    """A ``ServiceResult`` body."""
    return {"data": data, "status": status, "message": message, "validationMessages": validation}


def _positive_int(fields: dict[str, Any], name: str, errors: list[str]) -> int:
    value = fields.get(name.lower())
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if value is None:
        errors.append(f"The {name[0].upper()}{name[1:]} field is required.")
    elif isinstance(value, bool) or not isinstance(value, int):
        errors.append(f"The JSON value of {name} could not be converted to System.Int32.")
    elif value < 1:
        errors.append(f"'{name[0].upper()}{name[1:]}' must be greater than '0'.")
    else:
        return value
    return 1


def _optional_bool(fields: dict[str, Any], name: str, errors: list[str]) -> bool:
    value = fields.get(name.lower(), False)
    if not isinstance(value, bool):
        errors.append(f"The JSON value of {name} could not be converted to System.Boolean.")
        return False
    return value


def _filter_text(fields: dict[str, Any], errors: list[str]) -> str:
    raw = fields.get("filter")
    if not isinstance(raw, dict):
        errors.append(
            "The Filter field is required." if raw is None else "The Filter field must be an object."
        )
        return ""
    filter_fields = {str(k).lower(): v for k, v in raw.items()}
    if any(value is None for value in filter_fields.values()):
        errors.append("Filter values must not be null.")
    condition = filter_fields.get("condition", "AND")
    if not isinstance(condition, str) or condition.upper() not in ("AND", "OR"):
        errors.append("Filter.Condition must be 'AND' or 'OR'.")
    text = filter_fields.get("searchinputtextvalue", "")
    if not isinstance(text, str) and text is not None:
        errors.append("Filter.SearchInputTextValue must be a string.")
    return _contains_value(filter_fields.get("filtergroups"), errors)


def _contains_value(groups: object, errors: list[str], depth: int = 0) -> str:
    """The ``Value`` of the first ``CompanyName Contains`` item in the (nested) filter groups, or ""."""
    if groups is None:
        return ""
    if not isinstance(groups, list) or depth > 4:
        errors.append("Filter.FilterGroups must be a list of groups.")
        return ""
    for group in groups:
        if not isinstance(group, dict):
            errors.append("A filter group must be an object.")
            return ""
        fields = {str(k).lower(): v for k, v in group.items()}
        for item in fields.get("filteritems") or []:
            if not isinstance(item, dict):
                errors.append("A filter item must be an object.")
                return ""
            entry = {str(k).lower(): v for k, v in item.items()}
            name, operator, value = entry.get("fieldname"), entry.get("operator"), entry.get("value")
            if str(name).lower() == "companyname" and str(operator).lower() == "contains":
                return str(value or "").strip()
        nested = _contains_value(fields.get("filtergroups"), errors, depth + 1)
        if nested:
            return nested
    return ""


def _sort_key(field: str) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    lowered = field.lower()

    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        value = row.get(field)
        if lowered == "numberofusers":
            value = _as_int(value)
        elif lowered in _TEXT_FIELDS and isinstance(value, str):
            value = value.casefold()
        return (0,) if value is None else (1, value)

    return key


def _as_int(value: object) -> int | None:
    try:
        return int(str(value).strip()) if value is not None else None
    except ValueError:
        return None
