"""The slow part of a request, run after Slack's acknowledgement has gone out.

Bolt (``process_before_response=True``) answers Slack when the listener returns, and if the
listener fails after ``ack()`` Bolt replaces the acknowledgement with an error. So each listener
acknowledges, hands its work to :class:`BackgroundWork` and returns at once; a failure of that
work goes to the same error handler as everything else (:func:`bot.slack.error_replies.handle_error`),
which tells the person who asked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

import structlog
from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.background import BackgroundTasks
from bot.slack.error_replies import handle_error

__all__ = ["BackgroundWork"]

log = structlog.get_logger(__name__)


class BackgroundWork:
    """Tasks started by listeners (a :class:`bot.background.BackgroundTasks`), whose failures are told."""

    def __init__(self) -> None:
        self._tasks = BackgroundTasks()

    def __len__(self) -> int:
        return len(self._tasks)

    def start(
        self, work: Coroutine[Any, Any, None], *, body: dict[str, Any], respond: AsyncRespond | None
    ) -> asyncio.Task[None]:
        """Run ``work`` now; if it fails, the error handler tells the asker.

        Args:
            work: the coroutine to run.
            body: the request payload (for the error handler's log line).
            respond: replies to the asker.

        Returns:
            The task (tests may await it).
        """

        def failed(error: BaseException) -> None:
            if isinstance(error, Exception):
                self._tasks.start(handle_error(error, body, respond), on_failure=_reply_crashed)

        return self._tasks.start(work, on_failure=failed)

    async def drain(self) -> None:
        """Wait until every started task (and its error reply) has finished."""
        await self._tasks.drain()


def _reply_crashed(error: BaseException) -> None:
    log.error("slack_error_reply_crashed", exc_info=error)
