"""Single-flight: concurrent callers for the same key share one in-flight call.

Used for the Keepnet token (:mod:`bot.keepnet.auth`), the report data (:mod:`bot.service`) and the
exports (:mod:`bot.exports.cache`). It imports nothing of ``bot``, so every package may use it.

A caller that goes away (cancelled) does not cancel the shared call: the others still get its
result. A failure reaches every caller waiting at that moment and is then forgotten, so the next
call tries again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Hashable
from functools import partial
from typing import Any, Generic, TypeVar

__all__ = ["SingleFlight"]

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


class SingleFlight(Generic[K, T]):
    """The calls in flight, one per key."""

    def __init__(self, *, name: str = "single-flight") -> None:
        self._calls: dict[K, asyncio.Task[T]] = {}
        self._name = name

    def __len__(self) -> int:
        return len(self._calls)

    def running(self, key: K) -> bool:
        """Whether a call for ``key`` is in flight."""
        return key in self._calls

    def start(self, key: K, call: Callable[[], Coroutine[Any, Any, T]]) -> asyncio.Task[T]:
        """The task of the call in flight for ``key``, starting ``call()`` when there is none.

        Args:
            key: what the callers share (e.g. the search text).
            call: makes the coroutine to run; not called when a call is already in flight.

        Returns:
            The shared task; await it through :func:`asyncio.shield` (as :meth:`run` does).
        """
        task = self._calls.get(key)
        if task is None:
            task = asyncio.get_running_loop().create_task(call(), name=self._name)
            self._calls[key] = task
            task.add_done_callback(partial(self._finished, key))
        return task

    async def run(self, key: K, call: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """The result of the call in flight for ``key`` (starting ``call()`` when there is none).

        Raises:
            Exception: what the shared call raised (every caller waiting for it gets it).
        """
        return await asyncio.shield(self.start(key, call))

    def _finished(self, key: K, task: asyncio.Task[T]) -> None:
        if self._calls.get(key) is task:
            del self._calls[key]
        if not task.cancelled():
            task.exception()  # mark a failure as retrieved even if every caller went away
