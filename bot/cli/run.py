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
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack, suppress
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import aiohttp
import structlog
from aiohttp import web
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.cli.wiring import build_keepnet_client, build_service, setup_logging
from bot.config import ConfigError, Settings
from bot.deps import Deps, utc_now
from bot.keepnet.errors import KeepnetConfigError
from bot.server import HealthState, create_web_app
from bot.store.database import Store
from bot.store.types import StoreError
from bot.weekly.job import Destination, WeeklyJob, WeeklySchedule

if TYPE_CHECKING:
    from bot.slack.socket import SlackSocket

__all__ = ["Components", "build_components", "run"]

log = structlog.get_logger(__name__)

Hook = Callable[[web.Application], Awaitable[None]]


@dataclass
class Components:
    """Everything ``run`` wires together (tests build it without binding a port)."""

    web_app: web.Application
    deps: Deps
    job: WeeklyJob | None
    destinations: list[Destination] = field(default_factory=list)


def require_edges(settings: Settings) -> None:
    """Refuse to start without a chat edge, or in Slack HTTP mode without a signing secret.

    Raises:
        ConfigError: nothing to serve, or a required Slack value is missing.
    """
    if not settings.slack_enabled and not settings.teams_enabled:
        raise ConfigError(
            "nothing to serve: set SLACK_BOT_TOKEN (Slack) and/or TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET "
            "and TEAMS_TENANT_ID (Teams); see the README's setup sections"
        )
    if settings.slack_enabled and not settings.slack_socket_mode and settings.slack_signing_secret is None:
        raise ConfigError(
            "SLACK_SIGNING_SECRET is required in HTTP mode: copy it from the Slack app's Basic Information "
            "page, or set SLACK_APP_TOKEN (xapp-…) for Socket Mode"
        )


async def build_components(settings: Settings, *, store: Store, stack: AsyncExitStack) -> Components:
    """Build the web app, the chat edges, the destinations and the weekly job.

    Args:
        settings: the configuration.
        store: the open state store.
        stack: closes what is opened here (the Keepnet client) when ``run`` ends.

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
    service = build_service(settings, client, snapshots=store)
    deps = Deps(settings=settings, service=service, store=store, clock=utc_now)
    health = HealthState(teams=settings.teams_enabled, store=store)
    routes: list[web.RouteDef] = []
    startup: list[Hook] = []
    cleanup: list[Hook] = []
    destinations: list[Destination] = []
    installers: list[Callable[[web.Application], None]] = []

    if settings.slack_enabled:
        from bot.slack.app import build_web_client, close_web_session, create_app, open_web_session
        from bot.slack.listeners import BackgroundWork
        from bot.slack.poster import SlackChannelPoster

        web_client = build_web_client(settings)
        background = BackgroundWork()
        bolt = create_app(settings, deps, client=web_client, background=background)
        if settings.slack_socket_mode:
            from bot.slack.socket import SlackSocket

            assert settings.slack_app_token is not None
            socket = SlackSocket(
                bolt, app_token=settings.slack_app_token.get_secret_value(), proxy=settings.https_proxy
            )
            health.slack_mode, health.socket = "socket", socket

            connecting: list[asyncio.Task[None]] = []

            async def start_slack(_: web.Application) -> None:
                # Connect in the background: /healthz answers (503) while Slack is unreachable,
                # and SIGTERM still stops the process.
                connecting.append(asyncio.create_task(_connect_socket(socket)))

            async def stop_slack(_: web.Application) -> None:
                for task in connecting:
                    task.cancel()
                    with suppress(asyncio.CancelledError):
                        await task
                await socket.stop()
                await background.drain()

        else:
            from bot.slack.http import slack_routes

            routes.extend(slack_routes(bolt))
            health.slack_mode = "http"

            async def start_slack(_: web.Application) -> None:
                await open_web_session(bolt)

            async def stop_slack(_: web.Application) -> None:
                await background.drain()
                await close_web_session(bolt)

        startup.append(start_slack)
        cleanup.append(stop_slack)
        if settings.overage_channel:
            destinations.append(SlackChannelPoster(web_client, deps, channel=settings.overage_channel))

    if settings.teams_enabled:
        from bot.teams.edge import create_teams_edge, install_teams
        from bot.teams.poster import TeamsChannelPoster
        from bot.teams.routes import teams_routes

        edge = create_teams_edge(settings, deps)
        routes.extend(teams_routes(edge))
        installers.append(lambda app: install_teams(app, edge))
        if settings.teams_channel:
            destinations.append(TeamsChannelPoster(settings.teams_channel, deps, edge))

    _warn_ignored_destinations(settings)
    job = None
    if destinations:
        schedule = WeeklySchedule.from_settings(settings)
        job = WeeklyJob(
            schedule=schedule,
            store=store,
            destinations=destinations,
            report_factory=lambda: service.report(fresh=True),
        )
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

    web_app = create_web_app(health=health, routes=routes, on_startup=startup, on_cleanup=cleanup)
    for install in installers:
        install(web_app)
    return Components(web_app=web_app, deps=deps, job=job, destinations=destinations)


def _warn_ignored_destinations(settings: Settings) -> None:
    """Log a weekly destination that is set but whose chat edge is off (so it gets no post)."""
    if settings.overage_channel and not settings.slack_enabled:
        log.warning(
            "weekly_destination_ignored",
            destination=f"slack:{settings.overage_channel}",
            reason="OVERAGE_CHANNEL is set but SLACK_BOT_TOKEN is not",
        )
    if settings.teams_channel and not settings.teams_enabled:
        log.warning(
            "weekly_destination_ignored",
            destination=f"teams:{settings.teams_channel}",
            reason="TEAMS_CHANNEL is set but TEAMS_CLIENT_ID / TEAMS_CLIENT_SECRET / TEAMS_TENANT_ID are not",
        )


async def open_store(settings: Settings) -> Store:
    """Open the state store, turning a database problem into a configuration error."""
    try:
        return await Store.open(settings.overage_db_url)
    except StoreError as exc:
        raise ConfigError(str(exc)) from exc


def settle_heap() -> None:
    """Take everything built at start-up out of the cyclic garbage collector's walks.

    A full (generation 2) collection visits every tracked object; with the ~100k objects of the
    imported libraries each one pauses the event loop for 40-70 ms, and that pause lands on the
    acknowledgements in flight (bench/ack.py aims for p99 <= 50 ms). Frozen objects are never
    visited, so the collector only walks what is created while serving.
    """
    gc.collect()
    gc.freeze()


async def _connect_socket(socket: SlackSocket) -> None:
    """Open the Socket Mode connection; a refusal (e.g. a bad app token) is logged with its fix."""
    try:
        await socket.start()
    except SlackApiError as exc:
        log.error(
            "slack_socket_refused",
            error=exc.response.get("error"),
            fix="check SLACK_APP_TOKEN: an app-level token (xapp-…) with the connections:write scope",
        )
    except (SlackClientError, aiohttp.ClientError, OSError) as exc:
        log.error("slack_socket_unreachable", error=str(exc), fix="check the network / HTTPS_PROXY")


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
            slack="socket" if settings.slack_socket_mode else "http" if settings.slack_enabled else "off",
            teams=settings.teams_enabled,
        )
        await stop.wait()
        log.info("server_stopping")
    log.info("server_stopped")
    return 0
