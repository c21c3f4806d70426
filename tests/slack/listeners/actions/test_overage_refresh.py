"""handle_overage_refresh: a fresh report for the button's query, posted as a new message."""

from __future__ import annotations

import json

from bot.slack.listeners import BackgroundWork
from bot.slack.listeners.actions.overage_refresh import handle_overage_refresh
from tests.slack.listeners._doubles import make_doubles


async def test_refresh_bypasses_the_cache_and_posts_to_the_channel() -> None:
    """Refresh acks, asks for a fresh report with the button's query and top N, and posts it."""
    d = make_doubles()
    background = BackgroundWork()
    action = {"action_id": "overage_refresh", "value": json.dumps({"q": "acme", "n": 7})}
    body = {
        "user": {"id": "U0ALICE"},
        "channel": {"id": "C0REPORTS"},
        "message": {"ts": "1.1"},
        "actions": [action],
    }
    await handle_overage_refresh(
        ack=d.ack,
        body=body,
        action=action,
        respond=d.respond,
        client=d.client,
        deps=d.deps,
        background=background,
    )
    await background.drain()
    assert d.calls() == ["ack", "report"]
    assert d.service.report.call_args.kwargs == {"query": "acme", "top_n": 7, "fresh": True}
    assert d.client.chat_postMessage.call_args.kwargs["channel"] == "C0REPORTS"
