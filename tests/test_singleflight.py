"""SingleFlight: concurrent callers share one in-flight call; failures reach them all, then retry."""

from __future__ import annotations

import asyncio

import pytest

from bot.singleflight import SingleFlight


class Backend:
    """Counts calls; each waits on a gate the test opens."""

    def __init__(self) -> None:
        self.calls = 0
        self.gate = asyncio.Event()
        self.fail: Exception | None = None

    async def fetch(self, key: str) -> str:
        """One slow call."""
        self.calls += 1
        await self.gate.wait()
        if self.fail is not None:
            raise self.fail
        return f"{key}#{self.calls}"


async def test_concurrent_callers_share_one_call_per_key() -> None:
    """Ten callers for "a" and one for "b": two calls; every "a" caller gets the same result."""
    flight: SingleFlight[str, str] = SingleFlight()
    backend = Backend()
    waiting = [asyncio.create_task(flight.run("a", lambda: backend.fetch("a"))) for _ in range(10)]
    other = asyncio.create_task(flight.run("b", lambda: backend.fetch("b")))
    await asyncio.sleep(0)
    assert flight.running("a")
    assert len(flight) == 2
    backend.gate.set()
    results = await asyncio.gather(*waiting)
    assert backend.calls == 2
    assert set(results) == {results[0]}
    assert results[0].startswith("a#")
    assert (await other).startswith("b#")
    assert len(flight) == 0


async def test_a_failure_reaches_every_waiter_and_the_next_call_retries() -> None:
    """All waiters see the same error; afterwards a new call is made."""
    flight: SingleFlight[str, str] = SingleFlight()
    backend = Backend()
    backend.fail = RuntimeError("down")
    waiting = [asyncio.create_task(flight.run("a", lambda: backend.fetch("a"))) for _ in range(3)]
    await asyncio.sleep(0)
    backend.gate.set()
    outcomes = await asyncio.gather(*waiting, return_exceptions=True)
    assert all(isinstance(o, RuntimeError) for o in outcomes)
    assert backend.calls == 1
    backend.fail = None
    assert await flight.run("a", lambda: backend.fetch("a")) == "a#2"


async def test_a_cancelled_caller_does_not_cancel_the_shared_call() -> None:
    """One caller gives up; the other still gets the result, and no error is left unretrieved."""
    flight: SingleFlight[str, str] = SingleFlight()
    backend = Backend()
    quitter = asyncio.create_task(flight.run("a", lambda: backend.fetch("a")))
    stayer = asyncio.create_task(flight.run("a", lambda: backend.fetch("a")))
    await asyncio.sleep(0)
    quitter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await quitter
    backend.gate.set()
    assert await stayer == "a#1"
    assert backend.calls == 1
