"""Button listeners of the report message, one per file; ``ACTIONS`` maps each ``action_id`` to its handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.slack.blocks import ACTION_EXPORT_EXCEL, ACTION_REFRESH
from bot.slack.listeners.actions.overage_export_excel import handle_overage_export_excel
from bot.slack.listeners.actions.overage_refresh import handle_overage_refresh

__all__ = ["ACTIONS"]

ACTIONS: dict[str, Callable[..., Awaitable[None]]] = {
    ACTION_EXPORT_EXCEL: handle_overage_export_excel,
    ACTION_REFRESH: handle_overage_refresh,
}
"""``action_id`` → handler. A handler names the Bolt arguments (``ack``, ``body``, ``action``,
``respond``, ``client``…) and the context's dependencies (``deps``, ``background``, ``inflight``) it needs."""
