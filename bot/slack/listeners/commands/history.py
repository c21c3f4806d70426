"""``/overage history <text>``: to the asker only, the history of up to five matching customers."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.deps import Deps
from bot.history_lookup import lookup_history
from bot.report.history_text import history_text
from bot.slack._blocks_text import safe_name
from bot.slack.error_replies import tell
from bot.slack.listeners._background import BackgroundWork
from bot.slack.listeners._request_log import RequestLog

__all__ = ["history_command"]


async def history_command(
    ack: AsyncAck,
    respond: AsyncRespond,
    deps: Deps,
    background: BackgroundWork,
    *,
    request: RequestLog,
    command: dict[str, Any],
    text: str,
) -> None:
    """Acknowledge at once, then answer ephemerally; the reply's ``text`` carries the whole answer.

    Args:
        ack: acknowledges the command.
        respond: the ephemeral answer.
        deps: settings, service, store and clock.
        background: runs the work after the acknowledgement.
        request: the command's log line (already described).
        command: the slash-command payload.
        text: the name to match.
    """
    await ack(text=f"Looking up the history of “{safe_name(text, 80)}”…", response_type="ephemeral")
    request.acked()

    async def work() -> None:
        with request:
            answer = await lookup_history(deps, text)
            tz = deps.settings.tz
            reply = history_text(
                safe_name(text, 80),
                answer.entries,
                more=answer.more,
                today=deps.clock().astimezone(tz).date(),
                tz=tz,
                name=lambda name: safe_name(name, 80),
            )
            await tell(respond, reply)
            request.outcome = "history" if answer.entries or not answer.more else "history_narrow"

    background.start(work(), body=command, respond=respond)
