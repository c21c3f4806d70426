"""`overage-bot post --teams-channel` as a real process: unknown channel, and once per key after an install."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.sandbox import RunningSandbox, run_sandbox, seed_companies
from bot.teams.errors import TeamsNotInstalledError
from tests.cli.envs import teams_env
from tests.cli.process import run_cli, start_bot
from tests.fakes.bot_connector import FakeConnector
from tests.teams._activities import CHANNEL_ID, installation_update


@pytest.fixture(name="sandbox")
async def _sandbox() -> AsyncIterator[RunningSandbox]:
    async with run_sandbox(companies=seed_companies(total=60)) as sandbox:
        yield sandbox


async def test_post_to_unknown_teams_channel_says_install_the_app(
    sandbox: RunningSandbox, connector: FakeConnector, tmp_path: Path
) -> None:
    """An unknown channel: exit 1, one whole line telling to install the app in that team, nothing sent."""
    channel = "19:unknown@thread.tacv2"
    code, out, err = await run_cli(
        "post", "--teams-channel", channel, env=teams_env(sandbox, tmp_path), cwd=tmp_path
    )
    assert code == 1, err
    [line] = out.splitlines()
    assert line.startswith(f"FAILED to post to teams:{channel}: ")
    assert f"No conversation reference is stored for Teams channel {channel}." in line
    assert line.endswith(TeamsNotInstalledError.default_remediation)  # not cut at 300 characters
    assert "Install the app in that team first" in line
    assert "Traceback" not in out
    assert connector.calls == []


async def test_install_then_post_with_key_twice_posts_once(
    sandbox: RunningSandbox, connector: FakeConnector, tmp_path: Path
) -> None:
    """The app installed in a team (reference saved by `run`), then `post --key W48` twice → one new post there."""
    env = teams_env(sandbox, tmp_path)
    async with start_bot(env, cwd=tmp_path) as bot:
        async with aiohttp.ClientSession() as session:
            install = installation_update(connector.service_url)
            async with session.post(bot.url + "/api/messages", json=install) as response:
                assert response.status in (200, 201, 202)
        code, logs = await bot.stop()
    assert code == 0, logs
    assert "teams_conversation_saved" in logs
    assert connector.calls == []

    args = ("post", "--teams-channel", CHANNEL_ID, "--key", "W48")
    first = await run_cli(*args, env=env, cwd=tmp_path)
    second = await run_cli(*args, env=env, cwd=tmp_path)
    assert first[0] == 0, first[2]
    assert first[1].startswith(f"posted to teams:{CHANNEL_ID} (message ")
    assert second[0] == 0, second[2]
    assert second[1].strip() == f"already posted to teams:{CHANNEL_ID} for key 'W48': nothing to do"
    [post] = connector.calls
    assert (post.method, post.path) == ("POST", f"/amer/v3/conversations/{CHANNEL_ID}/activities")
    assert post.kind == "send"
    assert "customers are over their license limit" in str(post.cards)
