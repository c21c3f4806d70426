"""Running `overage-bot` as a separate OS process against in-test fakes."""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp

__all__ = ["BotProcess", "free_port", "run_cli", "start_bot"]

_BASE_ENV = {"PATH": "/usr/bin:/bin", "LOG_FORMAT": "json", "LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1"}


def free_port() -> int:
    """A TCP port that was free a moment ago on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def run_cli(
    *args: str, env: Mapping[str, str], cwd: Path, timeout_s: float = 60
) -> tuple[int, str, str]:
    """Run `python -m bot ARGS` to completion; returns (exit code, stdout, stderr)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env={**_BASE_ENV, "OVERAGE_DATA_DIR": str(cwd / "data"), **env},
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout_s)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


@dataclass
class BotProcess:
    """A running `overage-bot run`."""

    process: asyncio.subprocess.Process
    url: str

    async def stop(self, timeout_s: float = 15) -> tuple[int, str]:
        """Send SIGTERM and wait; returns (exit code, everything it logged)."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(self.process.communicate(), timeout_s)
        assert self.process.returncode is not None
        return self.process.returncode, err.decode()


_BIND_FAILED = "PORT: cannot listen"
_PORT_RETRIES = 3
_POLL_TIMEOUT = aiohttp.ClientTimeout(total=2)  # a bound on one /healthz poll, not a timing check


class _PortTaken(Exception):
    """The bot exited because someone else took its port between free_port() and its bind."""


@asynccontextmanager
async def start_bot(
    env: Mapping[str, str], *, cwd: Path, ready_timeout_s: float = 30
) -> AsyncIterator[BotProcess]:
    """Start `overage-bot run` on a free port and wait until /healthz answers.

    free_port() only says the port *was* free: when another process takes it before the bot
    binds (exit 2, ``PORT: cannot listen``), the bot is started again on a new port, up to
    three more times.
    """
    for retries_left in range(_PORT_RETRIES, -1, -1):
        bot = await _spawn(env, cwd=cwd, port=free_port())
        try:
            await _wait_until_serving(bot, ready_timeout_s=ready_timeout_s)
        except _PortTaken as exc:
            if retries_left == 0:
                raise AssertionError(f"overage-bot run found no free port: {exc}") from None
            continue
        except BaseException:
            await _kill(bot.process)
            raise
        break
    try:
        yield bot
    finally:
        await _kill(bot.process)


async def _spawn(env: Mapping[str, str], *, cwd: Path, port: int) -> BotProcess:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env={
            **_BASE_ENV,
            "OVERAGE_DATA_DIR": str(cwd / "data"),
            "HOST": "127.0.0.1",
            "PORT": str(port),
            **env,
        },
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    return BotProcess(process=process, url=f"http://127.0.0.1:{port}")


async def _wait_until_serving(bot: BotProcess, *, ready_timeout_s: float) -> None:
    """Poll /healthz until it answers; raise _PortTaken if the bot could not bind its port."""
    process = bot.process
    loop = asyncio.get_running_loop()
    deadline = loop.time() + ready_timeout_s
    async with aiohttp.ClientSession() as session:
        while True:
            if process.returncode is not None:
                _, err = await process.communicate()
                if process.returncode == 2 and _BIND_FAILED in err.decode():
                    raise _PortTaken(err.decode().strip())
                raise AssertionError(f"overage-bot run exited with {process.returncode}: {err.decode()}")
            try:
                async with session.get(bot.url + "/healthz", timeout=_POLL_TIMEOUT) as response:
                    if response.status in (200, 503):
                        return
            except (aiohttp.ClientConnectionError, TimeoutError):
                pass  # not listening yet, or the port's holder never answers: look again
            if loop.time() > deadline:
                raise AssertionError("overage-bot run did not serve /healthz in time")
            await asyncio.sleep(0.1)


async def _kill(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.kill()
        await process.communicate()
