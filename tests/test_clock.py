"""The one utc_now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.clock import utc_now


def test_utc_now_is_aware_utc_and_current() -> None:
    """Aware, in UTC, and now."""
    now = utc_now()
    assert now.tzinfo is UTC
    assert abs(now - datetime.now(UTC)) < timedelta(seconds=5)
