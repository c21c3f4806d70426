"""`overage-bot run` in Socket Mode as a real process: health follows the connection, SIGTERM always works."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, RunningSandbox, run_sandbox, seed_companies
from tests.cli.process import free_port, start_bot
from tests.fakes.slack_api import FakeSlack
from tests.scenario.harness import BOT_TOKEN, new_trigger_id

APP_TOKEN = "xapp-1-A0OVERAGE-1-process-test"


@pytest.fixture(name="sandbox")
async def _sandbox() -> AsyncIterator[RunningSandbox]:
    async with run_sandbox(companies=seed_companies(total=60)) as sandbox:
        yield sandbox


def socket_env(sandbox: RunningSandbox, slack_api_url: str, tmp_path: Path) -> dict[str, str]:
    """A bot in Socket Mode (no signing secret needed)."""
    return {
        "KEEPNET_BASE_URL": sandbox.base_url,
        "KEEPNET_CLIENT_ID": SANDBOX_CLIENT_ID,
        "KEEPNET_CLIENT_SECRET": SANDBOX_CLIENT_SECRET,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_URL": slack_api_url,
        "OVERAGE_DB_URL": f"sqlite+aiosqlite:///{tmp_path / 'state.db'}",
    }


async def health(url: str) -> tuple[int, dict[str, Any]]:
    """GET /healthz."""
    async with aiohttp.ClientSession() as session, session.get(url + "/healthz") as response:
        return response.status, await response.json()


async def test_slack_unreachable_healthz_503_and_sigterm_works(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    """With Slack unreachable the server still starts, /healthz says 503, and SIGTERM exits 0."""
    dead_slack = f"http://127.0.0.1:{free_port()}/api/"
    async with start_bot(socket_env(sandbox, dead_slack, tmp_path), cwd=tmp_path) as bot:
        status, body = await health(bot.url)
        assert status == 503
        assert body["slack"] == {"mode": "socket", "connected": False}
        code, _ = await bot.stop()
    assert code == 0


async def test_connected_socket_serves_overage(
    sandbox: RunningSandbox, slack: FakeSlack, tmp_path: Path
) -> None:
    """Connected over the fake websocket: /healthz 200, and a pushed /overage posts the report."""
    async with start_bot(socket_env(sandbox, slack.api_url, tmp_path), cwd=tmp_path) as bot:
        await slack.wait_for(lambda: slack.socket_count == 1, timeout_s=20)
        for _ in range(100):
            status, body = await health(bot.url)
            if status == 200:
                break
            await asyncio.sleep(0.05)
        assert status == 200
        assert body["slack"]["connected"] is True
        await slack.push_envelope(
            "slash_commands",
            {
                "team_id": "T0FAKE",
                "channel_id": "C0SOCKET",
                "user_id": "U0ALICE",
                "command": "/overage",
                "text": "",
                "api_app_id": "A0OVERAGE",
                "response_url": slack.response_url("socket"),
                "trigger_id": new_trigger_id(),
            },
        )
        await slack.wait_for(lambda: slack.files, timeout_s=20)
        code, _ = await bot.stop()
    assert code == 0
    assert [m["channel"] for m in slack.messages()] == ["C0SOCKET"]
    assert slack.socket_acks
