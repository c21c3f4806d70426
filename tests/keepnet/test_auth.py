"""Token cache: reuse, renewal 60 s before expiry, single flight, invalidation."""

from __future__ import annotations

import asyncio

import pytest

from bot.keepnet.auth import REDACTED_TOKENS, TokenCache
from bot.keepnet.errors import KeepnetInvalidClientError
from bot.keepnet.models import TokenResponse
from bot.logging import redact_secrets, registered_secret_count


class FakeTokenEndpoint:
    """Hands out numbered tokens; can be told to fail or to wait for a release."""

    def __init__(self, *, expires_in: int = 3600) -> None:
        self.calls = 0
        self.expires_in = expires_in
        self.fail: Exception | None = None
        self.gate: asyncio.Event | None = None
        self.called = asyncio.Event()

    async def __call__(self) -> TokenResponse:
        self.calls += 1
        self.called.set()
        if self.gate is not None:
            await self.gate.wait()
        if self.fail is not None:
            raise self.fail
        return TokenResponse(access_token=f"token-number-{self.calls}", expires_in=self.expires_in)


class Clock:
    """A settable monotonic clock for token-expiry tests."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_token_is_reused_until_60s_before_expiry() -> None:
    """The same token serves calls until 60 s before expires_in, then a new one is fetched."""
    endpoint, clock = FakeTokenEndpoint(), Clock()
    cache = TokenCache(endpoint, clock=clock)
    assert await cache.get() == "token-number-1"
    clock.now += 3600 - 61
    assert await cache.get() == "token-number-1"
    clock.now += 1
    assert await cache.get() == "token-number-2"
    assert endpoint.calls == 2


async def test_short_lived_token_is_still_reused_for_half_its_life() -> None:
    """A 60 s token is not refetched on every call: the margin is capped at half the lifetime."""
    endpoint, clock = FakeTokenEndpoint(expires_in=60), Clock()
    cache = TokenCache(endpoint, clock=clock)
    await cache.get()
    clock.now += 29
    await cache.get()
    assert endpoint.calls == 1


async def test_concurrent_callers_share_one_request() -> None:
    """Twenty callers arriving together cause exactly one token request."""
    endpoint = FakeTokenEndpoint()
    endpoint.gate = asyncio.Event()
    cache = TokenCache(endpoint, clock=Clock())
    waiting = [asyncio.ensure_future(cache.get()) for _ in range(20)]
    await asyncio.sleep(0)
    endpoint.gate.set()
    tokens = await asyncio.gather(*waiting)
    assert set(tokens) == {"token-number-1"}
    assert endpoint.calls == 1


async def test_failure_reaches_every_waiter_and_next_call_retries() -> None:
    """A failed fetch raises for all who waited on it; the next call asks again."""
    endpoint = FakeTokenEndpoint()
    endpoint.fail = KeepnetInvalidClientError("bad client")
    cache = TokenCache(endpoint, clock=Clock())
    results = await asyncio.gather(cache.get(), cache.get(), return_exceptions=True)
    assert all(isinstance(r, KeepnetInvalidClientError) for r in results)
    assert endpoint.calls == 1
    endpoint.fail = None
    assert await cache.get() == "token-number-2"


async def test_invalidate_only_drops_the_rejected_token() -> None:
    """Invalidating a stale token keeps a newer one; invalidating the current one forces a fetch."""
    endpoint = FakeTokenEndpoint()
    cache = TokenCache(endpoint, clock=Clock())
    first = await cache.get()
    cache.invalidate("some-older-token")
    assert await cache.get() == first
    cache.invalidate(first)
    assert await cache.get() == "token-number-2"


async def test_issued_tokens_are_registered_for_redaction() -> None:
    """Every issued token is redacted from log lines."""
    cache = TokenCache(FakeTokenEndpoint(), clock=Clock())
    token = await cache.get()
    line = redact_secrets(None, "info", {"event": "x", "detail": f"used {token} here"})
    assert token not in line["detail"]


@pytest.mark.parametrize("lifetime", [3600, 300])
async def test_renewal_time_is_measured_from_the_request_start(lifetime: int) -> None:
    """Time spent waiting for the token counts against its lifetime."""
    endpoint, clock = FakeTokenEndpoint(expires_in=lifetime), Clock()
    endpoint.gate = asyncio.Event()
    cache = TokenCache(endpoint, clock=clock)
    pending = asyncio.ensure_future(cache.get())
    await endpoint.called.wait()
    clock.now += 10
    endpoint.gate.set()
    await pending
    clock.now += lifetime - 60 - 10
    assert cache.current() is None


async def test_redacted_tokens_stay_bounded_over_many_renewals() -> None:
    """50 renewals register at most REDACTED_TOKENS tokens; the current and recent ones stay redacted."""
    clock, issued = Clock(), iter(range(50))

    async def fetch() -> TokenResponse:
        return TokenResponse(access_token=f"bounded-renewal-token-{next(issued)}", expires_in=600)

    cache = TokenCache(fetch, clock=clock)
    before = registered_secret_count()
    tokens = []
    for _ in range(50):
        tokens.append(await cache.get())
        clock.now += 600
    assert len(set(tokens)) == 50
    assert registered_secret_count() - before == REDACTED_TOKENS

    def shown(token: str) -> bool:
        return token in redact_secrets(None, "info", {"event": "x", "detail": f"used {token}!"})["detail"]

    assert not shown(tokens[-1])
    assert not shown(tokens[-REDACTED_TOKENS])
    assert shown(tokens[0])
