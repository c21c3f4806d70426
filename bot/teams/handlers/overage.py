"""``overage [top N | find <text> | reopen <text> | history <text> | statement | help]``: the report as an Adaptive Card."""

from __future__ import annotations

import structlog
from microsoft_agents.hosting.core import TurnContext

from bot.commands import parse_command
from bot.deps import Deps
from bot.teams.cards import build_report_card, build_statement_prompt_card
from bot.teams.handlers import messages
from bot.teams.handlers._activity import is_personal, send_card, send_text
from bot.teams.handlers.access import is_allowed
from bot.teams.handlers.history import handle_history
from bot.teams.handlers.reopen import handle_reopen

__all__ = ["handle_overage"]

log = structlog.get_logger(__name__)


async def handle_overage(context: TurnContext, *, deps: Deps) -> None:
    """Answer a command message (the bot's own @mention already removed by the SDK).

    Args:
        context: the turn.
        deps: the service, settings and clock.
    """
    activity = context.activity
    if not is_allowed(activity, deps.settings):
        log.info("teams_access_denied", personal=is_personal(activity))
        await send_text(context, messages.access_denied())
        return
    command = parse_command(activity.text or "")
    if command.kind == "help":
        await send_text(context, messages.help_text())
        return
    if command.kind == "usage_error":
        await send_text(context, messages.usage_error(command.error))
        return
    if command.kind == "reopen":
        await handle_reopen(context, command.query, deps=deps)
        return
    if command.kind == "history":
        await handle_history(context, command.query, deps=deps)
        return
    if command.kind == "statement":
        await send_card(context, build_statement_prompt_card())
        return
    service = deps.service
    asked_at = service.now()  # read before asking: a report fetched after it is fresh, whatever its age
    report = await service.report(query=command.query, top_n=command.top_n)
    cached = service.is_cached(report, asked_at=asked_at)
    card = build_report_card(report, tz=deps.settings.tz, now=service.now(), cached=cached)
    await send_card(context, card)
    log.info("teams_report_sent", over=report.over_count, query=bool(command.query))
