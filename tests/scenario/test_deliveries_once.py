"""Slack deliveries are processed once: retries and replays of one trigger_id post one report."""

from __future__ import annotations

from tests.scenario.harness import run_bot, sign


async def test_retry_with_retry_num_posts_one_report() -> None:
    """Slack re-sending a command (X-Slack-Retry-Num) is acknowledged but starts nothing."""
    async with run_bot() as bot:
        body = bot.command_body()
        first = await bot.post(body, sign(body))
        retry = await bot.post(
            body, {**sign(body), "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "timeout"}
        )
        assert (first.status, retry.status) == (200, 200)
        await bot.fake.wait_for(lambda: bot.fake.files)
        await bot.background.drain()
        assert len([m for m in bot.fake.messages() if not m.get("thread_ts")]) == 1
        assert len(bot.fake.files) == 1
        assert bot.exports() == 1


async def test_replayed_trigger_id_within_five_minutes_does_nothing() -> None:
    """A replay of the same signed request (same trigger_id) posts no second report."""
    async with run_bot() as bot:
        body = bot.command_body()
        for _ in range(3):
            assert (await bot.post(body, sign(body))).status == 200
        await bot.fake.wait_for(lambda: bot.fake.files)
        await bot.background.drain()
        assert len([m for m in bot.fake.messages() if not m.get("thread_ts")]) == 1


async def test_replayed_excel_click_starts_one_export() -> None:
    """The same Excel click delivered twice starts one export."""
    async with run_bot() as bot:
        await bot.command()
        await bot.fake.wait_for(lambda: bot.fake.files)
        await bot.background.drain()
        [report] = [m for m in bot.fake.messages() if not m.get("thread_ts")]
        exports_before = bot.exports()
        body = bot.click_body("overage_export_excel", value="", message_ts=report["ts"])
        for _ in range(2):
            assert (await bot.post(body, sign(body))).status == 200
        await bot.fake.wait_for(lambda: len(bot.fake.files) == 2)
        await bot.background.drain()
        assert bot.exports() == exports_before + 1
        assert len(bot.fake.files) == 2


async def test_distinct_actions_each_run() -> None:
    """Two commands (each with its own trigger_id, as Slack sends them) post two reports."""
    async with run_bot() as bot:
        await bot.command()
        await bot.command()
        await bot.fake.wait_for(lambda: len(bot.fake.files) == 2)
        await bot.background.drain()
        assert len([m for m in bot.fake.messages() if not m.get("thread_ts")]) == 2
