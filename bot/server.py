"""The bot's one aiohttp server: ``/healthz``, ``/readyz``, ``/metrics``, plus the chat edges' routes.

Slack's HTTP mode (``POST /slack/events``), Teams (``POST /api/messages``) and the private export
links (``GET /exports/…``) are mounted here by :func:`create_web_app`; Socket Mode, the scheduler and
the store are started and stopped with the server's life cycle.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import structlog
from aiohttp import web

from bot.edge import EdgeHealth
from bot.metrics import CONTENT_TYPE_LATEST, render
from bot.store.types import StoreError

__all__ = ["HEALTH_STATE", "HealthState", "create_web_app"]


class _EdgeHealthSource(Protocol):
    @property
    def name(self) -> str: ...

    def health(self) -> EdgeHealth: ...


class _LastPostSource(Protocol):
    async def last_post(self) -> Any: ...

    async def ping(self) -> None: ...


log = structlog.get_logger(__name__)

#: Ledger state → what ``/healthz`` calls it.
_OUTCOMES = {"completed": "posted", "claimed": "in progress", "released": "failed"}


@dataclass
class HealthState:
    """What ``/healthz`` reports.

    Attributes:
        edges: the chat edges (:class:`bot.edge.Edge`), each showing its part under its name.
        store: where the last weekly post is read from.
        next_run: returns the next weekly run time, or None when no weekly post is configured.
        skipped_weeks: how many scheduled weeks this process skipped as quiet (``OVERAGE_POST_WHEN``).
    """

    edges: Sequence[_EdgeHealthSource] = ()
    store: _LastPostSource | None = None
    next_run: Callable[[], datetime | None] = field(default=lambda: None)
    skipped_weeks: Callable[[], int] = field(default=lambda: 0)


HEALTH_STATE = web.AppKey("health_state", HealthState)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


async def _last_weekly_post(store: _LastPostSource) -> dict[str, Any] | None:
    """The last weekly post for ``/healthz``; a database failure is reported, not raised."""
    try:
        record = await store.last_post()
    except StoreError as exc:
        log.warning("healthz_store_failed", error=exc.message)
        return {"error": exc.message}
    if record is None:
        return None
    state = getattr(record, "state", None)
    ref = getattr(record, "message_ref", None)
    if state == "completed" and isinstance(ref, str) and ref.startswith("skipped:"):
        state = "skipped"
    return {
        "destination": getattr(record, "destination", None),
        "period": getattr(record, "period", None),
        "outcome": _OUTCOMES.get(str(state), state),
        "at": _iso(getattr(record, "at", None)),
        "error": getattr(record, "last_error", None),
    }


async def _healthz(request: web.Request) -> web.Response:
    state = request.app[HEALTH_STATE]
    body: dict[str, Any] = {"status": "ok"}
    problems: list[str] = []
    for edge in state.edges:
        health = edge.health()
        body[edge.name] = health.section
        if health.problem:
            problems.append(health.problem)
    body["last_weekly_post"] = None
    body["next_run"] = _iso(state.next_run())
    body["weekly_posts_skipped"] = state.skipped_weeks()
    if state.store is not None:
        body["last_weekly_post"] = await _last_weekly_post(state.store)
    # Only the chat connections decide the status: a database outage shows in the body, but a
    # restart would not fix it, so it does not make the bot "unhealthy" for an orchestrator.
    status = 200
    if problems:
        body["status"] = "; ".join(problems)
        status = 503
    return web.json_response(body, status=status)


_READY_DB_TIMEOUT_S = 5.0


async def _readyz(request: web.Request) -> web.Response:
    """200 when the database answers and every chat edge is up; 503 with the reasons otherwise.

    Keepnet is not asked: it being down does not make the bot unready (each request says so itself).
    """
    state = request.app[HEALTH_STATE]
    problems = [f"{edge.name}: {problem}" for edge in state.edges if (problem := edge.health().problem)]
    if state.store is not None:
        try:
            await asyncio.wait_for(state.store.ping(), _READY_DB_TIMEOUT_S)
        except StoreError as exc:
            problems.append(f"database: {exc.message}")
        except TimeoutError:
            problems.append(f"database: no answer within {_READY_DB_TIMEOUT_S:g} s")
    if problems:
        return web.json_response({"status": "not ready", "reasons": problems}, status=503)
    return web.json_response({"status": "ready"})


async def _metrics(_: web.Request) -> web.Response:
    body = await asyncio.to_thread(render)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def create_web_app(
    *,
    health: HealthState,
    metrics: bool = True,
    routes: Sequence[web.AbstractRouteDef] = (),
    on_startup: Sequence[Callable[[web.Application], Awaitable[None]]] = (),
    on_cleanup: Sequence[Callable[[web.Application], Awaitable[None]]] = (),
    client_max_size: int = 1024**2,
) -> web.Application:
    """Build the server application.

    Args:
        health: the state ``/healthz`` and ``/readyz`` report.
        metrics: serve ``GET /metrics`` (``METRICS_ENABLED``).
        routes: the chat edges' routes.
        on_startup: hooks run when the server starts (Socket Mode, scheduler…).
        on_cleanup: hooks run on shutdown, in order.
        client_max_size: the largest request body accepted.

    Returns:
        The aiohttp application, serving ``GET /healthz`` and the given routes.
    """
    app = web.Application(client_max_size=client_max_size)
    app[HEALTH_STATE] = health
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/readyz", _readyz)
    if metrics:
        app.router.add_get("/metrics", _metrics)
    app.router.add_routes(routes)
    app.on_startup.extend(on_startup)
    app.on_cleanup.extend(on_cleanup)
    return app
