"""End to end: the report's Excel export and Refresh buttons, clicked over signed HTTP."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from typing import Any

from openpyxl import load_workbook

from tests.scenario.checks import assert_valid_message
from tests.scenario.harness import BotUnderTest, WallClock, run_bot

FILE_NAME = re.compile(r"overage-(\d{4}-\d{2}-\d{2})\.(csv|xlsx)")


def _button(message: dict[str, Any], action_id: str) -> dict[str, Any]:
    for block in message["blocks"]:
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if element["action_id"] == action_id:
                return dict(element)
    raise AssertionError(f"no {action_id} button in the message")


async def _report(bot: BotUnderTest, text: str = "") -> dict[str, Any]:
    await bot.command(text)
    await bot.fake.wait_for(lambda: bot.fake.files)
    return bot.fake.messages()[-1]


def _xlsx(bot: BotUnderTest) -> list[Any]:
    return [f for f in bot.fake.files if f.filename.endswith(".xlsx")]


class TestExcelExport:
    """The Excel button uploads a real workbook into the report's thread."""

    async def test_click_uploads_xlsx_into_the_thread(self) -> None:
        """A click shows "Preparing…" to the clicker and a workbook that opens arrives in the thread."""
        clock = WallClock(datetime(2026, 11, 27, 2, 0, tzinfo=UTC))  # still the 26th in New York
        async with run_bot(clock=clock, overage_timezone="America/New_York") as bot:
            message = await _report(bot, "find Coho")
            button = _button(message, "overage_export_excel")
            reply = await bot.click("overage_export_excel", value=button["value"], message_ts=message["ts"])
            assert reply.status == 200
            await bot.fake.wait_for(lambda: _xlsx(bot))
            [workbook_file] = _xlsx(bot)
            assert workbook_file.thread_ts == message["ts"]
            assert workbook_file.channel == "C0REPORTS"
            name = FILE_NAME.fullmatch(workbook_file.filename)
            assert name is not None, workbook_file.filename
            assert (name.group(1), name.group(2)) == ("2026-11-26", "xlsx")
            sheet = load_workbook(io.BytesIO(workbook_file.data), read_only=True).active
            rows = list(sheet.iter_rows(values_only=True))
            assert len(rows) > 1
            assert all("Coho" in str(row) for row in rows[1:])
            assert "Preparing the Excel export" in bot.fake.responses()[0]["text"]
            assert bot.fake.responses()[0]["response_type"] == "ephemeral"
            assert bot.sandbox.stats.export_bodies[-1]["exportType"] == "Excel"

    async def test_click_on_a_thread_reply_uploads_to_the_parent_thread(self) -> None:
        """When the clicked message is itself a reply, the file goes to the parent's thread."""
        async with run_bot() as bot:
            message = await _report(bot)
            value = _button(message, "overage_export_excel")["value"]
            await bot.click(
                "overage_export_excel", value=value, message_ts="1700000999.000200", thread_ts=message["ts"]
            )
            await bot.fake.wait_for(lambda: _xlsx(bot))
            assert _xlsx(bot)[0].thread_ts == message["ts"]

    async def test_double_click_exports_once(self) -> None:
        """A second click while the export runs says "already being prepared" and starts nothing."""
        async with run_bot() as bot:
            message = await _report(bot)
            value = _button(message, "overage_export_excel")["value"]
            exports_before = len(bot.sandbox.stats.export_bodies)
            bot.sandbox.faults.latency_ms = 300
            first = await bot.click("overage_export_excel", value=value, message_ts=message["ts"])
            second = await bot.click("overage_export_excel", value=value, message_ts=message["ts"])
            assert (first.status, second.status) == (200, 200)
            await bot.fake.wait_for(lambda: _xlsx(bot))
            await bot.background.drain()
            assert len(_xlsx(bot)) == 1
            assert len(bot.sandbox.stats.export_bodies) == exports_before + 1
            texts = [r["text"] for r in bot.fake.responses()]
            assert any("already being prepared" in t for t in texts)
            bot.sandbox.faults.latency_ms = 0
            await bot.click("overage_export_excel", value=value, message_ts=message["ts"])
            await bot.fake.wait_for(lambda: len(_xlsx(bot)) == 2)
            assert len(bot.sandbox.stats.export_bodies) == exports_before + 2, (
                "each click gets a fresh export"
            )

    async def test_failed_xlsx_upload_tells_the_clicker_why(self) -> None:
        """The XLSX upload fails: the clicker reads "The Excel file could not be attached: …", ephemerally."""
        async with run_bot() as bot:
            message = await _report(bot)
            value = _button(message, "overage_export_excel")["value"]
            bot.fake.upload_failures, bot.fake.upload_status = 10, 400
            reply = await bot.click("overage_export_excel", value=value, message_ts=message["ts"])
            assert reply.status == 200
            await bot.fake.wait_for(lambda: len(bot.fake.responses()) == 2)
            await bot.background.drain()
            preparing, note = bot.fake.responses()
            assert "Preparing the Excel export" in preparing["text"]
            assert note["text"].startswith(":warning: The Excel file could not be attached: ")
            assert (note["response_type"], note["replace_original"]) == ("ephemeral", False)
            assert "Slack could not be reached" not in note["text"]
            assert _xlsx(bot) == []
            assert len(bot.fake.messages()) == 1

    async def test_denied_clicker_gets_nothing(self) -> None:
        """A click from someone outside OVERAGE_ALLOWED_USERS is refused without a Keepnet export."""
        async with run_bot(overage_allowed_users="U0ALICE") as bot:
            message = await _report(bot)
            value = _button(message, "overage_export_excel")["value"]
            exports_before = len(bot.sandbox.stats.export_bodies)
            await bot.click("overage_export_excel", value=value, message_ts=message["ts"], user="U0MALLORY")
            await bot.fake.wait_for(lambda: bot.fake.responses())
            assert "not allowed" in bot.fake.responses()[0]["text"]
            await bot.background.drain()
            assert len(bot.sandbox.stats.export_bodies) == exports_before
            assert _xlsx(bot) == []


