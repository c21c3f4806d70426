"""One structured log line per Slack request: who, where, what, outcome, ack and total time."""

from __future__ import annotations

import time
from collections.abc import Callable

import structlog

__all__ = ["RequestLog"]

log = structlog.get_logger(__name__)


class RequestLog:
    """Times one request and logs ``slack_request`` when it ends.

    Args:
        request: the command or action id, e.g. ``/overage`` or ``overage_export_excel``.
        user: the Slack user id.
        channel: the channel id.
        clock: a monotonic clock in seconds.
    """

    def __init__(
        self,
        request: str,
        *,
        user: str | None,
        channel: str | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.request = request
        self.user = user
        self.channel = channel
        self.outcome = "error"
        self._clock = clock
        self._started = clock()
        self._ack_ms: float | None = None

    def acked(self) -> None:
        """Note the moment Slack's request was acknowledged."""
        self._ack_ms = round((self._clock() - self._started) * 1000, 1)

    def finish(self) -> None:
        """Log the request line (``outcome`` stays ``error`` unless the handler set another)."""
        log.info(
            "slack_request",
            request=self.request,
            user=self.user,
            channel=self.channel,
            outcome=self.outcome,
            ack_ms=self._ack_ms,
            total_ms=round((self._clock() - self._started) * 1000, 1),
        )
