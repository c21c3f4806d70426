"""Pure encode/decode of the Keepnet wire format (sans-I/O, in the style of gidgethub's ``sansio``).

Nothing here touches the network or the disk: request bodies are built as dicts (in
:mod:`bot.keepnet._requests`, re-exported here), and every response is judged from
``(status, headers, body)``. Each failure becomes a typed error from
:mod:`bot.keepnet.errors`; the ones worth retrying are :class:`RetryableError`, which carries the
server's ``Retry-After`` (already converted to seconds).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

from pydantic import ValidationError

from bot.keepnet._requests import EXPORT_PATH, SEARCH_PATH, TOKEN_PATH, export_body, search_body, token_form
from bot.keepnet.errors import (
    KeepnetCredentialsRejected,
    KeepnetError,
    KeepnetInvalidClientError,
    KeepnetNotResellerError,
    KeepnetRequestError,
    KeepnetResponseError,
    KeepnetUnavailableError,
)
from bot.keepnet.models import TokenResponse

__all__ = [
    "BASE_URL_REMEDIATION",
    "EXPORT_PATH",
    "SEARCH_PATH",
    "TOKEN_PATH",
    "RetryableError",
    "decode_export_error",
    "decode_response",
    "decode_token",
    "export_body",
    "is_json_type",
    "parse_retry_after",
    "raise_for_envelope",
    "search_body",
    "server_messages",
    "token_form",
]

_MAX_MESSAGES = 3
BASE_URL_REMEDIATION = (
    "Check KEEPNET_BASE_URL: it must be the API host root, e.g. https://api.keepnetlabs.com "
    "(paths /connect/token and /api/… are added)."
)
"""The fix for answers that mean the bot is talking to the wrong address (404, HTML pages…)."""


class RetryableError(KeepnetUnavailableError):
    """A failure worth another try (429, 5xx, an ``INTERNAL_SERVER_ERROR`` envelope).

    Args:
        message: what went wrong.
        status: the HTTP status.
        retry_after: seconds the server asked us to wait, or None to back off on our own.
    """

    def __init__(self, message: str, *, status: int | None, retry_after: float | None = None) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after


# --- responses -------------------------------------------------------------------------------


def parse_retry_after(value: str | None, *, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date).

    Args:
        value: the header value, or None.
        now: the current time (aware), for the HTTP-date form.

    Returns:
        A delay ≥ 0, or None when the header is missing or unreadable.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


def is_json_type(headers: Mapping[str, str]) -> bool:
    """True when the ``Content-Type`` says JSON (``application/json``, ``application/problem+json``…)."""
    content_type = _header(headers, "content-type").lower()
    return "json" in content_type


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return ""


def _load(body: bytes) -> Any:
    if not body.strip():
        return None
    try:
        return json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return None


def _get(data: Mapping[str, Any], name: str) -> Any:
    """Field ``name`` in camelCase or PascalCase."""
    if name in data:
        return data[name]
    return data.get(name[:1].upper() + name[1:])


def server_messages(data: Any) -> tuple[str, ...]:
    """The human-readable messages of an error body, most specific first.

    Reads the Keepnet envelope (``validationMessages``, ``message``; camel or Pascal case), ASP.NET
    ProblemDetails (``errors`` then ``title``) and OAuth2 (``error_description``, ``error``).
    """
    if not isinstance(data, Mapping):
        return ()
    found: list[str] = []
    validation = _get(data, "validationMessages")
    if isinstance(validation, list):
        found += [str(m) for m in validation if m]
    errors = data.get("errors")
    if isinstance(errors, Mapping):
        for field, problems in errors.items():
            items = problems if isinstance(problems, list) else [problems]
            found += [f"{field}: {p}" if field else str(p) for p in items if p]
    for key in ("message", "title", "error_description", "error"):
        value = _get(data, key)
        if isinstance(value, str) and value and value not in found:
            found.append(value)
    return tuple(found[:_MAX_MESSAGES])


def _summary(data: Any, fallback: str) -> str:
    messages = server_messages(data)
    return "; ".join(messages) if messages else fallback


def decode_response(status: int, headers: Mapping[str, str], body: bytes, *, now: datetime) -> dict[str, Any]:
    """Judge an ``/api`` response; return the ``data`` object of a successful envelope.

    Args:
        status: HTTP status.
        headers: response headers.
        body: the raw body.
        now: the current time, to read an HTTP-date ``Retry-After``.

    Returns:
        The envelope's ``data`` (an empty dict when it is null).

    Raises:
        KeepnetCredentialsRejected: 401.
        KeepnetNotResellerError: 403.
        KeepnetRequestError: 400, or an ``INPUT_ERROR``/``FAILED`` envelope.
        RetryableError: 429, 5xx or an ``INTERNAL_SERVER_ERROR`` envelope.
        KeepnetResponseError: any other status, or a body that is not the documented envelope.
    """
    data = _load(body)
    if status == 401:
        raise KeepnetCredentialsRejected("Keepnet answered 401 Unauthorized.", status=401)
    if status == 403:
        raise KeepnetNotResellerError(
            "Keepnet answered 403 Forbidden: " + _summary(data, "this credential may not list companies."),
            status=403,
        )
    if status == 400:
        messages = server_messages(data)
        text = "; ".join(messages) if messages else "the request was rejected without a message"
        raise KeepnetRequestError(f"Keepnet rejected the request: {text}", validation_messages=messages)
    if status == 429 or status >= 500:
        reason = "Too Many Requests" if status == 429 else "server error"
        raise RetryableError(
            f"Keepnet answered {status}: " + _summary(data, reason),
            status=status,
            retry_after=parse_retry_after(_header(headers, "retry-after") or None, now=now),
        )
    if not 200 <= status < 300:
        raise KeepnetResponseError(
            f"Keepnet answered an unexpected {status}: " + _summary(data, "no message"),
            status=status,
            remediation=BASE_URL_REMEDIATION,
        )
    if not isinstance(data, Mapping):
        raise KeepnetResponseError(
            "Keepnet answered 200 without the documented JSON envelope.", status=status
        )
    raise_for_envelope(data, status=status)
    payload = _get(data, "data")
    return dict(payload) if isinstance(payload, Mapping) else {}


def raise_for_envelope(data: Mapping[str, Any], *, status: int) -> None:
    """Raise the typed error for a ``ServiceResult`` whose ``status`` is not ``SUCCESS``."""
    result = str(_get(data, "status") or "").upper()
    if result == "SUCCESS":
        return
    text = _summary(data, f"status {result or 'missing'}")
    if result in ("INPUT_ERROR", "FAILED"):
        raise KeepnetRequestError(
            f"Keepnet rejected the request: {text}", validation_messages=server_messages(data), status=status
        )
    if result == "INTERNAL_SERVER_ERROR":
        raise RetryableError(f"Keepnet reported an internal error: {text}", status=status)
    if result in ("PRIVACY_ERROR", "IP_RESTRICTED", "UNAUTHORIZED", "FORBIDDEN"):
        raise KeepnetNotResellerError(f"Keepnet refused access ({result}): {text}", status=status)
    raise KeepnetResponseError(
        f"Keepnet answered {status} with status {result or 'missing'}: {text}", status=status
    )


def decode_token(status: int, headers: Mapping[str, str], body: bytes, *, now: datetime) -> TokenResponse:
    """Judge a ``/connect/token`` response.

    Raises:
        KeepnetInvalidClientError: 400 ``invalid_client`` (or 401): wrong client id or secret.
        KeepnetRequestError: another 400 (``invalid_scope``, ``unsupported_grant_type``…).
        RetryableError: 429 or 5xx.
        KeepnetResponseError: anything else (a 404 names KEEPNET_BASE_URL as the fix), or a 200
            without an access token.
    """
    data = _load(body)
    error = str(data.get("error") or "") if isinstance(data, Mapping) else ""
    if error == "invalid_client" or status == 401:
        raise KeepnetInvalidClientError(
            "Keepnet refused the client id or secret (invalid_client).", status=status
        )
    if status == 400:
        text = _summary(data, "invalid request")
        raise KeepnetRequestError(
            f"Keepnet's token endpoint refused the request: {text}",
            validation_messages=server_messages(data),
            remediation="Check KEEPNET_BASE_URL and that the REST API client allows scope api1.",
        )
    if status == 429 or status >= 500:
        raise RetryableError(
            f"Keepnet's token endpoint answered {status}.",
            status=status,
            retry_after=parse_retry_after(_header(headers, "retry-after") or None, now=now),
        )
    if status != 200 or not isinstance(data, Mapping):
        # A 404/405 or a web page instead of JSON: the request went to the wrong address.
        raise KeepnetResponseError(
            f"Keepnet's token endpoint ({TOKEN_PATH}) answered {status} without a token.",
            status=status,
            remediation=BASE_URL_REMEDIATION,
        )
    try:
        return TokenResponse.model_validate(data)
    except ValidationError as exc:
        raise KeepnetResponseError("Keepnet's token endpoint answered 200 without an access token.") from exc


def decode_export_error(
    status: int, headers: Mapping[str, str], body: bytes, *, now: datetime
) -> KeepnetError:
    """The typed error for an export answered with JSON (or a non-200) instead of a file."""
    try:
        decode_response(status, headers, body, now=now)
    except KeepnetError as exc:
        return exc
    return KeepnetResponseError(
        f"Keepnet answered the export with JSON (HTTP {status}) instead of a file.", status=status
    )
