"""Benchmark (not a test): how fast /overage is acknowledged, and how little it asks of Keepnet.

The Keepnet sandbox answers with 100 ms latency per response; the bot runs in HTTP mode behind a
real aiohttp server with the fake Slack; requests are signed exactly as Slack signs them. For the
ack measurement the sandbox runs in a child process (its CPU work would otherwise stall the bot's
event loop, which it does not share in production); the other two use an in-process sandbox so
its search requests can be counted.

1. Ack latency: 200 signed ``/overage`` requests, 10 in flight at a time, each timed from POST to
   the HTTP answer (the acknowledgement Slack waits for; Slack gives up after 3 s). Goal: p99 ≤ 50 ms.
   The bot keeps fetching, posting and uploading in the background meanwhile.
2. Report time: one ``/overage`` on a cold cache, from the POST until the CSV is in the thread.
3. Single flight: 50 simultaneous ``/overage`` on a cold cache; Keepnet search requests counted.
   Goal: one report's worth (the same count as a single command).

The last line is machine-readable:
``ack_p50_ms=<x> ack_p99_ms=<y> report_s=<z> keepnet_searches_for_50=<n>``.

Run: ``.venv/bin/python bench/ack.py``
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import structlog

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.scenario (the fakes)

import aiohttp
from aiohttp import web

from bot.config import load_settings
from bot.deps import Deps
from bot.keepnet.client import KeepnetClient
from bot.runtime import build_service
from bot.sandbox.app import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
from bot.sandbox.faults import Faults
from bot.slack.app import close_web_session, create_app, open_web_session
from bot.slack.http import slack_routes
from bot.slack.listeners import BackgroundWork
from tests.fakes.slack_api import FakeSlack, run_fake_slack
from tests.scenario.harness import BOT_TOKEN, SIGNING_SECRET, BotUnderTest, run_bot

REQUESTS = 200
IN_FLIGHT = 10
SIMULTANEOUS = 50
LATENCY_MS = 100.0


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


async def _timed_command(bot: BotUnderTest, channel: str) -> float:
    started = time.perf_counter()
    reply = await bot.command("", channel=channel)
    elapsed = (time.perf_counter() - started) * 1000
    if reply.status != 200:
        raise RuntimeError(f"/overage answered {reply.status}: {reply.body}")
    return elapsed


@asynccontextmanager
async def sandbox_process() -> AsyncIterator[str]:
    """A Keepnet sandbox (1,000 companies, 100 ms latency) in a child process; yields its URL.

    In its own process the sandbox's CPU work (sorting, CSV building) does not stall the bot's
    event loop, as it would not in production either.
    """
    code = (
        "import asyncio; from bot.sandbox.app import serve_sandbox; from bot.sandbox.faults import Faults; "
        f"asyncio.run(serve_sandbox(host='127.0.0.1', port=0, faults=Faults(latency_ms={LATENCY_MS}), "
        "companies=1000))"
    )
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL
    )
    try:
        assert child.stdout is not None
        first = (await asyncio.wait_for(child.stdout.readline(), 30)).decode()
        yield first.rsplit(" ", 1)[-1].strip()
    finally:
        child.terminate()
        await child.wait()


@asynccontextmanager
async def http_bot(keepnet_url: str) -> AsyncIterator[tuple[BotUnderTest, FakeSlack]]:
    """The bot in HTTP mode against an external Keepnet, with the fake Slack in this process."""
    async with run_fake_slack() as fake:
        settings = load_settings(
            slack_bot_token=BOT_TOKEN,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=fake.api_url,
            keepnet_base_url=keepnet_url,
        )
        async with KeepnetClient(
            base_url=keepnet_url, client_id=SANDBOX_CLIENT_ID, client_secret=SANDBOX_CLIENT_SECRET
        ) as client:
            service = build_service(settings, client, sandbox=True)
            background = BackgroundWork()
            app = create_app(settings, Deps(settings=settings, service=service), background=background)
            await open_web_session(app)
            web_app = web.Application()
            web_app.add_routes(slack_routes(app))
            runner = web.AppRunner(web_app, access_log=None)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", 0).start()
            try:
                async with aiohttp.ClientSession() as session:
                    bot = BotUnderTest(
                        fake=fake,
                        sandbox=None,  # type: ignore[arg-type]  # out of process
                        service=service,
                        app=app,
                        settings=settings,
                        events_url=f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events",
                        session=session,
                        background=background,
                    )
                    yield bot, fake
                    await background.drain()
            finally:
                await runner.cleanup()
                await close_web_session(app)


async def measure_ack() -> list[float]:
    """Ack latencies (ms) of REQUESTS commands, IN_FLIGHT at a time."""
    async with sandbox_process() as keepnet_url, http_bot(keepnet_url) as (bot, fake):
        gate = asyncio.Semaphore(IN_FLIGHT)

        async def one(i: int) -> float:
            async with gate:
                return await _timed_command(bot, f"C{i:08d}")

        latencies = await asyncio.gather(*(one(i) for i in range(REQUESTS)))
        await fake.wait_for(lambda: len(fake.files) >= REQUESTS, timeout_s=120)
        return list(latencies)


async def measure_report() -> float:
    """Seconds from one cold /overage to its CSV in the thread."""
    async with run_bot(faults=Faults(latency_ms=LATENCY_MS)) as bot:
        started = time.perf_counter()
        await _timed_command(bot, "C0REPORTS")
        await bot.fake.wait_for(lambda: bot.fake.files, timeout_s=60)
        return time.perf_counter() - started


async def measure_single_flight() -> tuple[int, int]:
    """Keepnet searches for one command and for SIMULTANEOUS simultaneous commands (cold cache)."""
    async with run_bot(faults=Faults(latency_ms=LATENCY_MS)) as bot:
        await _timed_command(bot, "C0ONE")
        await bot.fake.wait_for(lambda: bot.fake.files, timeout_s=60)
        one = bot.searches()
    async with run_bot(faults=Faults(latency_ms=LATENCY_MS)) as bot:
        await asyncio.gather(*(_timed_command(bot, f"C{i:08d}") for i in range(SIMULTANEOUS)))
        await bot.fake.wait_for(lambda: len(bot.fake.files) >= SIMULTANEOUS, timeout_s=120)
        return one, bot.searches()


async def main() -> None:
    """Run the three measurements and print the results."""
    logging.disable(logging.CRITICAL)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.CRITICAL))
    latencies = await measure_ack()
    p50, p99 = statistics.median(latencies), _percentile(latencies, 99)
    slowest = sorted(range(len(latencies)), key=lambda i: -latencies[i])[:5]
    print("slowest:", [(i, round(latencies[i], 1)) for i in slowest])
    print(f"ack latency over {REQUESTS} commands ({IN_FLIGHT} in flight, Keepnet {LATENCY_MS:.0f} ms):")
    print(f"  p50 {p50:.1f} ms  p99 {p99:.1f} ms  max {max(latencies):.1f} ms  (goal p99 <= 50 ms)")
    report_s = await measure_report()
    print(f"cold /overage to CSV in thread: {report_s:.2f} s")
    one, fifty = await measure_single_flight()
    print(f"Keepnet searches: {one} for one command, {fifty} for {SIMULTANEOUS} simultaneous (goal: {one})")
    print(
        f"ack_p50_ms={p50:.1f} ack_p99_ms={p99:.1f} report_s={report_s:.2f} keepnet_searches_for_50={fifty}"
    )


if __name__ == "__main__":
    asyncio.run(main())
