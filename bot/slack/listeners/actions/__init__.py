"""Button listeners of the report message, one per file; ``ACTIONS`` maps each ``action_id`` to its handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.slack._blocks_decisions import ACTION_DECIDE, ACTION_REVIEW, ACTION_REVIEW_NEXT
from bot.slack.blocks import ACTION_EXPORT_EXCEL, ACTION_REFRESH, ACTION_STATEMENT
from bot.slack.listeners.actions.overage_decide import handle_overage_decide
from bot.slack.listeners.actions.overage_export_excel import handle_overage_export_excel
from bot.slack.listeners.actions.overage_refresh import handle_overage_refresh
from bot.slack.listeners.actions.overage_review import handle_overage_review
from bot.slack.listeners.actions.overage_review_next import handle_overage_review_next
from bot.slack.listeners.actions.overage_statement import handle_overage_statement

__all__ = ["ACTIONS"]

ACTIONS: dict[str, Callable[..., Awaitable[None]]] = {
    ACTION_EXPORT_EXCEL: handle_overage_export_excel,
    ACTION_REFRESH: handle_overage_refresh,
    ACTION_DECIDE: handle_overage_decide,
    ACTION_REVIEW: handle_overage_review,
    ACTION_REVIEW_NEXT: handle_overage_review_next,
    ACTION_STATEMENT: handle_overage_statement,
}
"""``action_id`` → handler. A handler names the Bolt arguments (``ack``, ``body``, ``action``,
``respond``, ``client``…) and the context's dependencies (``deps``, ``background``, ``inflight``) it needs."""
