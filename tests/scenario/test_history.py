"""End to end: the daily snapshot of full reports, over since in the table, and ``/overage history``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.report.model import SnapshotRow
from tests.scenario.harness import BotUnderTest, WallClock, run_bot

START = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


async def _history(bot: BotUnderTest, text: str) -> str:
    before = len(bot.fake.responses())
    reply = await bot.command(f"history {text}")
    assert reply.status == 200
    assert "Looking up the history" in reply.json()["text"]
    assert reply.json()["response_type"] == "ephemeral"
    await bot.fake.wait_for(lambda: len(bot.fake.responses()) > before)
    answer = bot.fake.responses()[-1]
    assert answer["response_type"] == "ephemeral"
    return str(answer["text"])


async def test_full_reports_keep_one_snapshot_a_day_and_history_reads_them() -> None:
    """Two /overage the same day store one snapshot; history shows over since, the trend and limit changes."""
    async with run_bot(clock=WallClock(START), overage_cache_s=0) as bot:
        [target] = (await bot.service.report(query="Coho")).offenders[:1]
        for weeks, excess, limit in ((3, 10, 100), (2, 40, 100), (1, 90, 200)):
            row = SnapshotRow(target.company_id, target.name, limit, limit + excess, excess)
            await bot.store.save_snapshot(START - timedelta(weeks=weeks), [row], period=f"weekly:{weeks}")
        for _ in range(2):
            await bot.command("")
            await bot.fake.wait_for(lambda: bot.fake.files)
        assert await bot.store.snapshot_count() == 4  # three weekly + today's one daily snapshot
        text = await _history(bot, "Coho")
        assert f"over since {(START - timedelta(weeks=3)).date().isoformat()} (3 weeks)" in text
        assert "Excess in the last 4 snapshots: ▁" in text
        assert "License limit changes: 100 → 200" in text
        assert "No billing decision recorded." in text
        table = next(b for b in bot.fake.messages()[-1]["blocks"] if b["type"] == "table")
        assert table["rows"][0][-2]["text"] == "Over since"


async def test_history_with_no_match_and_too_many_matches() -> None:
    """No match says so; more than five names the matches and asks to narrow the search."""
    async with run_bot(clock=WallClock(START)) as bot:
        assert "No customer over the license limit matches “Zzzyzx”" in await _history(bot, "Zzzyzx")
        many = await _history(bot, "a")
        assert "Narrow the search to at most 5" in many
        assert "customers over the limit match “a”" in many


async def test_history_needs_text() -> None:
    """``/overage history`` alone is a usage error."""
    async with run_bot() as bot:
        reply = await bot.command("history")
        assert "`history` needs some text" in reply.json()["text"]
