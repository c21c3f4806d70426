"""`overage-bot post` for cron users: once per key, across processes, with clear failures."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine

from bot.report.formatting import fmt_generated
from bot.sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, RunningSandbox, run_sandbox, seed_companies
from bot.store.database import Store
from tests.cli.process import free_port, run_cli
from tests.fakes.slack_api import FakeSlack
from tests.scenario.harness import BOT_TOKEN
from tests.store.fixtures import postgres_unreachable, postgres_url


@pytest.fixture(name="sandbox")
async def _sandbox() -> AsyncIterator[RunningSandbox]:
    async with run_sandbox(companies=seed_companies(total=120)) as sandbox:
        yield sandbox


def post_env(sandbox: RunningSandbox, slack: FakeSlack, db_url: str) -> dict[str, str]:
    """Environment of a cron job posting to Slack."""
    return {
        "KEEPNET_BASE_URL": sandbox.base_url,
        "KEEPNET_CLIENT_ID": SANDBOX_CLIENT_ID,
        "KEEPNET_CLIENT_SECRET": SANDBOX_CLIENT_SECRET,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": slack.api_url,
        "OVERAGE_CHANNEL": "C0WEEKLY",
        "OVERAGE_DB_URL": db_url,
    }


async def test_post_key_twice_posts_once(sandbox: RunningSandbox, slack: FakeSlack, tmp_path: Path) -> None:
    """A retried cron job with the same --key posts one message and says the second is a no-op."""
    env = post_env(sandbox, slack, f"sqlite+aiosqlite:///{tmp_path / 'state.db'}")
    first = await run_cli("post", "--key", "2026-W48", env=env, cwd=tmp_path)
    second = await run_cli("post", "--key", "2026-W48", env=env, cwd=tmp_path)
    assert first[0] == 0, first[2]
    assert "posted to slack:C0WEEKLY" in first[1]
    assert second[0] == 0, second[2]
    assert "already posted to slack:C0WEEKLY" in second[1]
    assert [m["channel"] for m in slack.messages()] == ["C0WEEKLY"]
    assert len(slack.files) == 1
    assert slack.files[0].thread_ts == slack.messages()[0]["ts"]


async def test_post_channel_overrides_and_new_key_posts_again(
    sandbox: RunningSandbox, slack: FakeSlack, tmp_path: Path
) -> None:
    """--channel posts only there; a different key is a different post."""
    env = post_env(sandbox, slack, f"sqlite+aiosqlite:///{tmp_path / 'state.db'}")
    assert (await run_cli("post", "--channel", "C0OTHER", "--key", "a", env=env, cwd=tmp_path))[0] == 0
    assert (await run_cli("post", "--channel", "C0OTHER", "--key", "b", env=env, cwd=tmp_path))[0] == 0
    assert [m["channel"] for m in slack.messages()] == ["C0OTHER", "C0OTHER"]


async def test_only_weekly_destinations_save_the_snapshot(
    sandbox: RunningSandbox, slack: FakeSlack, tmp_path: Path
) -> None:
    """A post to another channel does not become "last week" (only the day's snapshot is kept); a post to OVERAGE_CHANNEL does."""
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'state.db'}"
    env = post_env(sandbox, slack, db_url)
    assert (await run_cli("post", "--channel", "C0OTHER", "--key", "a", env=env, cwd=tmp_path))[0] == 0
    store = await Store.open(db_url)
    try:
        assert await store.latest_snapshot() is None
        assert await store.snapshot_count() == 1  # the day's snapshot, for over-since and history
        assert (await run_cli("post", "--channel", "C0WEEKLY", "--key", "b", env=env, cwd=tmp_path))[0] == 0
        assert await store.latest_snapshot() is not None
        assert await store.snapshot_count() == 2
    finally:
        await store.close()


async def test_post_failure_exits_non_zero(sandbox: RunningSandbox, slack: FakeSlack, tmp_path: Path) -> None:
    """A channel the bot is not in: exit 1, the destination and the invite fix; logged without a traceback."""
    slack.channel_errors["C0WEEKLY"] = "not_in_channel"
    env = post_env(sandbox, slack, f"sqlite+aiosqlite:///{tmp_path / 'state.db'}")
    code, out, err = await run_cli("post", "--key", "k", env=env, cwd=tmp_path)
    assert code == 1
    assert "FAILED to post to slack:C0WEEKLY" in out
    assert "not_in_channel" in out
    assert "Invite the bot: /invite @overage-bot in channel C0WEEKLY" in out
    assert "Traceback" not in err
    assert "SlackApiError" not in err
    assert "post_failed" in err
    assert "weekly_post_failed" not in err, "a manual post is not the weekly job"
    assert slack.messages() == []


async def test_post_with_a_dead_token_says_to_reinstall(
    sandbox: RunningSandbox, slack: FakeSlack, tmp_path: Path
) -> None:
    """invalid_auth from chat.postMessage: the line says to reinstall the app and update SLACK_BOT_TOKEN."""
    slack.channel_errors["C0WEEKLY"] = "invalid_auth"
    env = post_env(sandbox, slack, f"sqlite+aiosqlite:///{tmp_path / 'state.db'}")
    code, out, _ = await run_cli("post", env=env, cwd=tmp_path)
    assert code == 1
    assert "The bot token is invalid: reinstall the Slack app" in out
    assert "update SLACK_BOT_TOKEN" in out


