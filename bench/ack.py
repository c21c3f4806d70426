"""Benchmark (not a test): how fast `overage-bot run` acknowledges /overage, and how little it asks of Keepnet.

The bot runs as its own OS process (``python -m bot run``, Slack HTTP mode, ``LOG_LEVEL=WARNING``,
state in a fresh sqlite file) exactly as deployed; the fake Slack and the load generator run in
this process; requests are signed exactly as Slack signs them. The Keepnet sandbox answers every
request after 100 ms and serves 1,000 customers.

1. Ack latency: 200 signed ``/overage`` requests from 200 channels, 10 in flight at a time, each
   timed from POST to the HTTP answer (the acknowledgement Slack waits for; Slack gives up after
   3 s). Goal: p99 ≤ 50 ms. The bot keeps fetching, posting and uploading in the background
   meanwhile; the run ends when all 200 CSVs are in their threads. The sandbox is a child process.
2. Report time: a fresh bot process (cold cache), one ``/overage``, from the POST until the CSV is
   in the thread. The sandbox runs in this process so its search requests can be counted.
3. Single flight: another fresh bot process, 50 simultaneous ``/overage`` from 50 channels; Keepnet
   search requests counted (goal: one report's worth, the count of step 2) and Keepnet export
   requests counted (goal: 1, the CSV shared by all 50).

The last line is machine-readable:
``ack_p50_ms=<x> ack_p99_ms=<y> report_s=<z> keepnet_searches_for_50=<n> keepnet_exports_for_50=<m>``.

Run: ``.venv/bin/python bench/ack.py``
"""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import structlog

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.* (the fakes)

from bot.sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, Faults, run_sandbox, seed_companies
from tests.fakes.slack_api import FakeSlack, run_fake_slack
from tests.scenario.harness import BOT_TOKEN, SIGNING_SECRET, new_trigger_id, sign

