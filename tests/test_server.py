"""The bot's server: /healthz in each mode."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from bot.server import HealthState, create_web_app
from bot.store_types import PostRecord


class Socket:
    """A Socket Mode connection whose state the test sets."""

    def __init__(self, connected: bool) -> None:
        self.connected = connected

    def is_connected(self) -> bool:
        """Whether the websocket is up."""
        return self.connected


class Ledger:
    """A store that remembers one post."""

    async def last_post(self) -> PostRecord | None:
        """The last weekly post."""
        at = datetime(2026, 11, 23, 6, 0, 5, tzinfo=UTC)
        return PostRecord("slack:C1", "weekly:2026-11-23T06:00Z", "completed", at, at, 1, "1732.5")


async def get_health(state: HealthState) -> tuple[int, dict[str, Any]]:
    """GET /healthz from an app with the given state."""
    async with TestClient(TestServer(create_web_app(health=state))) as client:
        response = await client.get("/healthz")
        return response.status, await response.json()


async def test_http_mode_is_healthy_with_last_post_and_next_run() -> None:
    """HTTP mode answers 200 with the last weekly post and the next run."""
    next_run = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
    status, body = await get_health(HealthState(slack_mode="http", store=Ledger(), next_run=lambda: next_run))
    assert status == 200
    assert body["slack"] == {"mode": "http", "connected": None}
    assert body["last_weekly_post"]["outcome"] == "completed"
    assert body["last_weekly_post"]["at"] == "2026-11-23T06:00:05+00:00"
    assert body["next_run"] == "2026-11-30T06:00:00+00:00"


async def test_socket_mode_down_is_503() -> None:
    """Socket Mode with the websocket down answers 503; up answers 200."""
    socket = Socket(connected=False)
    status, body = await get_health(HealthState(slack_mode="socket", socket=socket))
    assert status == 503
    assert body["slack"]["connected"] is False
    socket.connected = True
    status, _ = await get_health(HealthState(slack_mode="socket", socket=socket))
    assert status == 200


async def test_teams_only_is_healthy() -> None:
    """Teams-only mode answers 200 once the server is up."""
    status, body = await get_health(HealthState(slack_mode="off", teams=True))
    assert status == 200
    assert body["teams"] == {"enabled": True}
