"""`overage-bot run` serving Teams only, as a real process (anonymous local-testing mode)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, RunningSandbox, run_sandbox, seed_companies
from tests.cli.process import run_cli, start_bot
from tests.fakes.bot_connector import FakeConnector, run_fake_connector
from tests.teams._activities import personal_message


@pytest.fixture(name="sandbox")
async def _sandbox() -> AsyncIterator[RunningSandbox]:
    async with run_sandbox(companies=seed_companies(total=100)) as sandbox:
        yield sandbox


@pytest.fixture(name="connector")
async def _connector() -> AsyncIterator[FakeConnector]:
    async with run_fake_connector() as fake:
        yield fake


def teams_env(sandbox: RunningSandbox, tmp_path: Path) -> dict[str, str]:
    """A Teams-only bot in anonymous mode."""
    return {
        "KEEPNET_BASE_URL": sandbox.base_url,
        "KEEPNET_CLIENT_ID": SANDBOX_CLIENT_ID,
        "KEEPNET_CLIENT_SECRET": SANDBOX_CLIENT_SECRET,
        "TEAMS_ALLOW_ANONYMOUS": "true",
        "OVERAGE_DB_URL": f"sqlite+aiosqlite:///{tmp_path / 'state.db'}",
    }


async def test_teams_only_process_answers_overage(
    sandbox: RunningSandbox, connector: FakeConnector, tmp_path: Path
) -> None:
    """Teams-only mode starts without Slack, answers `overage` with a card, and warns loudly about anonymity."""
    async with start_bot(teams_env(sandbox, tmp_path), cwd=tmp_path) as bot:
        async with aiohttp.ClientSession() as session:
            async with session.get(bot.url + "/healthz") as response:
                assert response.status == 200
                assert (await response.json())["slack"]["mode"] == "off"
            activity = personal_message(connector.service_url, "overage top 3")
            async with session.post(bot.url + "/api/messages", json=activity) as response:
                assert response.status in (200, 201, 202)
        code, logs = await bot.stop()
    assert code == 0
    [reply] = connector.messages()
    card = reply.body["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert "customers are over their license limit" in str(card["content"])
    assert "anonymous" in logs.lower()


async def test_anonymous_mode_refused_on_a_public_host(sandbox: RunningSandbox, tmp_path: Path) -> None:
    """TEAMS_ALLOW_ANONYMOUS with HOST=0.0.0.0 stops at start with exit code 2."""
    env = {**teams_env(sandbox, tmp_path), "HOST": "0.0.0.0"}
    code, _, err = await run_cli("run", env=env, cwd=tmp_path)
    assert code == 2
    assert "TEAMS_ALLOW_ANONYMOUS" in err
