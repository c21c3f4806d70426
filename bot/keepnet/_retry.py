"""Retrying one Keepnet request: which failures are retried, how long to wait, what to report.

Retried: :class:`RetryableError` (429, 5xx), timeouts and connection errors. The wait is the
server's ``Retry-After`` when it sent one, else "full jitter" exponential backoff: a random wait
between 0 and ``min(20, 0.5 × 2^(try − 1))`` seconds (tenacity computes the bound; the random
source is injected). A ``Retry-After`` longer than :data:`MAX_RETRY_AFTER_S` is not waited out:
the call fails at once, saying how long Keepnet asked to wait and when to try again.
"""

from __future__ import annotations

import contextvars
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import aiohttp
from tenacity import AsyncRetrying, RetryCallState, RetryError, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_exponential

from bot.keepnet import _wire
from bot.keepnet.errors import KeepnetUnavailableError

__all__ = [
    "BACKOFF_BASE_S",
    "BACKOFF_MAX_S",
    "MAX_RETRY_AFTER_S",
    "RETRYABLE",
    "Retrier",
    "attempt",
    "unreachable",
]

MAX_RETRY_AFTER_S = 120.0
BACKOFF_BASE_S = 0.5
BACKOFF_MAX_S = 20.0
RETRYABLE = (_wire.RetryableError, TimeoutError, aiohttp.ClientConnectionError, aiohttp.ClientPayloadError)
attempt: contextvars.ContextVar[int] = contextvars.ContextVar("keepnet_attempt", default=1)
"""The try number of the request being made (for the request log line)."""

T = TypeVar("T")


class Retrier:
    """Runs a request up to ``max_tries`` times.

    Args:
        max_tries: tries per request.
        timeout_s: the per-request timeout (named in the final error).
        sleep: awaited between tries.
        rng: the random source of the backoff jitter.
        now: the current time (aware), to say when to retry after a long ``Retry-After``.
    """

    def __init__(
        self,
        *,
        max_tries: int,
        timeout_s: float,
        sleep: Callable[[float], Awaitable[None]],
        rng: random.Random,
        now: Callable[[], datetime],
    ) -> None:
        self.max_tries = max_tries
        self._timeout_s = timeout_s
        self._sleep = sleep
        self._rng = rng
        self._now = now
        self._bound = wait_exponential(multiplier=BACKOFF_BASE_S, max=BACKOFF_MAX_S)

    async def __call__(self, call: Callable[[], Awaitable[T]]) -> T:
        """Await ``call()`` until it succeeds, fails for good, or runs out of tries.

        Raises:
            KeepnetUnavailableError: still failing after ``max_tries``, or asked to wait too long.
            KeepnetError: any failure that is not retried, as raised.
        """
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.max_tries),
            wait=self.wait,
            retry=retry_if_exception_type(RETRYABLE),
            sleep=self._sleep,
        )
        try:
            async for each in retrying:
                with each:
                    attempt.set(each.retry_state.attempt_number)
                    return await self._guarded(call)
        except RetryError as exc:
            last = exc.last_attempt.exception()
            if isinstance(last, aiohttp.ClientConnectorError):
                raise unreachable(last, tries=self.max_tries) from last
            raise KeepnetUnavailableError(
                f"Keepnet unavailable ({self._describe(last)}) after {self.max_tries} tries.",
                status=getattr(last, "status", None),
                tries=self.max_tries,
            ) from last
        raise AssertionError("unreachable: tenacity returns or raises")  # pragma: no cover

    def wait(self, state: RetryCallState) -> float:
        """Seconds before the next try: the server's ``Retry-After``, else jittered backoff."""
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _wire.RetryableError) and exc.retry_after is not None:
            return exc.retry_after
        return self._rng.uniform(0.0, float(self._bound(state)))

    async def _guarded(self, call: Callable[[], Awaitable[T]]) -> T:
        try:
            return await call()
        except _wire.RetryableError as exc:
            if exc.retry_after is not None and exc.retry_after > MAX_RETRY_AFTER_S:
                raise self._too_long(exc, exc.retry_after) from exc
            raise

    def _too_long(self, exc: _wire.RetryableError, seconds: float) -> KeepnetUnavailableError:
        when = self._now() + timedelta(seconds=seconds)
        return KeepnetUnavailableError(
            f"Keepnet answered {exc.status} and asked to wait {seconds:.0f} s before the next request "
            f"(Retry-After), longer than the bot waits ({MAX_RETRY_AFTER_S:.0f} s).",
            remediation=f"Try again after {when.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC.",
            status=exc.status,
            tries=attempt.get(),
        )

    def _describe(self, exc: BaseException | None) -> str:
        if isinstance(exc, _wire.RetryableError):
            return exc.message.rstrip(".")
        if isinstance(exc, TimeoutError):
            return f"no answer within {self._timeout_s:g} s"
        return f"connection failed: {type(exc).__name__} {exc}".strip()


def _address(exc: aiohttp.ClientConnectorError) -> str:
    """``https://host[:port]`` of a failed connection (the scheme from aiohttp's connection key)."""
    is_ssl = getattr(exc.args[0] if exc.args else None, "is_ssl", None)
    if is_ssl is None:
        return f"{exc.host}:{exc.port}"
    scheme, default_port = ("https", 443) if is_ssl else ("http", 80)
    port = "" if exc.port in (None, default_port) else f":{exc.port}"
    return f"{scheme}://{exc.host}{port}"


def unreachable(exc: aiohttp.ClientConnectorError, *, tries: int) -> KeepnetUnavailableError:
    """The error for a connection that could not be made (refused, unknown host, not HTTPS, proxy).

    These are configuration mistakes more often than outages, so the fix names KEEPNET_BASE_URL,
    the network and HTTPS_PROXY rather than "try again later".

    Args:
        exc: the last connection failure.
        tries: how many tries were made.
    """
    where = _address(exc)
    if isinstance(exc, aiohttp.ClientProxyConnectionError):
        return KeepnetUnavailableError(
            f"The proxy {exc.host}:{exc.port} could not be reached ({exc.strerror}) after {tries} tries.",
            remediation="Check HTTPS_PROXY (and NO_PROXY for hosts that must go direct).",
            tries=tries,
        )
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        why = f"the host name {exc.host} could not be resolved"
    elif isinstance(exc, aiohttp.ClientConnectorSSLError):
        why = f"{exc.host}:{exc.port} does not speak HTTPS (is the scheme in KEEPNET_BASE_URL right?)"
    else:
        why = f"cannot connect to {exc.host}:{exc.port}: {exc.strerror or type(exc.os_error).__name__}"
    return KeepnetUnavailableError(
        f"Keepnet unavailable (connection failed: {why}) after {tries} tries.",
        remediation=(
            f"Keepnet could not be reached at {where}: check KEEPNET_BASE_URL, the network and HTTPS_PROXY."
        ),
        tries=tries,
    )
