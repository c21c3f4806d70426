"""Run-time fault switches of the Keepnet sandbox.

A :class:`Faults` object is shared by reference with the running app, so a test (or the CLI) can
flip a field between two requests and the very next request sees it. The counters (``fail_429``,
``fail_5xx``, ``shift_rows``) count down as they are consumed.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Faults"]


@dataclass
class Faults:
    """What the sandbox should do wrong, and its server-side limits.

    Attributes:
        latency_ms: delay added before every response (token and ``/api``); real sleep.
        fail_429: the next N ``/api`` requests answer 429 Too Many Requests.
        retry_after: ``Retry-After`` header on those 429s (seconds or an HTTP date); None = no header.
        fail_5xx: the next N ``/api`` requests answer 500 with an ``INTERNAL_SERVER_ERROR`` envelope.
        token_lifetime_s: ``expires_in`` of issued tokens; tokens really expire on the server clock.
        role: the credential's role; anything but ``"Reseller"`` gets 403 on ``/api``.
        page_size_cap: the server caps ``pageSize`` at this value and echoes the capped value.
        shift_rows: the next N search page reads of a page > 1 see the window shifted back by one
            row (one row repeated from the previous page, one row never seen), as a non-unique sort
            order can do on a live database.
    """

    latency_ms: float = 0
    fail_429: int = 0
    retry_after: str | None = "1"
    fail_5xx: int = 0
    token_lifetime_s: int = 3600
    role: str = "Reseller"
    page_size_cap: int = 1000
    shift_rows: int = 0
