"""One structured log line per Slack request: who, where, what, outcome, error type and durations.

The line names the subcommand (``kind``, ``top_n``) and whether a ``find`` text was given
(``find=True``), never the text itself: search texts are customer data.
"""

from __future__ import annotations

import contextvars
import time
import uuid
from collections.abc import Callable, Mapping
from types import TracebackType

import structlog

__all__ = ["RequestLog"]

log = structlog.get_logger(__name__)


class RequestLog:
    """Times one request and logs ``slack_request`` when it ends.

    Use it as a context manager around the request's work: an exception escaping the block is
    named in the line (``error``) and then propagates to the app's error handler. Inside the block
    every log line carries ``request_id``, so Keepnet and upload lines can be tied to the request.

    Args:
        request: the command or action id, e.g. ``/overage`` or ``overage_export_excel``.
        user: the Slack user id.
        channel: the channel id.
        clock: a monotonic clock in seconds.

    Example:
        ``slack_request request=/overage kind=report top_n=25 find=False outcome=error
        error=KeepnetNotResellerError user=U1 channel=C1 ack_ms=2.1 total_ms=180.4``
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
        self.kind: str | None = None
        self.top_n: int | None = None
        self.find: bool | None = None
        self.error: str | None = None
        self._clock = clock
        self._started = clock()
        self._ack_ms: float | None = None
        self.request_id = uuid.uuid4().hex[:12]
        self._bound: Mapping[str, contextvars.Token[object]] = {}

    def describe(self, *, kind: str | None, top_n: int | None, find: bool) -> None:
        """Note what was asked for.

        Args:
            kind: the parsed subcommand (``report``, ``help``, ``usage_error``), None for buttons.
            top_n: the requested top N (None: the default).
            find: whether a search text was given (the text itself is not logged).
        """
        self.kind, self.top_n, self.find = kind, top_n, find

    def acked(self) -> None:
        """Note the moment Slack's request was acknowledged."""
        self._ack_ms = round((self._clock() - self._started) * 1000, 1)

    def __enter__(self) -> RequestLog:
        # Every log line of the work (Keepnet requests, uploads) carries this request's id.
        self._bound = structlog.contextvars.bind_contextvars(request_id=self.request_id)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self.outcome = "error"
            self.error = exc_type.__name__
        self.finish()
        structlog.contextvars.reset_contextvars(**self._bound)

    def finish(self) -> None:
        """Log the request line (``outcome`` stays ``error`` unless the handler set another)."""
        log.info(
            "slack_request",
            request_id=self.request_id,
            request=self.request,
            kind=self.kind,
            top_n=self.top_n,
            find=self.find,
            user=self.user,
            channel=self.channel,
            outcome=self.outcome,
            error=self.error,
            ack_ms=self._ack_ms,
            total_ms=round((self._clock() - self._started) * 1000, 1),
        )
