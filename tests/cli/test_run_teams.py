"""`overage-bot run` serving Teams only, as a real process (anonymous local-testing mode)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.sandbox import RunningSandbox, run_sandbox, seed_companies
from tests.cli.envs import teams_env
from tests.cli.process import run_cli, start_bot
from tests.fakes.bot_connector import FakeConnector
from tests.teams._activities import card_action, personal_message


@pytest.fixture(name="sandbox")
async def _sandbox() -> AsyncIterator[RunningSandbox]:
    async with run_sandbox(companies=seed_companies(total=100)) as sandbox:
        yield sandbox


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
    [reply] = connector.messages()  # the turn ran after the 202; SIGTERM waited for its reply
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


async def test_export_link_token_never_logged_by_the_process(
    sandbox: RunningSandbox, connector: FakeConnector, tmp_path: Path
) -> None:
    """CSV button → link card → download from the real process: 200 with the CSV, token absent from its logs."""
    env = {**teams_env(sandbox, tmp_path), "HOST": "127.0.0.1", "LOG_LEVEL": "DEBUG"}
    async with start_bot(env, cwd=tmp_path) as bot:
        async with aiohttp.ClientSession() as session:
            click = card_action(connector.service_url, "export_csv", {"q": ""})
            async with session.post(bot.url + "/api/messages", json=click) as response:
                assert response.status == 200
                answer = await response.json()
            [action] = answer["value"]["actions"]
            assert action["type"] == "Action.OpenUrl"
            url = str(action["url"])
            assert url.startswith(bot.url + "/exports/")
            token = url.removeprefix(bot.url + "/exports/")
            async with session.get(url) as download:
                assert download.status == 200
                assert download.headers["Content-Disposition"].startswith('attachment; filename="overage-')
                body = (await download.read()).decode("utf-8-sig")
        code, logs = await bot.stop()
    assert code == 0
    assert body.splitlines()[0].startswith("Company Name,")
    assert len(body.splitlines()) > 1
    assert "teams_export_link_issued" in logs  # the click and the download were logged …
    assert "teams_export_downloaded" in logs
    payload, _, signature = token.rpartition(".")  # itsdangerous may compress: ".<zlib payload>.<sig>"
    assert len(payload) > 20
    assert len(signature) > 20
    assert token not in logs  # … but never with the token, nor either half of it
    assert payload not in logs
    assert signature not in logs
