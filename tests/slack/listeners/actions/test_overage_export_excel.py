"""handle_overage_export_excel: one export per message at a time, files into the parent thread."""

from __future__ import annotations

import json
from typing import Any

from bot.slack.exports_inflight import InflightExports
from bot.slack.listeners import BackgroundWork
from bot.slack.listeners.actions._button import read_click
from bot.slack.listeners.actions.overage_export_excel import handle_overage_export_excel
from tests.slack.listeners._doubles import make_doubles


def _body(*, ts: str = "1700000001.000100", thread_ts: str | None = None, value: str = "") -> dict[str, Any]:
    message: dict[str, Any] = {"ts": ts}
    if thread_ts:
        message["thread_ts"] = thread_ts
    action = {"action_id": "overage_export_excel", "value": value or json.dumps({"q": "acme", "n": 7})}
    return {
        "type": "block_actions",
        "user": {"id": "U0ALICE"},
        "channel": {"id": "C0REPORTS"},
        "message": message,
        "actions": [action],
    }


async def test_second_click_while_running_only_says_so() -> None:
    """While an export for the message runs, another click is told "already being prepared"."""
    d = make_doubles()
    inflight, background = InflightExports(), BackgroundWork()
    body = _body()
    with inflight.claim("C0REPORTS", "1700000001.000100") as first:
        assert first
        await handle_overage_export_excel(
            ack=d.ack,
            body=body,
            action=body["actions"][0],
            respond=d.respond,
            client=d.client,
            deps=d.deps,
            inflight=inflight,
            background=background,
        )
        await background.drain()
    d.ack.assert_awaited_once()
    assert "already being prepared" in d.respond.call_args.kwargs["text"]
    assert d.respond.call_args.kwargs["replace_original"] is False
    d.service.export_file.assert_not_called()
    d.client.files_upload_v2.assert_not_called()
    assert len(inflight) == 0


def test_click_on_a_reply_targets_the_parent_thread() -> None:
    """A click on a thread reply uploads into the parent's thread; the value carries query and top N."""
    body = _body(ts="1700000009.000100", thread_ts="1700000001.000100")
    click = read_click(body, body["actions"][0])
    assert click.thread_ts == "1700000001.000100"
    assert click.message_ts == "1700000009.000100"
    assert (click.query, click.top_n) == ("acme", 7)


def test_malformed_value_falls_back_to_the_full_report() -> None:
    """A value that is not the bot's JSON gives the unfiltered report, never an exception."""
    for value in ("not json", "[1]", json.dumps({"q": 5, "n": 500})):
        body = _body(value=value)
        click = read_click(body, body["actions"][0])
        assert (click.query, click.top_n) == ("", None)
