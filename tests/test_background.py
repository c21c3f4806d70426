"""BackgroundTasks: kept until done, failures and cancellations reported, drain waits for follow-ups."""

from __future__ import annotations

import asyncio

from bot.background import BackgroundTasks


async def test_drain_waits_for_work_and_for_tasks_started_by_a_failure() -> None:
    """A failure's follow-up (e.g. the error reply) is drained too; cancellations are reported."""
    tasks = BackgroundTasks()
    seen: list[str] = []

    async def ok() -> None:
        await asyncio.sleep(0.01)
        seen.append("ok")

    async def boom() -> None:
        raise RuntimeError("boom")

    async def reply() -> None:
        await asyncio.sleep(0.01)
        seen.append("replied")

    async def forever() -> None:
        await asyncio.Event().wait()

    def failed(error: BaseException) -> None:
        seen.append(str(error))
        tasks.start(reply())

    tasks.start(ok())
    tasks.start(boom(), on_failure=failed)
    stuck = tasks.start(forever(), on_cancel=lambda: seen.append("cancelled"))
    assert len(tasks) == 3
    stuck.cancel()
    await tasks.drain()
    assert len(tasks) == 0
    assert sorted(seen) == ["boom", "cancelled", "ok", "replied"]
