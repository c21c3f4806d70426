"""``/overage reopen <text>``: billing approvers put the matching customers back to *needs action*."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.billing import may_decide, reopen
from bot.deps import Deps
from bot.slack import decision_messages as texts
from bot.slack._blocks_text import safe_name
from bot.slack.error_replies import tell
from bot.slack.listeners._background import BackgroundWork
from bot.slack.listeners._request_log import RequestLog

__all__ = ["reopen_command"]


async def reopen_command(
    ack: AsyncAck,
    respond: AsyncRespond,
    deps: Deps,
    background: BackgroundWork,
    *,
    request: RequestLog,
    command: dict[str, Any],
    text: str,
) -> None:
    """Reopen the handled customers matching ``text``; the confirmation is ephemeral, no thread.

    Args:
        ack: acknowledges the command (a refusal goes in the acknowledgement).
        respond: the ephemeral confirmation.
        deps: settings, service, store and clock.
        background: runs the work after the acknowledgement.
        request: the command's log line (already described).
        command: the slash-command payload.
        text: the name to match.
    """
    user = command.get("user_id")
    refusal = None
    if not may_decide(deps, (user,)):
        refusal = texts.not_approver()
    elif deps.store is None:
        refusal = texts.decisions_need_store()
    if refusal is not None:
        await ack(text=refusal, response_type="ephemeral")
        request.acked()
        request.outcome = "reopen_refused"
        request.finish()
        return
    await ack(text=f"Reopening the customers matching “{safe_name(text, 80)}”…", response_type="ephemeral")
    request.acked()

    async def work() -> None:
        with request:
            done = await reopen(
                deps,
                text=text,
                user_ids=(user,),
                user_name=command.get("user_name"),
                edge="slack",
                channel=str(command.get("channel_id") or ""),
            )
            await tell(respond, texts.reopened(done.reopened, done.untouched, text))
            request.outcome = "reopened"

    background.start(work(), body=command, respond=respond)
