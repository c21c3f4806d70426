"""Mutable state of one sandbox app: its data, faults, issued tokens and what it has seen."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.sandbox._search import SearchQuery
from bot.sandbox._selection import Selection, SelectionCache
from bot.sandbox.faults import Faults

__all__ = ["SANDBOX_STATE", "SandboxState", "SandboxStats"]


@dataclass
class SandboxStats:
    """What the sandbox received, for assertions in tests and for benchmarks.

    Attributes:
        requests: requests per path (every request that reached a route, faulted ones included).
        search_bodies: JSON object bodies received on ``/api/companies/search``, in order.
        export_bodies: JSON object bodies received on ``/api/companies/search/export``, in order.
        tokens_issued: access tokens handed out by ``/connect/token``.
        issued_tokens: every access token handed out, in order (kept even if ``tokens`` is cleared).
        in_flight: ``/api`` requests being answered right now (latency included).
        max_in_flight: the most ``/api`` requests ever answered at the same time.
    """

    requests: Counter[str] = field(default_factory=Counter)
    search_bodies: list[dict[str, Any]] = field(default_factory=list)
    export_bodies: list[dict[str, Any]] = field(default_factory=list)
    tokens_issued: int = 0
    issued_tokens: list[str] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0


@dataclass
class SandboxState:
    """Everything a sandbox app holds; reach it with ``app[SANDBOX_STATE]``.

    Attributes:
        faults: the live fault switches (mutate them between requests).
        companies: the rows served, in "database" order (ties in sorting keep this order). Searches
            are memoised: assigning another list or changing the list's length is noticed on its
            own; after editing rows in place or swapping rows at equal length, call
            :meth:`companies_changed`.
        stats: the request log.
        client_id: the accepted OAuth2 client id.
        client_secret: the accepted OAuth2 client secret.
        clock: seconds since the epoch; decides token expiry.
        tokens: issued access token -> the clock value at which it expires.
        sleep: how the ``latency_ms`` fault waits (replace it in a test to record instead of wait).
        data_version: bumped by :meth:`companies_changed`; part of the search cache's key.
    """

    faults: Faults
    companies: list[dict[str, Any]]
    client_id: str
    client_secret: str
    clock: Callable[[], float]
    stats: SandboxStats = field(default_factory=SandboxStats)
    tokens: dict[str, float] = field(default_factory=dict)
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    data_version: int = field(default=0, init=False)
    _selections: SelectionCache = field(default_factory=SelectionCache, init=False, repr=False)

    def companies_changed(self) -> None:
        """Drop the memoised searches; call it after changing ``companies`` or its rows in place."""
        self.data_version += 1

    def select(self, query: SearchQuery) -> Selection:
        """The companies matching ``query`` in server order, with the data set's over-limit count.

        Computed once per ``(orderBy, ascending, over-limit flag, search text)`` and data version,
        so reading page after page does not re-sort or re-count the whole data set.

        Args:
            query: the validated search (its paging fields are ignored).

        Returns:
            The selection; slice its rows, never change them.
        """
        return self._selections.get(self.companies, query, version=self.data_version)


SANDBOX_STATE: web.AppKey[SandboxState] = web.AppKey("sandbox_state", SandboxState)
