"""Decoding a search answer straight from its bytes (pydantic-core's JSON parser), with the slow path as fallback.

A successful page (HTTP 200, ``status`` ``SUCCESS``, a ``data`` object) is validated in one
``model_validate_json`` call, never turned into a Python tree first; only the row fields in use
are read (:mod:`bot.keepnet.company`). Anything else — an error status, another envelope status,
a body that is not the documented shape — goes through :func:`bot.keepnet._wire.decode_response`,
which names the typed error, and :func:`decode_page`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from bot.keepnet import _wire
from bot.keepnet.company import CompanyPage, PageWire, SearchEnvelope
from bot.keepnet.errors import KeepnetResponseError

__all__ = ["decode_page", "decode_search"]


def decode_search(status: int, headers: Mapping[str, str], body: bytes, *, now: datetime) -> CompanyPage:
    """The page of a search answer, or the typed error its status or envelope calls for.

    Raises:
        KeepnetError: as :func:`bot.keepnet._wire.decode_response` and :func:`decode_page`.
    """
    if status == 200:
        try:
            envelope = SearchEnvelope.model_validate_json(body.removeprefix(b"\xef\xbb\xbf"))
        except (ValidationError, ValueError, ArithmeticError, RecursionError):
            envelope = None
        if (
            envelope is not None
            and (envelope.status or "").upper() == "SUCCESS"
            and envelope.data is not None
        ):
            return CompanyPage.from_wire(envelope.data)
    return decode_page(_wire.decode_response(status, headers, body, now=now))


def decode_page(data: Mapping[str, Any]) -> CompanyPage:
    """The ``CompanyPage`` inside a search envelope's ``data``.

    Raises:
        KeepnetResponseError: the rows are not in the documented shape.
    """
    try:
        return CompanyPage.from_wire(PageWire.model_validate(data))
    except ValidationError as exc:
        raise KeepnetResponseError(
            f"Keepnet sent a search page in an unexpected shape ({exc.error_count()} errors)."
        ) from exc
    except (ValueError, TypeError, ArithmeticError, RecursionError) as exc:  # never a generic crash
        raise KeepnetResponseError(
            f"Keepnet sent a search page in an unexpected shape ({type(exc).__name__})."
        ) from exc
