"""Work that runs after a request has been answered, kept referenced and drained on shutdown.

Both chat edges answer first and work afterwards (Slack's 3 s acknowledgement, Teams' 202); the
Slack listeners' :class:`bot.slack.listeners.BackgroundWork` and Teams' :class:`bot.teams.turns.BackgroundTurns`
keep their tasks here, so a task is never garbage-collected mid-flight and shutdown waits for them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

__all__ = ["BackgroundTasks"]


class BackgroundTasks:
    """Tasks started in the background, kept referenced until they finish."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def __len__(self) -> int:
        return len(self._tasks)

    def start(
        self,
        work: Coroutine[Any, Any, None],
        *,
        name: str | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        on_cancel: Callable[[], None] | None = None,
    ) -> asyncio.Task[None]:
        """Run ``work`` now.

        Args:
            work: the coroutine to run.
            name: the task's name.
            on_failure: called with what ``work`` raised (it may start more tasks here, e.g. an error
                reply; :meth:`drain` waits for those too).
            on_cancel: called when the task was cancelled.

        Returns:
            The task (tests may await it).
        """
        task = asyncio.get_running_loop().create_task(work, name=name)
        self._tasks.add(task)

        def done(finished: asyncio.Task[None]) -> None:
            self._tasks.discard(finished)
            if finished.cancelled():
                if on_cancel is not None:
                    on_cancel()
                return
            error = finished.exception()
            if error is not None and on_failure is not None:
                on_failure(error)

        task.add_done_callback(done)
        return task

    async def drain(self) -> None:
        """Wait until every started task (and every task started by their failure hooks) has finished."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
