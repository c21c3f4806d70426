"""Slack deliveries processed once: a retried or replayed request does not run its listener again.

Slack re-sends what it did not see acknowledged in time (``X-Slack-Retry-Num``), and a signed
request may be replayed within the 5-minute signature window. Each user action carries a
``trigger_id`` unique to it (events an ``event_id``), so a Bolt middleware — running after Bolt's
signature check, in HTTP and Socket Mode alike — acknowledges a key it has already seen in the last
five minutes without running any listener: no second report, no second export.

The ledger is per process (a replay to another replica is not caught; see README → Operations).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from slack_bolt.response import BoltResponse

__all__ = ["DeliveryLedger", "delivery_key", "once_middleware"]

log = structlog.get_logger(__name__)

WINDOW_S = 300.0
"""Slack's signature window: a replay older than this is refused by the signature check anyway."""
_MAX_KEYS = 100_000
_MAX_KEY_LEN = 256


class DeliveryLedger:
    """The delivery keys seen in the last ``window_s`` seconds (bounded to ``max_keys``)."""

    def __init__(
        self,
        *,
        window_s: float = WINDOW_S,
        max_keys: int = _MAX_KEYS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Start empty."""
        self._window_s = window_s
        self._max_keys = max_keys
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def first_time(self, key: str) -> bool:
        """Record ``key``; True when it was not seen within the window."""
        now = self._clock()
        while self._seen:
            oldest, at = next(iter(self._seen.items()))
            if now - at < self._window_s and len(self._seen) < self._max_keys:
                break
            del self._seen[oldest]
        if key in self._seen:
            return False
        self._seen[key] = now
        return True


def delivery_key(body: object) -> str | None:
    """``event:<event_id>`` or ``trigger:<trigger_id>`` of a request body, or None when it has neither."""
    if not isinstance(body, dict):
        return None
    for field, prefix in (("event_id", "event:"), ("trigger_id", "trigger:")):
        value = body.get(field)
        if isinstance(value, str) and value and len(value) <= _MAX_KEY_LEN:
            return prefix + value
    return None


def once_middleware(ledger: DeliveryLedger) -> Callable[..., Awaitable[Any]]:
    """A Bolt global middleware acknowledging an already-seen delivery without running a listener."""

    async def process_once(body: dict[str, Any], request: Any, next: Callable[[], Awaitable[Any]]) -> Any:
        key = delivery_key(body)
        if key is None or ledger.first_time(key):
            return await next()
        retry = (request.headers.get("x-slack-retry-num") or [None])[0]
        log.info("slack_duplicate_delivery", key=key[:40], retry_num=retry)
        return BoltResponse(status=200, body="", headers={"X-Slack-No-Retry": "1"})

    return process_once
