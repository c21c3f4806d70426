"""`overage-bot run` against a hostile Keepnet: bounded requests, memory, time and temp disk; still serving."""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path

import aiohttp
import psutil

from tests.cli.process import start_bot
from tests.cli.test_run import http_mode_env, slash_command
from tests.fakes.hostile_keepnet import run_hostile_keepnet
from tests.fakes.slack_api import FakeSlack
from tests.scenario.harness import sign


async def _overage(session: aiohttp.ClientSession, url: str, slack: FakeSlack) -> None:
    body = slash_command(slack)
    async with session.post(url + "/slack/events", data=body, headers=sign(body)) as response:
        assert response.status == 200


async def test_hostile_answers_cost_little_and_the_bot_keeps_serving(
    slack: FakeSlack, tmp_path: Path
) -> None:
    """10⁹ pages, a page size of 0, a 60 MB answer and a never-ending export: each refused with a
    handful of Keepnet requests and bounded memory; then /healthz and a normal /overage still work."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    async with run_hostile_keepnet() as keepnet:
        env = {
            **http_mode_env(slack, keepnet.base_url, tmp_path),
            "KEEPNET_MAX_RESPONSE_MB": "5",
            "KEEPNET_MAX_EXPORT_MB": "5",
            "KEEPNET_EXPORT_TIMEOUT_S": "20",
            "OVERAGE_CACHE_S": "0",
            "TMPDIR": str(temp),
        }
        keepnet.body_bytes = 60 * 1024 * 1024
        async with start_bot(env, cwd=tmp_path) as bot, aiohttp.ClientSession() as session:
            process = psutil.Process(bot.process.pid)
            for mode in ("billion_pages", "zero_page_size", "huge_body"):
                keepnet.search_mode = mode
                before = keepnet.requests["search"]
                answered = len(slack.responses())
                await _overage(session, bot.url, slack)
                await slack.wait_for(lambda n=answered: len(slack.responses()) > n, timeout_s=30)  # type: ignore[misc]
                assert keepnet.requests["search"] - before <= 2, (
                    f"{mode}: one page 1 (and the customer count)"
                )
                assert "refus" in json.dumps(slack.responses()[-1]).lower() or "larger than" in json.dumps(
                    slack.responses()[-1]
                )
            keepnet.search_mode = "normal"
            keepnet.pages = 1
            keepnet.export_mode = "endless"
            await _overage(session, bot.url, slack)
            await slack.wait_for(
                lambda: any(
                    "CSV export is larger than 5 MB" in json.dumps(m)
                    for m in slack.messages() + slack.responses()
                ),
                timeout_s=60,
            )
            assert keepnet.requests["export"] == 1, "a size bound is never retried"
            leftovers = await asyncio.to_thread(
                lambda: sum(f.stat().st_size for f in temp.rglob("*") if f.is_file())
            )
            assert leftovers < 1024 * 1024
            async with session.get(bot.url + "/healthz") as response:
                assert response.status == 200
            keepnet.export_mode = "normal"
            posted = len(slack.messages())
            await _overage(session, bot.url, slack)
            await slack.wait_for(lambda: len(slack.messages()) > posted, timeout_s=30)
            assert "of " in slack.messages()[-1]["text"]
            rss_mb = process.memory_info().rss / 1e6
            assert rss_mb < 400, f"the bot grew to {rss_mb:.0f} MB"
            code, _ = await bot.stop()
    assert code == 0
    assert tempfile.gettempdir()  # the test's own temp folder is untouched by the bot