async def test_post_while_another_run_holds_the_claim_exits_75(
    sandbox: RunningSandbox, slack: FakeSlack, tmp_path: Path
) -> None:
    """A live claim on the key (a run posting, or one that died mid-post) → nothing posted, exit 75."""
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'state.db'}"
    store = await Store.open(db_url)
    claimed_at = datetime.now(UTC).replace(microsecond=0)
    try:
        assert await store.claim("slack:C0WEEKLY", "key:2026-W48", lease_s=900, now=claimed_at)
        record = await store.get_post("slack:C0WEEKLY", "key:2026-W48")
    finally:
        await store.close()
    assert record is not None
    env = {**post_env(sandbox, slack, db_url), "OVERAGE_TIMEZONE": "Asia/Tokyo"}
    code, out, err = await run_cli("post", "--key", "2026-W48", env=env, cwd=tmp_path)
    assert code == 75, out + err
    assert "NOT posted to slack:C0WEEKLY" in out
    assert "another run is posting it right now, or died mid-post" in out
    assert f"expires at {fmt_generated(record.lease_until, ZoneInfo('Asia/Tokyo'))}" in out
    assert "(Asia/Tokyo)" in out
    assert slack.messages() == []


async def test_post_without_destination_is_a_config_error(
    sandbox: RunningSandbox, slack: FakeSlack, tmp_path: Path
) -> None:
    """Nowhere to post → exit 2 naming OVERAGE_CHANNEL."""
    env = post_env(sandbox, slack, f"sqlite+aiosqlite:///{tmp_path / 'state.db'}")
    del env["OVERAGE_CHANNEL"]
    code, _, err = await run_cli("post", env=env, cwd=tmp_path)
    assert code == 2
    assert "OVERAGE_CHANNEL" in err


@pytest.fixture(name="postgres_db")
async def _postgres_db() -> AsyncIterator[str]:
    """A fresh PostgreSQL database (dropped afterwards); skipped without a server unless CI requires it."""
    url = postgres_url()
    name = f"overage_cli_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT", connect_args={"timeout": 5})
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    except (OSError, SQLAlchemyError) as exc:
        await admin.dispose()
        postgres_unreachable(url, exc)
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest.mark.postgres
async def test_two_processes_on_postgres_post_once(
    sandbox: RunningSandbox, slack: FakeSlack, tmp_path: Path, postgres_db: str
) -> None:
    """Two separate `overage-bot post --key` processes on one PostgreSQL database → one post."""
    env = post_env(sandbox, slack, postgres_db)
    # Both start on an empty database, so both also race to create the schema.
    results = await asyncio.gather(
        run_cli("post", "--key", "2026-W48", env=env, cwd=tmp_path),
        run_cli("post", "--key", "2026-W48", env=env, cwd=tmp_path),
    )
    # The loser either saw the post completed (0) or still in flight (75, "try again later").
    codes = sorted(code for code, _, _ in results)
    assert codes in ([0, 0], [0, 75]), [err for _, _, err in results]
    outputs = [out.strip() for _, out, _ in results]
    assert sum(out.startswith("posted to slack:C0WEEKLY (message") for out in outputs) == 1
    assert [m["channel"] for m in slack.messages()] == ["C0WEEKLY"]


async def test_post_to_a_channel_name_is_refused(
    sandbox: RunningSandbox, slack: FakeSlack, tmp_path: Path
) -> None:
    """--channel '#billing' is refused at once (exit 2) with how to find the id; nothing is fetched."""
    env = post_env(sandbox, slack, f"sqlite+aiosqlite:///{tmp_path / 'state.db'}")
    code, _, err = await run_cli("post", "--channel", "#billing", env=env, cwd=tmp_path)
    assert code == 2
    assert "not a Slack channel id" in err
    assert sandbox.state.stats.requests["/api/companies/search"] == 0


async def test_network_failure_logs_error_and_type_without_traceback(
    sandbox: RunningSandbox, slack: FakeSlack, tmp_path: Path
) -> None:
    """Slack unreachable: the failure line as before; the log line names the error and its type, no traceback."""
    env = {
        **post_env(sandbox, slack, f"sqlite+aiosqlite:///{tmp_path / 'state.db'}"),
        "SLACK_API_URL": f"http://127.0.0.1:{free_port()}/api/",
    }
    code, out, err = await run_cli("post", "--key", "k", env=env, cwd=tmp_path)
    assert code == 1
    assert "FAILED to post to slack:C0WEEKLY" in out
    assert "Traceback" not in err
    failed = [json.loads(line) for line in err.splitlines() if '"post_failed"' in line]
    assert len(failed) == 1, err
    assert failed[0]["error_type"]
    assert failed[0]["error"]
    assert "exception" not in failed[0]