class TestRefresh:
    """Refresh posts a fresh report as a new message."""

    async def test_refresh_reads_keepnet_again_and_posts_a_new_message(self) -> None:
        """Refresh bypasses the cache, posts a second report with its own CSV in its own thread."""
        async with run_bot() as bot:
            message = await _report(bot, "top 5")
            searches = bot.searches()
            value = _button(message, "overage_refresh")["value"]
            reply = await bot.click("overage_refresh", value=value, message_ts=message["ts"])
            assert reply.status == 200
            await bot.fake.wait_for(lambda: len(bot.fake.files) == 2)
            assert bot.exports() == 2, "the fresh report gets a fresh CSV"
            first, second = bot.fake.messages()
            assert second["ts"] != first["ts"]
            assert_valid_message(second)
            assert bot.fake.files[1].thread_ts == second["ts"]
            assert bot.searches() > searches
            assert "cached" not in str(second["blocks"])

    async def test_denied_clicker_gets_nothing(self) -> None:
        """A Refresh click from someone outside OVERAGE_ALLOWED_USERS reads nothing and posts nothing."""
        async with run_bot(overage_allowed_users="U0ALICE") as bot:
            message = await _report(bot)
            value = _button(message, "overage_refresh")["value"]
            searches, exports = bot.searches(), bot.exports()
            posted, files = len(bot.fake.messages()), len(bot.fake.files)
            await bot.click("overage_refresh", value=value, message_ts=message["ts"], user="U0MALLORY")
            await bot.fake.wait_for(lambda: bot.fake.responses())
            await bot.background.drain()
            (denial,) = bot.fake.responses()
            assert "not allowed" in denial["text"]
            assert denial["response_type"] == "ephemeral"
            assert (bot.searches(), bot.exports()) == (searches, exports), "nothing read from Keepnet"
            assert (len(bot.fake.messages()), len(bot.fake.files)) == (posted, files), "nothing posted"
