"""The slow part of a request, run after Slack's acknowledgement has gone out.

Bolt (``process_before_response=True``) answers Slack when the listener returns, and if the
listener fails after ``ack()`` Bolt replaces the acknowledgement with an error. So each listener
acknowledges, hands its work to :class:`BackgroundWork` and returns at once; a failure of that
work goes to the same error handler as everything else (:func:`bot.slack.errors.handle_error`),
which tells the person who asked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

import structlog
from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.slack.errors import handle_error

__all__ = ["BackgroundWork"]

log = structlog.get_logger(__name__)


class BackgroundWork:
    """Tasks started by listeners, kept referenced until they finish."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

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
        task = asyncio.create_task(work)
        self._tasks.add(task)

        def done(finished: asyncio.Task[None]) -> None:
            self._tasks.discard(finished)
            if finished.cancelled():
                return
            error = finished.exception()
            if isinstance(error, Exception):
                self._track(asyncio.create_task(handle_error(error, body, respond)))

        task.add_done_callback(done)
        return task

    def _track(self, task: asyncio.Task[None]) -> None:
        self._tasks.add(task)

        def done(finished: asyncio.Task[None]) -> None:
            self._tasks.discard(finished)
            if not finished.cancelled() and finished.exception() is not None:
                log.error("slack_error_reply_crashed", exc_info=finished.exception())

        task.add_done_callback(done)

    async def drain(self) -> None:
        """Wait until every started task (and its error reply) has finished."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
