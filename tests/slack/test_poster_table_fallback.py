"""A workspace that refuses the table block still gets the report: the same rows as sections, once."""

from __future__ import annotations

from typing import Any

from structlog.testing import capture_logs

from bot.slack.app import build_web_client
from bot.slack.poster import SlackChannelPoster
from tests.scenario.checks import assert_valid_message
from tests.scenario.harness import run_world


def _table_rows(blocks: list[dict[str, Any]]) -> list[list[str]]:
    [table] = [b for b in blocks if b["type"] == "table"]
    return [[cell["text"] for cell in row] for row in table["rows"]]


async def test_refused_table_is_posted_again_as_sections() -> None:
    """invalid_blocks for a table: one more chat.postMessage, same rows in sections, a warning, the CSV as usual."""
    async with run_world() as world:
        world.fake.reject_tables = True
        poster = SlackChannelPoster(build_web_client(world.settings), world.deps, channel="C0WEEKLY")
        report = await world.service.report(fresh=True)
        with capture_logs() as logs:
            ts = await poster.post(report, period="key:k")
        attempts = world.fake.calls_to("chat.postMessage")
        assert len(attempts) == 2
        header, *rows = _table_rows(attempts[0].args["blocks"])
        [message] = world.fake.messages()
        assert message["ts"] == ts
        assert_valid_message(message)
        assert all(b["type"] != "table" for b in message["blocks"])
        text = "\n".join(b["text"]["text"] for b in message["blocks"] if b["type"] == "section")
        assert header[:4] == ["Company", "License limit", "Active users", "Excess"]
        for name, *cells in rows:
            details = " · ".join(f"{label}: {cell}" for label, cell in zip(header[1:], cells, strict=True))
            assert f"*{name}* — {details}" in text
        assert any("refused the table" in str(b) for b in message["blocks"])
        assert [e for e in logs if e["event"] == "slack_table_refused" and e["log_level"] == "warning"]
        [shared] = world.fake.files
        assert shared.thread_ts == ts


async def test_table_accepted_is_posted_once() -> None:
    """Where tables work nothing changes: one call, with the table."""
    async with run_world() as world:
        poster = SlackChannelPoster(build_web_client(world.settings), world.deps, channel="C0WEEKLY")
        await poster.post(await world.service.report(fresh=True), period="key:k")
        [call] = world.fake.calls_to("chat.postMessage")
        assert any(b["type"] == "table" for b in call.args["blocks"])


async def test_escaped_names_stay_escaped_in_sections() -> None:
    """A name like "<!channel> & Co" appears in the sections exactly as the table cell had it (escaped)."""
    from bot.slack._blocks_table import tables_as_sections

    table = {
        "type": "table",
        "rows": [
            [{"type": "raw_text", "text": t} for t in ("Company", "License limit", "Active users", "Excess")],
            [
                {"type": "raw_text", "text": t}
                for t in ("&lt;!channel&gt; &amp; Co", "10", "12", "+2 (+20 %)")
            ],
        ],
    }
    [note, section] = tables_as_sections([table])
    assert note["type"] == "context"
    assert "&lt;!channel&gt; &amp; Co" in section["text"]["text"]
    assert "<!channel>" not in section["text"]["text"]
