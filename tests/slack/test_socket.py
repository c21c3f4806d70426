"""Socket Mode: a fake Slack websocket pushes envelopes; the same listeners answer them."""

from __future__ import annotations

from typing import Any

from bot.slack.app import create_app
from bot.slack.listeners import BackgroundWork
from bot.slack.socket import SlackSocket
from tests.fakes.slack_api import FakeSlack
from tests.scenario.harness import new_trigger_id, run_world

APP_TOKEN = "xapp-1-A0OVERAGE-1-socket-test"


def _command(fake: FakeSlack, text: str = "") -> dict[str, Any]:
    return {
        "token": "legacy-verification-token",
        "team_id": "T0FAKE",
        "channel_id": "C0REPORTS",
        "user_id": "U0ALICE",
        "command": "/overage",
        "text": text,
        "api_app_id": "A0OVERAGE",
        "response_url": fake.response_url("socket"),
        "trigger_id": new_trigger_id(),
    }


async def test_envelope_is_acked_and_report_posted() -> None:
    """A slash command over the socket gets its envelope ack (with the working note) and the report posts."""
    async with run_world(slack_app_token=APP_TOKEN, slack_signing_secret=None) as world:
        background = BackgroundWork()
        socket = SlackSocket(
            create_app(world.settings, world.deps, background=background), app_token=APP_TOKEN
        )
        assert not socket.is_connected()
        await socket.start()
        try:
            await world.fake.wait_for(lambda: world.fake.socket_count == 1)
            assert socket.is_connected()
            [opened] = world.fake.calls_to("apps.connections.open")
            assert opened.headers["Authorization"] == f"Bearer {APP_TOKEN}"
            envelope_id = await world.fake.push_envelope("slash_commands", _command(world.fake))
            await world.fake.wait_for(lambda: world.fake.socket_acks)
            [ack] = world.fake.socket_acks
            assert ack["envelope_id"] == envelope_id
            assert "Working on the overage report" in ack["payload"]["text"]
            await world.fake.wait_for(lambda: world.fake.files)
            [message] = world.fake.messages()
            assert message["channel"] == "C0REPORTS"
            assert world.fake.files[0].thread_ts == message["ts"]
            await background.drain()
        finally:
            await socket.stop()
        assert not socket.is_connected()


async def test_help_over_the_socket_is_answered_in_the_ack() -> None:
    """`/overage help` over the socket: the usage text rides on the envelope ack; Keepnet is not asked."""
    async with run_world(slack_app_token=APP_TOKEN, slack_signing_secret=None) as world:
        socket = SlackSocket(create_app(world.settings, world.deps), app_token=APP_TOKEN)
        await socket.start()
        try:
            await world.fake.wait_for(lambda: world.fake.socket_count == 1)
            await world.fake.push_envelope("slash_commands", _command(world.fake, "help"))
            await world.fake.wait_for(lambda: world.fake.socket_acks)
            assert "/overage top 25" in world.fake.socket_acks[0]["payload"]["text"]
            assert world.sandbox.stats.requests["/api/companies/search"] == 0
        finally:
            await socket.stop()
