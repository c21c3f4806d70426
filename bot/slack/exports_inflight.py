"""Double-click guard: one Excel export at a time per report message.

Slack delivers every click, so a second click on *Export to Excel* while the first export is still
running would fetch and upload the same file twice. The guard is in-process (one bot process per
workspace), keyed by channel and message ``ts``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["InflightExports"]


class InflightExports:
    """The report messages whose export is being prepared right now."""

    def __init__(self) -> None:
        self._running: set[tuple[str, str]] = set()

    def __len__(self) -> int:
        return len(self._running)

    @contextmanager
    def claim(self, channel: str, message_ts: str) -> Iterator[bool]:
        """Claim the export of one message for the duration of the block.

        Args:
            channel: the channel id of the report message.
            message_ts: the report message's ``ts``.

        Yields:
            True when this caller owns the export; False when one is already running (the
            caller should tell the clicker so and do nothing else).
        """
        key = (channel, message_ts)
        if key in self._running:
            yield False
            return
        self._running.add(key)
        try:
            yield True
        finally:
            self._running.discard(key)
