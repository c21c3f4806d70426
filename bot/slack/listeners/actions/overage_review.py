"""``Review all (N)``: send the clicker an ephemeral list of every customer that needs action."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.deps import Deps
from bot.slack import decision_messages as texts
from bot.slack._blocks_decisions import ACTION_REVIEW, RowsOrigin, review_blocks
from bot.slack.error_replies import tell
from bot.slack.listeners._background import BackgroundWork
from bot.slack.listeners.actions._button import refused, start_click

__all__ = ["handle_overage_review", "send_review_page"]


async def send_review_page(deps: Deps, respond: AsyncRespond, *, origin: RowsOrigin, replace: bool) -> str:
    """Answer with one page of the review list (a new ephemeral message, or in place for ``Next``).

    Returns:
        The outcome for the request log.
    """
    report = await deps.service.report()
    if report.decisions is None:
        await tell(respond, texts.decisions_need_store())
        return "no_store"
    blocks = review_blocks(report.decisions, report.offenders, origin)
    await respond(text="Needs action", blocks=blocks, response_type="ephemeral", replace_original=replace)
    return "review_page"


async def handle_overage_review(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    deps: Deps,
    background: BackgroundWork,
) -> None:
    """Answer ``Review all (N)``: the first page (≤ 40 rows, each with its menu), for the clicker only.

    Args:
        ack: acknowledges the click.
        body: the ``block_actions`` payload.
        action: the clicked button.
        respond: replies to the clicker.
        deps: settings, service and clock.
        background: runs the work after the acknowledgement.
    """
    await ack()
    click, request = start_click(ACTION_REVIEW, body, action)

    async def work() -> None:
        with request:
            if await refused(click, request, settings=deps.settings, respond=respond):
                return
            since = int(deps.clock().timestamp())
            origin = RowsOrigin(since=since, offset=0, thread_ts=click.thread_ts)
            request.outcome = await send_review_page(deps, respond, origin=origin, replace=False)

    background.start(work(), body=body, respond=respond)


def read_page(value: object) -> RowsOrigin | None:
    """The page a ``Next`` button asks for (None when its value is not one of ours)."""
    if not isinstance(value, str) or len(value) > 200:
        return None
    try:
        data = json.loads(value)
    except json.JSONDecodeError:
        return None
    if not isinstance(data, dict):
        return None
    since, offset, thread = data.get("s"), data.get("o"), data.get("t")
    numbers = all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n < 10**12 for n in (since, offset))
    if not numbers or not isinstance(thread, str) or len(thread) > 24:
        return None
    return RowsOrigin(since=int(since), offset=int(offset), thread_ts=thread)  # type: ignore[arg-type]
