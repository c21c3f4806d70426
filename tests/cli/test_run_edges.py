"""`run` wires a list of edges: any object with the Edge shape plugs in, with no change to run.py."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.cli.run import EDGE_PLUGS, build_components, require_edges
from bot.config import ConfigError, Settings, load_settings
from bot.deps import Deps
from bot.edge import Edge, EdgeHealth, EdgePlug
from bot.report.model import OverageReport
from bot.sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
from bot.store.database import Store
from bot.weekly.types import Destination


class Channel:
    """A weekly destination of the test edge."""

    name = "test:C1"

    async def post(self, report: OverageReport, *, period: str) -> str:
        """A catch-up post may happen while the server runs; it is not what this test checks."""
        return "1"

    async def post_failure(self, text: str) -> None:
        """Never called here."""


class RecordingEdge:
    """A chat edge that records its life cycle."""

    name = "test"
    summary = "on"

    def __init__(self) -> None:
        self.events: list[str] = []
        self.up = False

    def routes(self) -> Sequence[web.AbstractRouteDef]:
        """One route."""

        async def hello(_: web.Request) -> web.Response:
            return web.Response(text="hello from the test edge")

        return [web.get("/test/hello", hello)]

    def install(self, web_app: web.Application) -> None:
        """Recorded."""
        self.events.append("install")

    async def start(self) -> None:
        """Recorded; the edge comes up."""
        self.events.append("start")
        self.up = True

    async def stop(self) -> None:
        """Recorded."""
        self.events.append("stop")

    def destinations(self) -> Sequence[Destination]:
        """One channel."""
        return [Channel()]

    def health(self) -> EdgeHealth:
        """Down until started."""
        return EdgeHealth({"up": self.up}, None if self.up else "test edge down")


def _plug(edge: RecordingEdge) -> EdgePlug:
    def build(settings: Settings, deps: Deps) -> Edge:
        return edge

    return EdgePlug(
        name="test", needs="TEST_TOKEN (Test)", enabled=lambda _: True, check=lambda _: None, build=build
    )


def test_nothing_to_serve_names_every_edge() -> None:
    """With every edge off, the message lists what turns each on (Slack, then Teams)."""
    with pytest.raises(
        ConfigError, match=r"nothing to serve: set SLACK_BOT_TOKEN \(Slack\) and/or TEAMS_CLIENT_ID"
    ):
        require_edges(load_settings(), EDGE_PLUGS)
    require_edges(load_settings(), (*EDGE_PLUGS, _plug(RecordingEdge())))


async def test_a_plugged_edge_gets_routes_hooks_weekly_and_healthz(tmp_path: Path) -> None:
    """Routes served, installed before start, started and stopped, its channel in the weekly job, its
    health (and problem) in /healthz next to the off Slack and Teams edges."""
    edge = RecordingEdge()
    settings = load_settings(keepnet_client_id=SANDBOX_CLIENT_ID, keepnet_client_secret=SANDBOX_CLIENT_SECRET)
    store = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'state.db'}")
    try:
        async with AsyncExitStack() as stack:
            components = await build_components(
                settings, store=store, stack=stack, plugs=(*EDGE_PLUGS, _plug(edge))
            )
            assert components.job is not None
            assert [d.name for d in components.destinations] == ["test:C1"]
            assert edge.events == ["install"]
            async with TestClient(TestServer(components.web_app)) as client:
                assert edge.events == ["install", "start"]
                assert await (await client.get("/test/hello")).text() == "hello from the test edge"
                health = await client.get("/healthz")
                body = await health.json()
                assert health.status == 200
                assert body["test"] == {"up": True}
                assert body["slack"] == {"mode": "off", "connected": None}
                assert body["teams"] == {"enabled": False}
                edge.up = False
                health = await client.get("/healthz")
                assert health.status == 503
                assert (await health.json())["status"] == "test edge down"
            assert edge.events == ["install", "start", "stop"]
    finally:
        await store.close()
