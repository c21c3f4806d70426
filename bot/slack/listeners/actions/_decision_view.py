"""After a decision: the thread note and the clicked message re-rendered with the customer's new state."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import aiohttp
import structlog
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands import TOP_MAX, TOP_MIN
from bot.deps import Deps
from bot.report.decisions import Decision
from bot.report.model import Offender, OverageReport
from bot.report.states import decision_note
from bot.slack._blocks_decisions import RowsOrigin, review_blocks
from bot.slack._blocks_text import safe_name
from bot.slack.blocks import ACTION_REFRESH, HEADER_WEEKLY, build_report_message
from bot.slack.table_fallback import send_blocks

__all__ = ["SLACK_SEND_ERRORS", "note_in_thread", "rerender"]

log = structlog.get_logger(__name__)
SLACK_SEND_ERRORS = (SlackApiError, SlackRequestError, aiohttp.ClientError, TimeoutError, OSError)


def _layout(message: dict[str, Any]) -> tuple[bool, int | None]:
    """Whether the clicked message is a weekly post, and its top N (from its Refresh button)."""
    weekly, top_n = False, None
    blocks = message.get("blocks")
    for block in blocks if isinstance(blocks, list) else []:
        if not isinstance(block, dict):
            continue
        if block.get("type") == "header" and block.get("block_id") == HEADER_WEEKLY:
            weekly = True
        for element in block.get("elements") or [] if block.get("type") == "actions" else []:
            if isinstance(element, dict) and element.get("action_id") == ACTION_REFRESH:
                try:
                    n = json.loads(str(element.get("value") or "{}")).get("n")
                except (json.JSONDecodeError, AttributeError):
                    n = None
                if isinstance(n, int) and not isinstance(n, bool) and TOP_MIN <= n <= TOP_MAX:
                    top_n = n
    return weekly, top_n


async def note_in_thread(
    client: AsyncWebClient, *, channel: str, thread_ts: str, decision: Decision, offender: Offender, user: str
) -> None:
    """Post the decision's note in the report's thread, visible to the channel (best effort)."""
    text = decision_note(decision, who=f"<@{user}>", name=safe_name(offender.name))
    try:
        await client.chat_postMessage(channel=channel, thread_ts=thread_ts or None, text=text)
    except SLACK_SEND_ERRORS as exc:
        log.warning("decision_note_failed", channel=channel, error=type(exc).__name__)


async def rerender(
    client: AsyncWebClient,
    deps: Deps,
    respond: AsyncRespond,
    *,
    body: dict[str, Any],
    report: OverageReport,
    origin: RowsOrigin | None,
    channel: str,
    message_ts: str,
) -> None:
    """Show the new state in the clicked message: ``chat.update``, or ``replace_original`` for the
    ephemeral review list (best effort: the decision is recorded either way)."""
    container = body.get("container") or {}
    now = deps.clock()
    try:
        if container.get("is_ephemeral") or body.get("message") is None:
            if report.decisions is None or origin is None:
                return
            blocks = review_blocks(report.decisions, report.offenders, origin)
            await respond(
                text="Needs action", blocks=blocks, replace_original=True, response_type="ephemeral"
            )
            return
        weekly, top_n = _layout(body.get("message") or {})
        if top_n is not None:
            report = dataclasses.replace(report, top_n=top_n)
        since = origin.since_time if origin is not None else now
        message = build_report_message(report, tz=deps.settings.tz, now=now, weekly=weekly, since=since)
        await send_blocks(
            client.chat_update, channel=channel, blocks=message["blocks"], ts=message_ts, text=message["text"]
        )
    except SLACK_SEND_ERRORS as exc:
        log.warning("decision_update_failed", channel=channel, error=type(exc).__name__)
