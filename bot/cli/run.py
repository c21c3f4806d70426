"""``overage-bot run``: serve Slack (Socket Mode or HTTP) and/or Teams, plus the weekly post.

Everything runs on one asyncio loop: our aiohttp server (``/healthz``, ``/slack/events``,
``/api/messages``, ``/exports/…``), the Socket Mode connection and the APScheduler weekly job.
Keepnet problems never stop the process: each request reports its own error. SIGTERM and SIGINT
shut it down gracefully.
"""

from __future__ import annotations

import asyncio
import gc
import signal
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, suppress
from dataclasses import dataclass, field
from datetime import datetime

import structlog
from aiohttp import web
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.cli.wiring import build_keepnet_client, build_service, setup_logging
from bot.clock import utc_now
from bot.config import ConfigError, Settings
from bot.deps import Deps
from bot.edge import Edge, EdgePlug
from bot.keepnet.errors import KeepnetConfigError
from bot.server import HealthState, create_web_app
from bot.slack.plug import SLACK_PLUG
from bot.store.database import Store
from bot.store.types import StoreError
from bot.teams.plug import TEAMS_PLUG
from bot.weekly.job import Destination, WeeklyJob, WeeklySchedule

__all__ = ["Components", "build_components", "run"]

log = structlog.get_logger(__name__)

Hook = Callable[[web.Application], Awaitable[None]]


@dataclass
class Components:
    """Everything ``run`` wires together (tests build it without binding a port)."""

    web_app: web.Application
    deps: Deps
    job: WeeklyJob | None
    edges: list[Edge] = field(default_factory=list)
    destinations: list[Destination] = field(default_factory=list)


EDGE_PLUGS: tuple[EdgePlug, ...] = (SLACK_PLUG, TEAMS_PLUG)
"""The chat edges, in the order they are built, shown and stopped."""


def require_edges(settings: Settings, plugs: Sequence[EdgePlug] = EDGE_PLUGS) -> None:
    """Refuse to start without a chat edge, or with an edge whose settings fail its checks.

    Raises:
        ConfigError: nothing to serve, or a required edge value is missing.
    """
    if not any(plug.enabled(settings) for plug in plugs):
        needs = " and/or ".join(plug.needs for plug in plugs)
        raise ConfigError(f"nothing to serve: set {needs}; see the README's setup sections")
    for plug in plugs:
        plug.check(settings)


async def build_components(
    settings: Settings, *, store: Store, stack: AsyncExitStack, plugs: Sequence[EdgePlug] = EDGE_PLUGS
) -> Components:
    """Build the web app, the chat edges, the destinations and the weekly job.

    Args:
        settings: the configuration.
        store: the open state store.
        stack: closes what is opened here (the Keepnet client) when ``run`` ends.
        plugs: the chat edges to build.

    Returns:
        The wired components.

    Raises:
        ConfigError: a chat edge is misconfigured, or Keepnet has no credential.
    """
    try:
        client = await stack.enter_async_context(build_keepnet_client(settings))
    except KeepnetConfigError as exc:
        raise ConfigError(
            "KEEPNET_CLIENT_ID / KEEPNET_CLIENT_SECRET are missing: create a Reseller REST API client in "
            "Keepnet (Company → Company Settings → REST API) — or, to try the bot, run "
            "`overage-bot sandbox` and point KEEPNET_BASE_URL at it"
        ) from exc
    service = build_service(
        settings, client, snapshots=store, decisions=store.decisions, history=store.history
    )
    deps = Deps(settings=settings, service=service, store=store, clock=utc_now)
    edges = [plug.build(settings, deps) for plug in plugs]
    health = HealthState(edges=edges, store=store)
    routes = [route for edge in edges for route in edge.routes()]
    startup: list[Hook] = [_hook(edge.start) for edge in edges]
    cleanup: list[Hook] = [_hook(edge.stop) for edge in edges]
    destinations = [destination for edge in edges for destination in edge.destinations()]

    job = None
    if destinations:
        schedule = WeeklySchedule.from_settings(settings)
        job = WeeklyJob(
            schedule=schedule,
            store=store,
            destinations=destinations,
            report_factory=lambda: service.report(fresh=True),
            post_when=settings.overage_post_when,
        )
        health.skipped_weeks = lambda: len(job.skipped_periods) if job is not None else 0
        scheduler = AsyncIOScheduler(timezone=settings.tz)
        weekly = job

        def next_run() -> datetime | None:
            runs = schedule.next_runs(1, utc_now())
            return runs[0] if runs else None

        health.next_run = next_run

        async def start_scheduler(_: web.Application) -> None:
            weekly.start(scheduler)
            scheduler.start()
            log.info(
                "weekly_post_scheduled", next_run=str(next_run()), destinations=[d.name for d in destinations]
            )

        async def stop_scheduler(_: web.Application) -> None:
            with suppress(SchedulerNotRunningError):
                scheduler.shutdown(wait=False)

        startup.append(start_scheduler)
        cleanup.insert(0, stop_scheduler)

    web_app = create_web_app(
        health=health, metrics=settings.metrics_enabled, routes=routes, on_startup=startup, on_cleanup=cleanup
    )
    for edge in edges:
        edge.install(web_app)
    return Components(web_app=web_app, deps=deps, job=job, edges=edges, destinations=destinations)


