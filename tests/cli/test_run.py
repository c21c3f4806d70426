"""`overage-bot run` as a real process: start-up checks, /healthz, a signed /overage, SIGTERM."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest
from structlog.testing import capture_logs

from bot.cli.run import build_components
from bot.config import load_settings
from bot.sandbox import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    RunningSandbox,
    is_over_limit,
    run_sandbox,
    seed_companies,
)
from bot.store.database import Store
from tests.cli.process import free_port, run_cli, start_bot
from tests.fakes.slack_api import FakeSlack
from tests.scenario.harness import BOT_TOKEN, SIGNING_SECRET, new_trigger_id, sign


@pytest.fixture(name="sandbox")
async def _sandbox() -> AsyncIterator[RunningSandbox]:
    async with run_sandbox(companies=seed_companies(total=200)) as sandbox:
        yield sandbox


def http_mode_env(slack: FakeSlack, keepnet_url: str, tmp_path: Path) -> dict[str, str]:
    """Environment of a bot in Slack HTTP mode."""
    return {
        "KEEPNET_BASE_URL": keepnet_url,
        "KEEPNET_CLIENT_ID": SANDBOX_CLIENT_ID,
        "KEEPNET_CLIENT_SECRET": SANDBOX_CLIENT_SECRET,
        "KEEPNET_MAX_TRIES": "1",
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "OVERAGE_DB_URL": f"sqlite+aiosqlite:///{tmp_path / 'state.db'}",
    }


def slash_command(slack: FakeSlack, text: str = "") -> str:
    """A /overage request body as Slack sends it."""
    return urlencode(
        {
            "token": "legacy",
            "team_id": "T0FAKE",
            "channel_id": "C0BILLING",
            "channel_name": "billing",
            "user_id": "U0ALICE",
            "user_name": "alice",
            "command": "/overage",
            "text": text,
            "api_app_id": "A0OVERAGE",
            "response_url": slack.response_url(),
            "trigger_id": new_trigger_id(),
        }
    )


class TestStartRefusals:
    """Configuration problems stop `run` at once with exit code 2."""

    async def test_nothing_to_serve(self, tmp_path: Path) -> None:
        """Without Slack or Teams settings, run says what to set."""
        code, _, err = await run_cli("run", env={}, cwd=tmp_path)
        assert code == 2
        assert "SLACK_BOT_TOKEN" in err
        assert "TEAMS_CLIENT_ID" in err
        assert "Traceback" not in err

    async def test_http_mode_needs_signing_secret(self, tmp_path: Path) -> None:
        """HTTP mode without SLACK_SIGNING_SECRET is refused, naming the variable."""
        code, _, err = await run_cli("run", env={"SLACK_BOT_TOKEN": "xoxb-1"}, cwd=tmp_path)
        assert code == 2
        assert "SLACK_SIGNING_SECRET" in err


async def test_serves_overage_and_stops_on_sigterm(
    sandbox: RunningSandbox, slack: FakeSlack, tmp_path: Path
) -> None:
    """The process serves /healthz, answers a signed /overage with a report and a CSV, and exits 0 on SIGTERM."""
    async with start_bot(http_mode_env(slack, sandbox.base_url, tmp_path), cwd=tmp_path) as bot:
        async with aiohttp.ClientSession() as session:
            async with session.get(bot.url + "/healthz") as response:
                assert response.status == 200
                health = await response.json()
            assert health["slack"]["mode"] == "http"
            body = slash_command(slack)
            async with session.post(bot.url + "/slack/events", data=body, headers=sign(body)) as response:
                assert response.status == 200
            await slack.wait_for(lambda: slack.files, timeout_s=20)
        code, logs = await bot.stop()
    assert code == 0
    [message] = slack.messages()
    assert message["channel"] == "C0BILLING"
    over = sum(1 for company in seed_companies(total=200) if is_over_limit(company))
    assert f"{over} of 200 customers" in message["text"]
    assert slack.files[0].filename.endswith(".csv")
    events = [json.loads(line)["event"] for line in logs.splitlines() if line.startswith("{")]
    assert "server_started" in events
    assert "server_stopped" in events
    assert SANDBOX_CLIENT_SECRET not in logs


async def test_keepnet_down_does_not_stop_the_process(slack: FakeSlack, tmp_path: Path) -> None:
    """With Keepnet unreachable the bot starts, stays up, and tells the person who asked."""
    dead_keepnet = f"http://127.0.0.1:{free_port()}"
    async with start_bot(http_mode_env(slack, dead_keepnet, tmp_path), cwd=tmp_path) as bot:
        async with aiohttp.ClientSession() as session:
            body = slash_command(slack)
            async with session.post(bot.url + "/slack/events", data=body, headers=sign(body)) as response:
                assert response.status == 200
            await slack.wait_for(
                lambda: any("unavailable" in json.dumps(r).lower() for r in slack.responses()), timeout_s=30
            )
            async with session.get(bot.url + "/healthz") as response:
                assert response.status == 200
        code, _ = await bot.stop()
    assert code == 0
    assert slack.messages() == []


async def test_weekly_post_catches_up_at_start_and_shows_in_healthz(
    sandbox: RunningSandbox, slack: FakeSlack, tmp_path: Path
) -> None:
    """An occurrence two minutes before start is posted once by the scheduler; /healthz shows it."""
    fired = datetime.now(UTC) - timedelta(minutes=2)
    env = {
        **http_mode_env(slack, sandbox.base_url, tmp_path),
        "OVERAGE_CHANNEL": "C0WEEKLY",
        "OVERAGE_SCHEDULE": f"{fired.minute} {fired.hour} * * *",  # daily, last fired 2 minutes ago
        "OVERAGE_TIMEZONE": "UTC",
    }
    async with start_bot(env, cwd=tmp_path) as bot:
        await slack.wait_for(lambda: slack.files, timeout_s=30)
        async with aiohttp.ClientSession() as session:
            health: dict[str, object] = {}

            async def posted() -> bool:
                async with session.get(bot.url + "/healthz") as response:
                    health.update(await response.json())
                last = health.get("last_weekly_post")
                return isinstance(last, dict) and last.get("outcome") == "posted"

            for _ in range(300):
                if await posted():
                    break
                await asyncio.sleep(0.05)
        code, logs = await bot.stop()
    assert code == 0
    [message] = slack.messages()
    assert message["channel"] == "C0WEEKLY"
    assert slack.files[0].thread_ts == message["ts"]
    last = health["last_weekly_post"]
    assert isinstance(last, dict)
    assert last["outcome"] == "posted"
    assert last["destination"] == "slack:C0WEEKLY"
    assert last["period"] == "weekly:" + fired.strftime("%Y-%m-%dT%H:%MZ")
    next_run = datetime.fromisoformat(str(health["next_run"]))
    assert next_run - fired.replace(second=0, microsecond=0) == timedelta(days=1)
    events = [json.loads(line)["event"] for line in logs.splitlines() if line.startswith("{")]
    assert events.count("weekly_post_sent") == 1


async def test_weekly_destination_without_its_edge_is_logged(tmp_path: Path) -> None:
    """OVERAGE_CHANNEL without Slack and TEAMS_CHANNEL without Teams: no weekly job, two warnings."""
    settings = load_settings(
        keepnet_client_id=SANDBOX_CLIENT_ID,
        keepnet_client_secret=SANDBOX_CLIENT_SECRET,
        overage_channel="C0WEEKLY",
        teams_channel="19:abc@thread.tacv2",
    )
    store = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'state.db'}")
    try:
        async with AsyncExitStack() as stack:
            with capture_logs() as logs:
                components = await build_components(settings, store=store, stack=stack)
    finally:
        await store.close()
    assert components.job is None
    ignored = [e for e in logs if e["event"] == "weekly_destination_ignored"]
    assert [e["destination"] for e in ignored] == ["slack:C0WEEKLY", "teams:19:abc@thread.tacv2"]
    assert "SLACK_BOT_TOKEN" in ignored[0]["reason"]
    assert "TEAMS_CLIENT_ID" in ignored[1]["reason"]


async def test_port_in_use_is_one_line(slack: FakeSlack, sandbox: RunningSandbox, tmp_path: Path) -> None:
    """A taken PORT stops `run` with one line naming PORT and exit code 2."""
    import socket

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        env = {**http_mode_env(slack, sandbox.base_url, tmp_path), "HOST": "127.0.0.1", "PORT": str(port)}
        code, _, err = await run_cli("run", env=env, cwd=tmp_path)
    assert code == 2
    assert f"PORT: cannot listen on 127.0.0.1:{port}" in err
    assert "Traceback" not in err
