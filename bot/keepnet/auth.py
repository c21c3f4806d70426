"""Access-token cache: one token shared by all requests, renewed shortly before it expires.

The cache knows nothing about HTTP: it is given an async ``fetch`` that asks ``/connect/token``
for a new token. Concurrent callers that find no valid token share ONE in-flight fetch; if it
fails, they all see the same error and the next call tries again.

Each issued token is registered for log redaction; only the last :data:`REDACTED_TOKENS` stay
registered (a replaced token may still show up in late log lines of requests in flight), so a
long-running bot does not accumulate one secret per renewal.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable

from bot.keepnet.models import TokenResponse
from bot.logging import register_secret, unregister_secret
from bot.singleflight import SingleFlight

__all__ = ["REDACTED_TOKENS", "RENEW_MARGIN_S", "TokenCache"]

RENEW_MARGIN_S = 60.0
REDACTED_TOKENS = 10
"""How many of the most recent tokens stay registered for log redaction."""


class TokenCache:
    """Caches the bearer token and renews it ``RENEW_MARGIN_S`` before ``expires_in`` runs out.

    Args:
        fetch: asks the token endpoint for a new token (raises typed errors).
        clock: monotonic seconds (injected so tests can move time).
        margin_s: renew this long before expiry; capped at half the lifetime so a very short-lived
            token is still reused for a while.
    """

    def __init__(
        self,
        fetch: Callable[[], Awaitable[TokenResponse]],
        *,
        clock: Callable[[], float],
        margin_s: float = RENEW_MARGIN_S,
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._margin_s = margin_s
        self._token: str | None = None
        self._renew_at = 0.0
        self._renewal: SingleFlight[None, str] = SingleFlight(name="keepnet-token")
        self._registered: deque[str] = deque()
        self.fetches = 0

    def current(self) -> str | None:
        """The cached token if it is still fresh, else None."""
        if self._token is not None and self._clock() < self._renew_at:
            return self._token
        return None

    async def get(self) -> str:
        """A valid access token, fetching a new one when needed (single-flight).

        Raises:
            KeepnetError: the token request failed.
        """
        token = self.current()
        if token is not None:
            return token
        return await self._renewal.run(None, self._renew)

    def invalidate(self, token: str) -> None:
        """Forget ``token`` (answered 401) unless it has already been replaced by a newer one."""
        if self._token == token:
            self._token = None
            self._renew_at = 0.0

    async def _renew(self) -> str:
        started = self._clock()
        self.fetches += 1
        response = await self._fetch()
        self._register(response.access_token)
        margin = min(self._margin_s, response.expires_in / 2)
        self._token = response.access_token
        self._renew_at = started + response.expires_in - margin
        return response.access_token

    def _register(self, token: str) -> None:
        """Redact ``token`` from logs; forget the oldest once more than REDACTED_TOKENS are kept."""
        register_secret(token)
        if token in self._registered:
            return
        self._registered.append(token)
        while len(self._registered) > REDACTED_TOKENS:
            unregister_secret(self._registered.popleft())
