"""End to end: the billing statement from the report's Statement button and from ``/overage statement``."""

from __future__ import annotations

import io
import re
from typing import Any

from openpyxl import load_workbook

from bot.report.statement import STATEMENT_COLUMNS
from tests.scenario.harness import BotUnderTest, run_bot

STATEMENT_NAME = re.compile(r"overage-statement-\d{4}-\d{2}-\d{2}\.xlsx")


def _statements(bot: BotUnderTest) -> list[Any]:
    return [f for f in bot.fake.files if STATEMENT_NAME.fullmatch(f.filename)]


def _rows(file: Any) -> list[tuple[Any, ...]]:
    return list(load_workbook(io.BytesIO(file.data)).active.iter_rows(values_only=True))


async def test_statement_button_uploads_into_the_thread() -> None:
    """A click on Statement: "Preparing…" to the clicker, the workbook in the report's thread, all customers."""
    async with run_bot() as bot:
        await bot.command("find Coho")
        await bot.fake.wait_for(lambda: bot.fake.files)
        message = bot.fake.messages()[-1]
        [button] = [
            e
            for b in message["blocks"]
            if b["type"] == "actions"
            for e in b["elements"]
            if e["action_id"] == "overage_statement"
        ]
        assert button["text"]["text"] == "Statement"
        reply = await bot.click("overage_statement", value=button["value"], message_ts=message["ts"])
        assert reply.status == 200
        await bot.fake.wait_for(lambda: _statements(bot))
        [statement] = _statements(bot)
        assert (statement.channel, statement.thread_ts) == ("C0REPORTS", message["ts"])
        rows = _rows(statement)
        assert rows[0] == STATEMENT_COLUMNS
        assert rows[-1][0] == "Total"
        assert len(rows) - 2 == 100, "the statement covers every over-limit customer, not only the find"
        assert any("Preparing the billing statement" in r.get("text", "") for r in bot.fake.responses())


async def test_overage_statement_posts_the_file_with_a_summary_line() -> None:
    """``/overage statement``: acknowledged at once, then the file in the channel with the one-line summary."""
    async with run_bot(overage_seat_price=2.0) as bot:
        reply = await bot.command("statement")
        assert reply.status == 200
        assert "Preparing the billing statement" in reply.json()["text"]
        await bot.fake.wait_for(lambda: _statements(bot))
        [statement] = _statements(bot)
        assert statement.channel == "C0REPORTS"
        assert statement.thread_ts in (None, "")
        assert statement.initial_comment.startswith(
            "Billing statement: 100 customers over their license limit"
        )
        assert "(trials and ignored customers excluded)" in statement.initial_comment
        assert "/ month" in statement.initial_comment


async def test_statement_with_text_is_a_usage_error() -> None:
    """``/overage statement acme`` explains that the statement covers everyone; nothing is uploaded."""
    async with run_bot() as bot:
        reply = await bot.command("statement acme")
        assert "takes no text" in reply.json()["text"]
        assert bot.fake.files == []
