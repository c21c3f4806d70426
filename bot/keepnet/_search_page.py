"""Decoding a search answer straight from its bytes (pydantic-core's JSON parser), with the slow path as fallback.

A successful page (HTTP 200, ``status`` ``SUCCESS``, a ``data`` object) is validated in one
``model_validate_json`` call, never turned into Python dicts first. Anything else — an error
status, another envelope status, a body that is not the documented shape — goes through
:func:`bot.keepnet._wire.decode_response`, which names the typed error exactly as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from pydantic import ValidationError

from bot.keepnet import _wire
from bot.keepnet.models import CompanyPage, SearchEnvelope

__all__ = ["decode_search"]


def decode_search(status: int, headers: Mapping[str, str], body: bytes, *, now: datetime) -> CompanyPage:
    """The page of a search answer, or the typed error its status or envelope calls for.

    Raises:
        KeepnetError: as :func:`bot.keepnet._wire.decode_response` and :func:`~bot.keepnet._wire.decode_page`.
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
            return envelope.data
    return _wire.decode_page(_wire.decode_response(status, headers, body, now=now))
