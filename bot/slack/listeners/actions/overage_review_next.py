"""``Next`` under a page of the ephemeral review list: the following page, in place."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.deps import Deps
from bot.slack import decision_messages as texts
from bot.slack._blocks_decisions import ACTION_REVIEW_NEXT
from bot.slack.error_replies import tell
from bot.slack.listeners._background import BackgroundWork
from bot.slack.listeners.actions._button import refused, start_click
from bot.slack.listeners.actions.overage_review import read_page, send_review_page

__all__ = ["handle_overage_review_next"]


async def handle_overage_review_next(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    deps: Deps,
    background: BackgroundWork,
) -> None:
    """Answer ``Next``: replace the ephemeral page with the next one (a forged value gets a refusal).

    Args:
        ack: acknowledges the click.
        body: the ``block_actions`` payload.
        action: the clicked button (its value: ``{"s": since, "o": offset, "t": thread_ts}``).
        respond: replaces the ephemeral page.
        deps: settings, service and clock.
        background: runs the work after the acknowledgement.
    """
    await ack()
    click, request = start_click(ACTION_REVIEW_NEXT, body, action)
    origin = read_page(action.get("value"))

    async def work() -> None:
        with request:
            if await refused(click, request, settings=deps.settings, respond=respond):
                return
            if origin is None:
                await tell(respond, texts.decision_invalid())
                request.outcome = "invalid"
                return
            request.outcome = await send_review_page(deps, respond, origin=origin, replace=True)

    background.start(work(), body=body, respond=respond)
