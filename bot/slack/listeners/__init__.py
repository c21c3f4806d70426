"""Wiring of every Slack listener; the handlers live one per file under ``commands/`` and ``actions/``.

A Bolt middleware puts the listeners' dependencies in each request's ``context`` (``deps``,
``background``, ``inflight``), and Bolt hands every listener the arguments it names, from its own
(``ack``, ``body``, ``respond``, ``client``…) and from that context. So a handler is registered as
it is, with no forwarding closure. To add one: write ``commands/<name>.py`` or ``actions/<action_id>.py``
with a ``handle_…`` function naming the arguments it needs, and add it to the table in that
folder's ``__init__`` (``COMMANDS`` or ``ACTIONS``). Parameters must not be keyword-only: Bolt
only passes the ones ``inspect.getfullargspec`` lists as ``args`` (``tests/slack/listeners`` checks).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from slack_bolt import BoltResponse
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext

from bot.deps import Deps
from bot.slack.exports_inflight import InflightExports
from bot.slack.listeners._background import BackgroundWork
from bot.slack.listeners.actions import ACTIONS
from bot.slack.listeners.commands import COMMANDS

__all__ = ["CONTEXT_KEYS", "BackgroundWork", "register_listeners"]

CONTEXT_KEYS = ("deps", "background", "inflight")
"""What the middleware puts in each request's ``context`` for the listeners."""


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
    inflight = InflightExports()

    async def provide_dependencies(
        context: AsyncBoltContext, resp: BoltResponse, next: Callable[[], Awaitable[None]]
    ) -> BoltResponse:
        context["deps"] = deps
        context["background"] = work
        context["inflight"] = inflight
        await next()
        return resp  # Bolt's response so far (its 200), as a middleware must hand on

    app.use(provide_dependencies)
    for command, handler in COMMANDS.items():
        app.command(command)(handler)
    for action_id, handler in ACTIONS.items():
        app.action(action_id)(handler)
    return work
