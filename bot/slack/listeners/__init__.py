"""Wiring of every Slack listener; the handlers live one per file under ``commands/`` and ``actions/``."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.deps import Deps
from bot.slack.listeners import actions, commands

__all__ = ["register_listeners"]


def register_listeners(app: AsyncApp, deps: Deps) -> None:
    """Register the ``/overage`` command and the report's buttons on ``app``."""
    commands.register(app, deps)
    actions.register(app, deps)
