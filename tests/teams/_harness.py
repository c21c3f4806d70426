"""Run the real bot server with the Teams edge: Keepnet sandbox, fake Bot Connector, SQLite store."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bot.config import Settings, load_settings
from bot.deps import Deps
from bot.keepnet.client import KeepnetClient
from bot.sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, RunningSandbox, run_sandbox
from bot.sandbox.faults import Faults
from bot.server import HealthState, create_web_app
from bot.service import ReportService
from bot.store.database import Store
from bot.teams.edge import TeamsEdge, create_teams_edge, install_teams
from bot.teams.links import ExportLinks
from bot.teams.routes import teams_routes
from tests.fakes.bot_connector import ConnectorCall, FakeConnector, run_fake_connector

__all__ = ["LINK_SECRET", "Clock", "Reply", "TeamsBot", "run_teams_bot"]

LINK_SECRET = "test-export-link-secret-0123456789abcdef"


async def _no_sleep(_seconds: float) -> None:
    """Keepnet retries without waiting."""


@dataclass
class Clock:
    """A settable wall clock (aware UTC)."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 26, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        """The current time."""
        return self.now

    def advance(self, **delta: float) -> None:
        """Move the clock forward."""
        self.now += timedelta(**delta)


@dataclass(frozen=True)
class Reply:
    """The bot's HTTP answer."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)

    @property
    def text(self) -> str:
        """The body as text."""
        return self.body.decode("utf-8", "replace")


@dataclass
class TeamsBot:
    """The running bot and everything around it."""

    url: str
    http: aiohttp.ClientSession
    connector: FakeConnector
    sandbox: RunningSandbox
    store: Store
    settings: Settings
    deps: Deps
    edge: TeamsEdge
    clock: Clock
    runner: web.AppRunner
    stopped: bool = False

    async def stop(self) -> None:
        """Shut the server down as ``overage-bot run`` does on SIGTERM (cleanup hooks included); once."""
        if not self.stopped:
            self.stopped = True
            await self.runner.cleanup()

    async def send(self, activity: dict[str, Any], *, headers: dict[str, str] | None = None) -> Reply:
        """POST an activity to /api/messages, as the Bot Connector does (a message's turn may still run)."""
        return await self.request("POST", "/api/messages", json_body=activity, headers=headers)

    async def settle(self) -> None:
        """Wait until the message turns running after their 202 have finished."""
        await self.edge.drain()

    async def send_and_settle(self, activity: dict[str, Any]) -> Reply:
        """POST an activity and wait for its turn to finish (for tests that check what did not happen)."""
        reply = await self.send(activity)
        await self.settle()
        return reply

    async def replies(self, count: int = 1) -> list[ConnectorCall]:
        """Wait until the fake Connector has ``count`` messages from the bot; then the turns finish."""
        await self.connector.wait_for(lambda: len(self.connector.messages()) >= count)
        await self.settle()
        return self.connector.messages()

    async def get(self, url_or_path: str) -> Reply:
        """GET a path or a full URL on the bot."""
        path = url_or_path.removeprefix(self.url)
        return await self.request("GET", path)

    async def request(
        self,
        method: str,
        path: str,
        *,
        json_body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """Any request to the bot's server."""
        async with self.http.request(method, self.url + path, json=json_body, headers=headers) as response:
            return Reply(status=response.status, headers=dict(response.headers), body=await response.read())

    def keepnet_searches(self) -> int:
        """Search requests Keepnet (the sandbox) received."""
        return int(self.sandbox.state.stats.requests["/api/companies/search"])


@asynccontextmanager
async def run_teams_bot(
    *,
    companies: list[dict[str, Any]] | None = None,
    faults: Faults | None = None,
    **overrides: Any,
) -> AsyncIterator[TeamsBot]:
    """Serve the bot (anonymous Teams mode unless overridden) on 127.0.0.1.

    Args:
        companies: the sandbox's customers (default: its seeded set).
        faults: the sandbox's fault switches.
        **overrides: settings fields (e.g. ``overage_allowed_users=("x",)``).

    Yields:
        The running bot.
    """
    async with AsyncExitStack() as stack:
        sandbox = await stack.enter_async_context(run_sandbox(companies=companies, faults=faults or Faults()))
        connector = await stack.enter_async_context(run_fake_connector())
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        values: dict[str, Any] = {
            "teams_allow_anonymous": True,
            "host": "127.0.0.1",
            "public_url": url,
            "export_link_secret": LINK_SECRET,
            "overage_timezone": "Europe/Istanbul",
            **overrides,
        }
        settings = load_settings(**values)
        clock = Clock()
        store = await Store.open(f"sqlite+aiosqlite:///{Path.cwd() / 't.db'}")
        stack.push_async_callback(store.close)
        client = await stack.enter_async_context(
            KeepnetClient(
                base_url=sandbox.base_url,
                client_id=SANDBOX_CLIENT_ID,
                client_secret=SANDBOX_CLIENT_SECRET,
                page_size=1000,
                sleep=_no_sleep,
            )
        )
        service = ReportService(
            client=client,
            source="Keepnet sandbox",
            top_n=10,
            tz=settings.tz,
            cache_s=settings.overage_cache_s,
            snapshots=store,
            decisions=store.decisions,
            billing_cycle=settings.overage_billing_cycle,
            clock=clock,
        )
        deps = Deps(settings=settings, service=service, store=store, clock=clock)
        links = ExportLinks(LINK_SECRET.encode(), base_url=url, clock=clock)
        edge = create_teams_edge(settings, deps, links=links)
        web_app = create_web_app(health=HealthState(edges=[edge]), routes=teams_routes(edge))
        install_teams(web_app, edge)
        runner = web.AppRunner(web_app)
        await runner.setup()
        await web.SockSite(runner, sock).start()
        http = await stack.enter_async_context(aiohttp.ClientSession())
        bot = TeamsBot(
            url=url,
            http=http,
            connector=connector,
            sandbox=sandbox,
            store=store,
            settings=settings,
            deps=deps,
            edge=edge,
            clock=clock,
            runner=runner,
        )
        stack.push_async_callback(bot.stop)
        yield bot
