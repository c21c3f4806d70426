"""Slash-command listeners, one per file; ``COMMANDS`` maps each command to its handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.slack.listeners.commands.overage import handle_overage

__all__ = ["COMMANDS"]

COMMANDS: dict[str, Callable[..., Awaitable[None]]] = {
    "/overage": handle_overage,
}
"""Command → handler. A handler names the Bolt arguments (``ack``, ``command``, ``respond``,
``client``…) and the context's dependencies (``deps``, ``background``, ``inflight``) it needs."""
