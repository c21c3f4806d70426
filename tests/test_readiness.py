"""GET /readyz (database and chat edges; never Keepnet) and GET /metrics (on by default, METRICS_ENABLED)."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from bot.edge import EdgeHealth
from bot.server import HealthState, create_web_app
from bot.store.types import StoreError


class FlakyStore:
    """A store whose database can be taken away and brought back."""

    def __init__(self) -> None:
        self.up = True

    async def last_post(self) -> Any:
        """No weekly post yet."""
        return None

    async def ping(self) -> None:
        """Answer, or fail like a database that is gone."""
        if not self.up:
            raise StoreError("the state database failed: connection refused", remediation="start it again")


class SocketEdge:
    """A chat edge whose connection the test sets."""

    name = "slack"

    def __init__(self) -> None:
        self.connected = True

    def health(self) -> EdgeHealth:
        """Down while disconnected."""
        return EdgeHealth(
            {"socket_mode": self.connected}, None if self.connected else "Socket Mode disconnected"
        )


async def _get(app: Any, path: str) -> tuple[int, Any]:
    async with TestClient(TestServer(app)) as client:
        response = await client.get(path)
        body = await response.json() if response.content_type == "application/json" else await response.text()
        return response.status, body


async def test_readyz_follows_the_database() -> None:
    """200 while the database answers, 503 with the reason when it is gone, 200 again when it is back."""
    store, edge = FlakyStore(), SocketEdge()
    app = create_web_app(health=HealthState(edges=[edge], store=store))
    assert (await _get(app, "/readyz"))[0] == 200
    store.up = False
    status, body = await _get(app, "/readyz")
    assert status == 503
    assert body["reasons"] == ["database: the state database failed: connection refused"]
    store.up = True
    assert (await _get(app, "/readyz")) == (200, {"status": "ready"})


async def test_readyz_follows_the_chat_connection() -> None:
    """A disconnected Socket Mode makes the bot unready, naming the edge."""
    edge = SocketEdge()
    edge.connected = False
    status, body = await _get(create_web_app(health=HealthState(edges=[edge])), "/readyz")
    assert status == 503
    assert body["reasons"] == ["slack: Socket Mode disconnected"]


async def test_metrics_served_unless_turned_off() -> None:
    """/metrics is Prometheus text next to /healthz; METRICS_ENABLED=false removes it (404)."""
    status, text = await _get(create_web_app(health=HealthState()), "/metrics")
    assert status == 200
    assert "overage_keepnet_request_seconds" in text
    assert "overage_weekly_post_last_success_timestamp_seconds" in text
    status, _ = await _get(create_web_app(health=HealthState(), metrics=False), "/metrics")
    assert status == 404
