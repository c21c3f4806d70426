"""The delivery ledger: five minutes of memory, bounded in size."""

from __future__ import annotations

from bot.slack.deliveries import DeliveryLedger, delivery_key


def test_key_seen_again_within_the_window_is_refused_then_forgotten() -> None:
    """Within 300 s a key is a duplicate; after it, the signature check refuses replays anyway."""
    now = [0.0]
    ledger = DeliveryLedger(clock=lambda: now[0])
    assert ledger.first_time("trigger:1")
    now[0] = 299.0
    assert not ledger.first_time("trigger:1")
    now[0] = 600.0
    assert ledger.first_time("trigger:1")


def test_memory_is_bounded() -> None:
    """A flood of distinct keys never holds more than max_keys."""
    ledger = DeliveryLedger(max_keys=100, clock=lambda: 0.0)
    for n in range(10_000):
        assert ledger.first_time(f"trigger:{n}")
    assert len(ledger._seen) <= 100


def test_keys() -> None:
    """event_id for events, trigger_id for commands and clicks; none for anything else or oversized ids."""
    assert delivery_key({"event_id": "Ev1", "trigger_id": "t"}) == "event:Ev1"
    assert delivery_key({"trigger_id": "1.2.abc"}) == "trigger:1.2.abc"
    assert delivery_key({"trigger_id": "x" * 1000}) is None
    assert delivery_key(["not", "a", "dict"]) is None
    assert delivery_key({}) is None
