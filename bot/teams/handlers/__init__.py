"""Wiring of the Teams handlers onto the AgentApplication (the handlers live one per file)."""

from __future__ import annotations

import re
from collections.abc import Callable

from microsoft_agents.activity import Activity, AdaptiveCardInvokeResponse
from microsoft_agents.hosting.core import AgentApplication, RouteRank, TurnContext, TurnState

from bot.deps import Deps
from bot.teams.error_replies import handle_turn_error
from bot.teams.handlers.decide import handle_decide_execute, handle_decide_submit
from bot.teams.handlers.export import EXPORT_VERBS, handle_export_execute, handle_export_submit
from bot.teams.handlers.install import bot_was_added, remember_channel
from bot.teams.handlers.overage import handle_overage
from bot.teams.handlers.unknown_action import (
    handle_unknown_invoke,
    handle_unknown_submit,
    is_card_invoke,
    is_card_submit,
)
from bot.teams.links import ExportLinks

__all__ = ["register_handlers"]

_EXPORT_VERB = re.compile("^(" + "|".join(EXPORT_VERBS) + ")$")


def register_handlers(app: AgentApplication[TurnState], *, deps: Deps, links: ExportLinks) -> None:
    """Register every route and the error handler.

    Routes, first match wins: export buttons (``Action.Execute`` invoke, then the ``Action.Submit``
    fallback), the ``decide`` buttons of needs-action rows, installs, any other card action ("not supported"), then every text message as a
    command (``overage …``; the SDK removes the bot's @mention first).

    Args:
        app: the SDK application.
        deps: what the handlers work with.
        links: the export link minter.
    """

    async def on_export_execute(
        context: TurnContext, _state: TurnState, data: object
    ) -> AdaptiveCardInvokeResponse:
        return await handle_export_execute(context, data, deps=deps, links=links)

    async def on_export_submit(context: TurnContext, _state: TurnState, data: object) -> None:
        await handle_export_submit(context, data, deps=deps, links=links)

    async def on_decide_execute(
        context: TurnContext, _state: TurnState, data: object
    ) -> AdaptiveCardInvokeResponse:
        return await handle_decide_execute(context, data, deps=deps)

    async def on_decide_submit(context: TurnContext, _state: TurnState, data: object) -> None:
        await handle_decide_submit(context, data, deps=deps)

    async def on_installation_update(context: TurnContext, _state: TurnState) -> None:
        if (context.activity.action or "add").startswith("add"):
            await remember_channel(context, deps=deps)

    async def on_members_added(context: TurnContext, _state: TurnState) -> None:
        if bot_was_added(context):
            await remember_channel(context, deps=deps)

    async def on_unknown_invoke(context: TurnContext, _state: TurnState) -> None:
        await handle_unknown_invoke(context)

    async def on_message(context: TurnContext, _state: TurnState) -> None:
        await remember_channel(context, deps=deps)
        if is_card_submit(context.activity):
            await handle_unknown_submit(context)
            return
        await handle_overage(context, deps=deps)

    async def on_error(context: TurnContext, err: Exception) -> None:
        await handle_turn_error(context, err)

    app.adaptive_card.action_execute(_EXPORT_VERB)(on_export_execute)
    app.adaptive_card.action_submit(_EXPORT_VERB)(on_export_submit)
    app.adaptive_card.action_execute(re.compile("^decide$"))(on_decide_execute)
    app.adaptive_card.action_submit(re.compile("^decide$"))(on_decide_submit)
    app.installation_update()(on_installation_update)
    app.conversation_update("membersAdded")(on_members_added)
    app.add_route(_selector(is_card_invoke), on_unknown_invoke, is_invoke=True, rank=RouteRank.LAST)
    app.message(None)(on_message)
    app.error(on_error)


def _selector(predicate: Callable[[Activity], bool]) -> Callable[[TurnContext], bool]:
    def select(context: TurnContext) -> bool:
        return predicate(context.activity)

    return select
