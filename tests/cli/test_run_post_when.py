"""`overage-bot run` with OVERAGE_POST_WHEN=needs-action: a week with nothing to act on is skipped, seen in /healthz."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp

from bot.report.decisions import Decision
from bot.sandbox import RunningSandbox
from bot.sandbox.data import is_over_limit
from bot.store.database import Store
from tests.cli.process import start_bot
from tests.cli.test_run import _sandbox, http_mode_env  # noqa: F401 - _sandbox is a fixture
from tests.fakes.slack_api import FakeSlack


async def test_quiet_week_is_skipped_and_counted(
    sandbox: RunningSandbox, slack: FakeSlack, tmp_path: Path
) -> None:
    """Every over-limit customer ignored: the due weekly post is skipped (logged, /healthz), nothing posted."""
    store = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'state.db'}")
    try:
        for row in sandbox.state.companies:
            if is_over_limit(row):
                await store.decisions.record(
                    Decision(
                        company_id=row["companyResourceId"],
                        decision="ignored",
                        decided_at=datetime.now(UTC) - timedelta(days=1),
                        by_id="U0BILLING",
                        edge="slack",
                        channel="C0WEEKLY",
                    )
                )
    finally:
        await store.close()
    fired = datetime.now(UTC) - timedelta(minutes=2)
    env = {
        **http_mode_env(slack, sandbox.base_url, tmp_path),
        "OVERAGE_CHANNEL": "C0WEEKLY",
        "OVERAGE_SCHEDULE": f"{fired.minute} {fired.hour} * * *",
        "OVERAGE_TIMEZONE": "UTC",
        "OVERAGE_POST_WHEN": "needs-action",
    }
    health: dict[str, object] = {}
    async with start_bot(env, cwd=tmp_path) as bot, aiohttp.ClientSession() as session:
        for _ in range(400):
            async with session.get(bot.url + "/healthz") as response:
                health.update(await response.json())
            last = health.get("last_weekly_post")
            if isinstance(last, dict) and last.get("outcome") == "skipped":
                break
            await asyncio.sleep(0.05)
        code, logs = await bot.stop()
    assert code == 0
    assert slack.messages() == []
    assert isinstance(health["last_weekly_post"], dict)
    assert health["last_weekly_post"]["outcome"] == "skipped"
    assert health["weekly_posts_skipped"] == 1
    events = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
    skipped = [
        e for e in events if e["event"] == "weekly_post_skipped" and e.get("reason") == "nothing-needs-action"
    ]
    assert len(skipped) == 1