def _hook(action: Callable[[], Awaitable[None]]) -> Hook:
    """An aiohttp start-up/clean-up hook running ``action``."""

    async def hook(_: web.Application) -> None:
        await action()

    return hook


async def open_store(settings: Settings) -> Store:
    """Open the state store (creating the default data folder), a database problem as a configuration error."""
    try:
        await asyncio.to_thread(ensure_data_dir, settings)
        return await Store.open(settings.overage_db_url, history_weeks=settings.overage_history_weeks)
    except StoreError as exc:
        raise ConfigError(str(exc)) from exc


def ensure_data_dir(settings: Settings) -> None:
    """Create ``OVERAGE_DATA_DIR`` (or the user data folder) when the default SQLite file lives there.

    Raises:
        StoreError: the folder cannot be created.
    """
    if not settings.uses_default_db:
        return
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot create the data folder {settings.data_dir}: {exc.strerror or exc}",
            remediation="set OVERAGE_DATA_DIR to a writable folder (or OVERAGE_DB_URL to a database)",
        ) from exc


def settle_heap() -> None:
    """Take everything built at start-up out of the cyclic garbage collector's walks.

    A full (generation 2) collection visits every tracked object; with the ~100k objects of the
    imported libraries each one pauses the event loop for 40-70 ms, and that pause lands on the
    acknowledgements in flight (bench/ack.py aims for p99 <= 50 ms). Frozen objects are never
    visited, so the collector only walks what is created while serving.
    """
    gc.collect()
    gc.freeze()


async def run(settings: Settings) -> int:
    """Serve until SIGTERM or SIGINT.

    Args:
        settings: the configuration.

    Returns:
        The exit code (0 after a graceful shutdown).

    Raises:
        ConfigError: nothing to serve, or a required value is missing (exit code 2).
    """
    setup_logging(settings)
    require_edges(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with AsyncExitStack() as stack:
        store = await open_store(settings)
        stack.push_async_callback(store.close)
        components = await build_components(settings, store=store, stack=stack)
        stack.push_async_callback(components.deps.service.close_exports)
        runner = web.AppRunner(components.web_app, access_log=None, handle_signals=False)
        await runner.setup()
        stack.push_async_callback(runner.cleanup)
        settle_heap()
        site = web.TCPSite(runner, settings.host, settings.port)
        try:
            await site.start()
        except OSError as exc:
            raise ConfigError(
                f"PORT: cannot listen on {settings.host}:{settings.port} ({exc.strerror or exc}); "
                "set PORT (or HOST) to a free address"
            ) from None
        log.info(
            "server_started",
            host=settings.host,
            port=settings.port,
            **{edge.name: edge.summary for edge in components.edges},
        )
        await stop.wait()
        log.info("server_stopping")
    log.info("server_stopped")
    return 0
