"""The bot's server: /healthz in each mode."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from bot.edge import EdgeHealth, OffEdge
from bot.server import HealthState, create_web_app
from bot.slack.edge import slack_health
from bot.store.database import Store
from bot.store.types import PostRecord, StoreError, db_error
from tests.store.fixtures import _store, _store_target  # noqa: F401 - fixtures


class Socket:
    """A Socket Mode connection whose state the test sets."""

    def __init__(self, connected: bool) -> None:
        self.connected = connected

    def is_connected(self) -> bool:
        """Whether the websocket is up."""
        return self.connected


@dataclass
class SlackPart:
    """Slack's part of /healthz in a given mode (the edge's own health rule)."""

    mode: str
    socket: Socket | None = None
    name: str = "slack"

    def health(self) -> EdgeHealth:
        """What the Slack edge reports."""
        return slack_health(self.mode, self.socket)


TEAMS_OFF = OffEdge("teams", False, {"enabled": False})


class TeamsOn:
    """The Teams edge's part of /healthz."""

    name = "teams"

    def health(self) -> EdgeHealth:
        """Teams is on."""
        return EdgeHealth({"enabled": True})


class Ledger:
    """A store that remembers one post."""

    async def ping(self) -> None:
        """The database answers (only /readyz asks)."""

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
    status, body = await get_health(
        HealthState(edges=[SlackPart("http"), TEAMS_OFF], store=Ledger(), next_run=lambda: next_run)
    )
    assert status == 200
    assert body["slack"] == {"mode": "http", "connected": None}
    assert body["last_weekly_post"]["outcome"] == "posted"
    assert body["last_weekly_post"]["at"] == "2026-11-23T06:00:05+00:00"
    assert body["next_run"] == "2026-11-30T06:00:00+00:00"


async def test_socket_mode_down_is_503() -> None:
    """Socket Mode with the websocket down answers 503; up answers 200."""
    socket = Socket(connected=False)
    status, body = await get_health(HealthState(edges=[SlackPart("socket", socket), TEAMS_OFF]))
    assert status == 503
    assert body["slack"]["connected"] is False
    socket.connected = True
    status, _ = await get_health(HealthState(edges=[SlackPart("socket", socket), TEAMS_OFF]))
    assert status == 200


async def test_teams_only_is_healthy() -> None:
    """Teams-only mode answers 200 once the server is up."""
    status, body = await get_health(HealthState(edges=[SlackPart("off"), TeamsOn()]))
    assert status == 200
    assert body["teams"] == {"enabled": True}


class BrokenLedger:
    """A store whose database is down."""

    async def ping(self) -> None:
        """The database answers (only /readyz asks)."""

    async def last_post(self) -> PostRecord | None:
        """Fail like the real store does."""
        raise db_error(
            "the state database failed", "postgresql+asyncpg://bot:s3cret@db/x", OSError("refused")
        )


async def test_database_down_is_reported_in_the_body() -> None:
    """A store failure shows under last_weekly_post; the status still follows the chat connection."""
    status, body = await get_health(HealthState(edges=[SlackPart("http"), TEAMS_OFF], store=BrokenLedger()))
    assert status == 200
    error = body["last_weekly_post"]["error"]
    assert "the state database failed" in error
    assert "refused" in error
    assert "s3cret" not in error
    socket = Socket(connected=False)
    status, body = await get_health(
        HealthState(edges=[SlackPart("socket", socket), TEAMS_OFF], store=BrokenLedger())
    )
    assert status == 503
    assert "error" in body["last_weekly_post"]


async def test_last_weekly_post_outcomes_from_the_store(store: Store) -> None:
    """Claimed → "in progress", released → "failed" with the error, completed → "posted"; key posts ignored."""
    now = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    period = "weekly:2026-11-23T06:00Z"
    state = HealthState(edges=[SlackPart("http"), TEAMS_OFF], store=store)
    assert (await get_health(state))[1]["last_weekly_post"] is None
    await store.claim("slack:C1", "key:2026-W48", now=now)
    assert (await get_health(state))[1]["last_weekly_post"] is None
    await store.claim("slack:C1", period, now=now)
    assert (await get_health(state))[1]["last_weekly_post"]["outcome"] == "in progress"
    await store.release("slack:C1", period, error="Keepnet unavailable", now=now + timedelta(seconds=5))
    failed = (await get_health(state))[1]["last_weekly_post"]
    assert (failed["outcome"], failed["error"], failed["period"]) == ("failed", "Keepnet unavailable", period)
    await store.claim("slack:C1", period, now=now + timedelta(minutes=1))
    await store.complete("slack:C1", period, message_ref="1.2", now=now + timedelta(minutes=2))
    await store.claim("slack:C1", period + ":notice", now=now + timedelta(minutes=3))
    posted = (await get_health(state))[1]["last_weekly_post"]
    assert (posted["outcome"], posted["error"]) == ("posted", None)
    assert posted["at"] == (now + timedelta(minutes=2)).isoformat()


def test_store_error_keeps_message_and_remediation_apart() -> None:
    """StoreError.message is the cause without the fix; str() still carries both."""
    error = db_error("cannot open the state database", "sqlite+aiosqlite:///x.db", OSError("no such file"))
    assert isinstance(error, StoreError)
    assert error.message.startswith("cannot open the state database at sqlite+aiosqlite:///x.db")
    assert "no such file" in error.message
    assert "OVERAGE_DB_URL" not in error.message
    assert str(error) == f"{error.message}: {error.remediation}"


class SkippedLedger:
    """A store whose last weekly post was a quiet week skipped under OVERAGE_POST_WHEN."""

    async def ping(self) -> None:
        """The database answers (only /readyz asks)."""

    async def last_post(self) -> PostRecord | None:
        """The last weekly post (completed as skipped)."""
        at = datetime(2026, 11, 30, 6, 0, 5, tzinfo=UTC)
        return PostRecord(
            "slack:C1", "weekly:2026-11-30T06:00Z", "completed", at, at, 1, "skipped:nothing-needs-action"
        )


async def test_skipped_weeks_are_shown_and_counted() -> None:
    """A skipped week shows as such, and the count of skipped weeks is in the body."""
    status, body = await get_health(
        HealthState(edges=[SlackPart("http"), TEAMS_OFF], store=SkippedLedger(), skipped_weeks=lambda: 2)
    )
    assert status == 200
    assert body["last_weekly_post"]["outcome"] == "skipped"
    assert body["weekly_posts_skipped"] == 2
