"""Message turns run after /api/messages has answered 202, so a slow Keepnet never times Teams out."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Awaitable
from typing import Any, TypeVar

import pytest
import structlog
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core import AgentAuthConfiguration
from microsoft_agents.hosting.core.authorization import ClaimsIdentity

from bot.sandbox.faults import Faults
from tests.teams._activities import personal_message, submit_message
from tests.teams._harness import TeamsBot, run_teams_bot

jwt_middleware = importlib.import_module("microsoft_agents.hosting.aiohttp.jwt_authorization_middleware")

T = TypeVar("T")

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")

TEAMS_SERVICE_URL = "https://smba.trafficmanager.net/amer/"
CREDENTIALS: dict[str, Any] = {
    "teams_client_id": "11111111-2222-3333-4444-555555555555",
    "teams_client_secret": "not-a-real-secret-value",
    "teams_tenant_id": "72f988bf-86f1-41af-91ab-2d7cd011db47",
    "public_url": "https://overage-bot.example.com",
}


async def bounded(awaitable: Awaitable[T]) -> T:
    """Await with a generous bound, so a POST that waits for the turn fails instead of hanging."""
    return await asyncio.wait_for(awaitable, 10)


class SlowKeepnet:
    """The sandbox's ``latency_ms`` wait, held until the test opens it (no real sleeping)."""

    def __init__(self, bot: TeamsBot) -> None:
        self.asked = asyncio.Event()
        self.released = asyncio.Event()
        bot.sandbox.state.sleep = self.sleep

    async def sleep(self, _seconds: float) -> None:
        """Keepnet has been asked; answer once released."""
        self.asked.set()
        await self.released.wait()

    async def wait_until_asked(self) -> None:
        """Until the turn is waiting on Keepnet."""
        await asyncio.wait_for(self.asked.wait(), 10)


class TestAnsweredBeforeTheTurn:
    """The HTTP answer comes first; the reply follows through the Connector."""

    async def test_slow_keepnet_reply_arrives_after_the_202(self) -> None:
        """Keepnet still answering: the POST already got 202 with nothing sent; the card arrives afterwards."""
        async with run_teams_bot(faults=Faults(latency_ms=300)) as bot:
            keepnet = SlowKeepnet(bot)
            reply = await bounded(bot.send(personal_message(bot.connector.service_url, "overage top 3")))
            assert reply.status == 202
            await keepnet.wait_until_asked()
            assert bot.connector.calls == []  # the answer came back while the turn was still running
            keepnet.released.set()
            [call] = await bot.replies()
            assert call.kind == "reply"
            assert "over their license limit" in str(call.cards)

    async def test_keepnet_down_still_replies_with_the_error(self) -> None:
        """Keepnet answering 500 after all retries: 202 first, then the "unavailable" reply, never silence."""
        async with run_teams_bot(faults=Faults(latency_ms=300, fail_5xx=50)) as bot:
            keepnet = SlowKeepnet(bot)
            reply = await bounded(bot.send(personal_message(bot.connector.service_url, "overage")))
            assert reply.status == 202
            await keepnet.wait_until_asked()
            assert bot.connector.calls == []
            keepnet.released.set()
            [call] = await bot.replies()
            assert "unavailable" in call.text.lower()
            assert "Exception caught" not in call.text

    async def test_submit_fallback_runs_in_the_background_too(self) -> None:
        """An Action.Submit click (a message with value) is answered 202 and its link card follows."""
        async with run_teams_bot() as bot:
            reply = await bot.send(
                submit_message(bot.connector.service_url, {"verb": "export_csv", "q": ""}, where="personal")
            )
            assert (reply.status, reply.body) == (202, b"")
            [call] = await bot.replies()
            assert "/exports/" in str(call.cards)


class TestShutdown:
    """Stopping the server waits for the turns in flight."""

    async def test_cleanup_waits_for_the_reply(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A turn still waiting on Keepnet at shutdown: its reply reaches the Connector before cleanup ends."""
        async with run_teams_bot(faults=Faults(latency_ms=300)) as bot:
            keepnet = SlowKeepnet(bot)
            assert (await bounded(bot.send(personal_message(bot.connector.service_url)))).status == 202
            await keepnet.wait_until_asked()
            drain = bot.edge.turns.drain
            in_flight_at_drain: list[int] = []

            async def drain_after_releasing_keepnet() -> None:
                in_flight_at_drain.append(len(bot.edge.turns))
                keepnet.released.set()
                await drain()

            monkeypatch.setattr(bot.edge.turns, "drain", drain_after_releasing_keepnet)
            await bot.stop()
            assert in_flight_at_drain == [1]
            [call] = bot.connector.messages()  # already there: no waiting after cleanup
            assert call.cards
            assert len(bot.edge.turns) == 0


class TestFailuresAreLogged:
    """A turn that cannot even send its error reply is logged, not lost."""

    async def test_connector_refusing_everything_is_logged(self) -> None:
        """The Connector answering 500 to every reply: the background turn's failure is logged as an error."""
        async with run_teams_bot() as bot:
            bot.connector.fail_status = 500
            with structlog.testing.capture_logs() as logs:
                assert (
                    await bot.send(personal_message(bot.connector.service_url, "overage help"))
                ).status == 202
                await bot.settle()
            failures = [e for e in logs if e["event"] == "teams_background_turn_failed"]
            assert len(failures) == 1, [e["event"] for e in logs]
            assert failures[0]["log_level"] == "error"
            assert bot.connector.calls  # it did try to reply


class TestAuthStillFirst:
    """The JWT and serviceUrl checks still answer before anything runs."""

    async def test_message_checks_run_before_the_202(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Signed message naming evil.example → 401 inline, no turn; a Bot Framework one → 202, turn with the claims."""

        async def authorize(header: str | None, config: AgentAuthConfiguration | None) -> ClaimsIdentity:
            assert header == "Bearer verified.by.test"
            return ClaimsIdentity(
                {"aud": CREDENTIALS["teams_client_id"], "iss": "https://api.botframework.com"},
                authentication_type="Bearer",
            )

        monkeypatch.setattr(jwt_middleware, "_authorize_request", authorize)
        async with run_teams_bot(teams_allow_anonymous=False, **CREDENTIALS) as bot:
            processed: list[tuple[str, object]] = []

            async def process_activity(claims: ClaimsIdentity, activity: Activity, callback: object) -> None:
                processed.append((str(activity.service_url), claims.get_claim_value("aud")))

            monkeypatch.setattr(bot.edge.adapter, "process_activity", process_activity)
            signed = {"Authorization": "Bearer verified.by.test"}
            refused = await bot.send(personal_message("https://evil.example/"), headers=signed)
            assert (refused.status, refused.json()) == (
                401,
                {"error": "Service URL is not allowed by the host validator."},
            )
            await bot.settle()
            assert processed == []
            accepted = await bot.send(personal_message(TEAMS_SERVICE_URL), headers=signed)
            assert accepted.status == 202
            await bot.settle()
            assert processed == [(TEAMS_SERVICE_URL, CREDENTIALS["teams_client_id"])]
