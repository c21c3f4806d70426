"""`overage-bot check`: warnings, cron-only setups, nothing configured, and a bounded run."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.cli.check import run_checks
from bot.sandbox import RunningSandbox, run_sandbox, seed_companies
from tests.cli.process import run_cli
from tests.cli.test_check import check_env, settings_from
from tests.fakes.slack_api import FakeSlack


@pytest.fixture(name="sandbox")
async def _sandbox() -> AsyncIterator[RunningSandbox]:
    async with run_sandbox(companies=seed_companies(total=30)) as sandbox:
        yield sandbox


async def test_history_scope_decides_the_duplicate_guard(
    sandbox: RunningSandbox, slack: FakeSlack, tmp_path: Path
) -> None:
    """Without channels:history a warning (exit still 0) says the claim alone guards; with it, ✓."""
    code, out, _ = await run_cli("check", env=check_env(sandbox, slack, tmp_path), cwd=tmp_path)
    assert code == 0, out
    assert "⚠ Weekly duplicate guard: claim only" in out
    assert "channels:history" in out
    assert out.splitlines()[-1].startswith("All checks passed. (")

    slack.scopes = "commands,chat:write,files:write,channels:history"
    code, out, _ = await run_cli("check", env=check_env(sandbox, slack, tmp_path), cwd=tmp_path)
    assert code == 0, out
    assert "✓ Weekly duplicate guard: channels:history granted" in out


async def test_cron_only_setup_needs_no_signing_secret(
    sandbox: RunningSandbox, slack: FakeSlack, tmp_path: Path
) -> None:
    """`--for post` (and the automatic judgement) pass without SLACK_SIGNING_SECRET; `--for run` does not."""
    env = check_env(sandbox, slack, tmp_path)
    del env["SLACK_SIGNING_SECRET"]
    for args in (("check", "--for", "post"), ("check",)):
        code, out, _ = await run_cli(*args, env=env, cwd=tmp_path)
        assert code == 0, out
        assert "✓ Slack mode: posting only" in out
    code, out, _ = await run_cli("check", "--for", "run", env=env, cwd=tmp_path)
    assert code == 1
    assert "✗ Slack mode: HTTP mode without SLACK_SIGNING_SECRET" in out
    assert "--for post" in out


async def test_nothing_configured_is_a_configuration_error(tmp_path: Path) -> None:
    """`check` with no variable set: one line saying what to set, exit 2, no traceback."""
    code, out, err = await run_cli("check", env={}, cwd=tmp_path)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert "nothing is configured" in err
    assert "KEEPNET_CLIENT_ID" in err
    assert "Traceback" not in err


async def test_each_item_is_bounded_whatever_keepnet_timeout(
    slack: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Keepnet that accepts and never answers costs one item timeout, not KEEPNET_TIMEOUT_S × tries."""

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(3600)

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        env = {
            "KEEPNET_BASE_URL": f"http://127.0.0.1:{port}",
            "KEEPNET_CLIENT_ID": "id",
            "KEEPNET_CLIENT_SECRET": "secret",
            "KEEPNET_TIMEOUT_S": "600",
            "SLACK_BOT_TOKEN": "xoxb-1",
            "SLACK_SIGNING_SECRET": "s",
            "SLACK_API_URL": slack.api_url,
            "OVERAGE_DB_URL": f"sqlite+aiosqlite:///{tmp_path / 'state.db'}",
        }
        started = time.monotonic()
        lines = {
            line.item: line for line in await run_checks(settings_from(env, monkeypatch), item_timeout_s=1)
        }
        assert time.monotonic() - started < 30  # generous: the point is 1 s, not 600 s × 4 tries
    finally:
        server.close()
    keepnet = lines["Keepnet"]
    assert not keepnet.ok
    assert keepnet.detail == "no answer within 1 s"
    assert "HTTPS_PROXY" in keepnet.fix
    assert lines["Slack token"].ok