REQUESTS = 200
IN_FLIGHT = 10
SIMULTANEOUS = 50
LATENCY_MS = 100.0
COMPANIES = 1000
SEARCH_PATH = "/api/companies/search"
EXPORT_PATH = "/api/companies/search/export"
# Child output goes to files, not pipes: a pipe nobody reads fills up and then blocks the
# child's event loop on its next log line, a stall the benchmark must not add.
_BASE_ENV = {"PATH": "/usr/bin:/bin", "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 15)
        except TimeoutError:
            process.kill()
            await process.wait()


@asynccontextmanager
async def bot_process(env: Mapping[str, str], *, workdir: Path) -> AsyncIterator[str]:
    """Run ``python -m bot run`` (HTTP mode) on a free port; yields its base URL once /healthz answers.

    Args:
        env: the bot's environment (Slack, Keepnet and store settings); merged over a quiet base.
        workdir: its working directory (no ``.env`` there); its log goes to ``bot.log`` in it.
    """
    port = _free_port()
    with (workdir / "bot.log").open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env={**_BASE_ENV, "HOST": "127.0.0.1", "PORT": str(port), **env},
            cwd=workdir,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        async with aiohttp.ClientSession() as session:
            while True:
                if process.returncode is not None:
                    log_text = (workdir / "bot.log").read_text()
                    raise RuntimeError(f"overage-bot run exited with {process.returncode}: {log_text}")
                try:
                    async with session.get(url + "/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    pass
                if loop.time() > deadline:
                    raise RuntimeError("overage-bot run did not serve /healthz within 30 s")
                await asyncio.sleep(0.05)
        yield url
    finally:
        await _stop(process)


@asynccontextmanager
async def sandbox_process(*, latency_ms: float, companies: int, workdir: Path) -> AsyncIterator[str]:
    """Run ``python -m bot sandbox`` on a free port; yields its base URL.

    Args:
        latency_ms: delay before every response.
        companies: seeded customers.
        workdir: its working directory.
    """
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "sandbox",
        "--port",
        "0",
        "--latency-ms",
        str(latency_ms),
        "--companies",
        str(companies),
        env=_BASE_ENV,
        cwd=workdir,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        assert process.stdout is not None
        first = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        if "listening on" not in first:
            raise RuntimeError(f"overage-bot sandbox did not start: {first!r}")
        yield first.rsplit(" ", 1)[-1].strip()
    finally:
        await _stop(process)


@dataclass
class Bot:
    """A running bot process and what talks to it."""

    url: str
    fake: FakeSlack
    session: aiohttp.ClientSession

    async def command(self, channel: str) -> float:
        """POST a signed ``/overage`` from ``channel``; returns ms until the HTTP answer."""
        body = urlencode(
            {
                "token": "legacy-verification-token",
                "team_id": "T0FAKE",
                "channel_id": channel,
                "channel_name": "reports",
                "user_id": "U0ALICE",
                "user_name": "alice",
                "command": "/overage",
                "text": "",
                "api_app_id": "A0OVERAGE",
                "response_url": self.fake.response_url(channel),
                "trigger_id": new_trigger_id(),
            }
        )
        headers = sign(body)
        started = time.perf_counter()
        async with self.session.post(self.url + "/slack/events", data=body, headers=headers) as response:
            await response.read()
            elapsed = (time.perf_counter() - started) * 1000
            if response.status != 200:
                raise RuntimeError(f"/overage answered {response.status}")
        return elapsed

    async def wait_for_files(self, count: int, *, timeout_s: float) -> None:
        """Wait until ``count`` CSVs are in threads (polled every 10 ms)."""
        await self.fake.wait_for(lambda: len(self.fake.files) >= count, timeout_s=timeout_s)


@asynccontextmanager
async def running_bot(keepnet_url: str) -> AsyncIterator[Bot]:
    """A fresh ``overage-bot run`` (cold cache, empty store) with the fake Slack in this process."""
    with tempfile.TemporaryDirectory(prefix="overage-bench-") as tmp:
        workdir = Path(tmp)
        async with run_fake_slack() as fake:
            env = {
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": fake.api_url,
                "KEEPNET_BASE_URL": keepnet_url,
                "KEEPNET_CLIENT_ID": SANDBOX_CLIENT_ID,
                "KEEPNET_CLIENT_SECRET": SANDBOX_CLIENT_SECRET,
                "OVERAGE_DB_URL": f"sqlite+aiosqlite:///{workdir / 'state.db'}",
            }
            async with bot_process(env, workdir=workdir) as url:
                connector = aiohttp.TCPConnector(limit=0)
                async with aiohttp.ClientSession(connector=connector) as session:
                    yield Bot(url=url, fake=fake, session=session)


async def measure_ack() -> list[float]:
    """Ack latencies (ms) of REQUESTS commands from distinct channels, IN_FLIGHT at a time."""
    with tempfile.TemporaryDirectory(prefix="overage-sandbox-") as tmp:
        async with (
            sandbox_process(latency_ms=LATENCY_MS, companies=COMPANIES, workdir=Path(tmp)) as keepnet_url,
            running_bot(keepnet_url) as bot,
        ):
            gate = asyncio.Semaphore(IN_FLIGHT)

            async def one(i: int) -> float:
                async with gate:
                    return await bot.command(f"C{i:08d}")

            latencies = await asyncio.gather(*(one(i) for i in range(REQUESTS)))
            await bot.wait_for_files(REQUESTS, timeout_s=300)
            return list(latencies)


async def measure_report() -> tuple[float, int]:
    """Seconds from one cold /overage to its CSV in the thread, and the Keepnet searches it took."""
    faults = Faults(latency_ms=LATENCY_MS)
    async with (
        run_sandbox(companies=seed_companies(total=COMPANIES), faults=faults) as sandbox,
        running_bot(sandbox.base_url) as bot,
    ):
        started = time.perf_counter()
        await bot.command("C0REPORTS")
        await bot.wait_for_files(1, timeout_s=60)
        return time.perf_counter() - started, sandbox.stats.requests[SEARCH_PATH]


async def measure_single_flight() -> tuple[int, int]:
    """Keepnet searches and exports for SIMULTANEOUS simultaneous commands from distinct channels (cold cache)."""
    faults = Faults(latency_ms=LATENCY_MS)
    async with (
        run_sandbox(companies=seed_companies(total=COMPANIES), faults=faults) as sandbox,
        running_bot(sandbox.base_url) as bot,
    ):
        await asyncio.gather(*(bot.command(f"C{i:08d}") for i in range(SIMULTANEOUS)))
        await bot.wait_for_files(SIMULTANEOUS, timeout_s=120)
        return sandbox.stats.requests[SEARCH_PATH], sandbox.stats.requests[EXPORT_PATH]


async def main() -> None:
    """Run the three measurements and print the results."""
    logging.disable(logging.CRITICAL)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.CRITICAL))
    latencies = await measure_ack()
    p50, p99 = statistics.median(latencies), statistics.quantiles(latencies, n=100)[98]
    slowest = sorted(range(len(latencies)), key=lambda i: -latencies[i])[:5]
    print(f"ack latency over {REQUESTS} commands ({IN_FLIGHT} in flight, Keepnet {LATENCY_MS:.0f} ms):")
    print(f"  p50 {p50:.1f} ms  p99 {p99:.1f} ms  max {max(latencies):.1f} ms  (goal p99 <= 50 ms)")
    print("  slowest (request #, ms):", [(i, round(latencies[i], 1)) for i in slowest])
    report_s, one = await measure_report()
    print(f"cold /overage to CSV in thread: {report_s:.2f} s")
    fifty, exports = await measure_single_flight()
    print(f"Keepnet searches: {one} for one command, {fifty} for {SIMULTANEOUS} simultaneous (goal: {one})")
    print(f"Keepnet exports: {exports} for {SIMULTANEOUS} simultaneous (goal: 1)")
    print(
        f"ack_p50_ms={p50:.1f} ack_p99_ms={p99:.1f} report_s={report_s:.2f} keepnet_searches_for_50={fifty}"
        f" keepnet_exports_for_50={exports}"
    )


if __name__ == "__main__":
    asyncio.run(main())
