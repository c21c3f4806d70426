"""Mutable state of one sandbox app: its data, faults, issued tokens and what it has seen."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

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
    """

    requests: Counter[str] = field(default_factory=Counter)
    search_bodies: list[dict[str, Any]] = field(default_factory=list)
    export_bodies: list[dict[str, Any]] = field(default_factory=list)
    tokens_issued: int = 0


@dataclass
class SandboxState:
    """Everything a sandbox app holds; reach it with ``app[SANDBOX_STATE]``.

    Attributes:
        faults: the live fault switches (mutate them between requests).
        companies: the rows served, in "database" order (ties in sorting keep this order).
        stats: the request log.
        client_id: the accepted OAuth2 client id.
        client_secret: the accepted OAuth2 client secret.
        clock: seconds since the epoch; decides token expiry.
        tokens: issued access token -> the clock value at which it expires.
        sleep: how the ``latency_ms`` fault waits (replace it in a test to record instead of wait).
    """

    faults: Faults
    companies: list[dict[str, Any]]
    client_id: str
    client_secret: str
    clock: Callable[[], float]
    stats: SandboxStats = field(default_factory=SandboxStats)
    tokens: dict[str, float] = field(default_factory=dict)
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep


SANDBOX_STATE: web.AppKey[SandboxState] = web.AppKey("sandbox_state", SandboxState)
