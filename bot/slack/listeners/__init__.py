"""Wiring of every Slack listener; the handlers live one per file under ``commands/`` and ``actions/``."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.deps import Deps
from bot.slack.listeners import actions, commands
from bot.slack.listeners._background import BackgroundWork

__all__ = ["BackgroundWork", "register_listeners"]


def register_listeners(
    app: AsyncApp, deps: Deps, *, background: BackgroundWork | None = None
) -> BackgroundWork:
    """Register the ``/overage`` command and the report's buttons on ``app``.

    Args:
        app: the Bolt app.
        deps: what the handlers work with.
        background: where the work after each acknowledgement runs (a new one when None).

    Returns:
        The background work (await ``drain()`` on shutdown to let running requests finish).
    """
    work = background if background is not None else BackgroundWork()
    commands.register(app, deps, background=work)
    actions.register(app, deps, background=work)
    return work
