"""handle_overage: what /overage acknowledges, asks Keepnet and posts."""

from __future__ import annotations

from typing import Any

from bot.slack.listeners import BackgroundWork
from bot.slack.listeners.commands.overage import handle_overage
from tests.slack.listeners._doubles import make_doubles


def _command(text: str = "", *, user: str = "U0ALICE", channel: str = "C0REPORTS") -> dict[str, Any]:
    return {"command": "/overage", "text": text, "user_id": user, "channel_id": channel, "response_url": "x"}


async def test_acks_with_working_note_before_asking_keepnet() -> None:
    """The ephemeral "working" ack goes out first; only then is the report requested and posted."""
    d = make_doubles()
    background = BackgroundWork()
    await handle_overage(
        ack=d.ack,
        command=_command("top 5"),
        respond=d.respond,
        client=d.client,
        deps=d.deps,
        background=background,
    )
    assert d.calls() == ["ack"]
    await background.drain()
    assert d.calls() == ["ack", "report"]
    assert "Working" in d.ack.call_args.kwargs["text"]
    assert d.ack.call_args.kwargs["response_type"] == "ephemeral"
    assert d.service.report.call_args.kwargs == {"query": "", "top_n": 5}
    assert d.client.chat_postMessage.call_args.kwargs["channel"] == "C0REPORTS"
    d.client.files_upload_v2.assert_not_called()


async def test_denied_user_is_refused_in_the_ack_and_nothing_is_fetched() -> None:
    """Outside OVERAGE_ALLOWED_USERS: "not allowed" in the ack, no Keepnet call, no background work."""
    d = make_doubles(overage_allowed_users="U0BOB")
    background = BackgroundWork()
    await handle_overage(
        ack=d.ack, command=_command(), respond=d.respond, client=d.client, deps=d.deps, background=background
    )
    assert "not allowed" in d.ack.call_args.kwargs["text"]
    assert len(background) == 0
    d.service.report.assert_not_called()
    d.client.chat_postMessage.assert_not_called()


async def test_help_and_usage_error_answer_in_the_ack() -> None:
    """help shows the usage; a bad `top` explains the problem; neither asks Keepnet."""
    d = make_doubles()
    background = BackgroundWork()
    for text, expected in (("help", "/overage find"), ("top zero", "not a number")):
        await handle_overage(
            ack=d.ack,
            command=_command(text),
            respond=d.respond,
            client=d.client,
            deps=d.deps,
            background=background,
        )
        assert expected in d.ack.call_args.kwargs["text"]
    d.service.report.assert_not_called()
    assert len(background) == 0
