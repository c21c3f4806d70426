"""The decision audit on SQLite and PostgreSQL: append-only, latest per company, races, redeliveries."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.report.decisions import Decision
from bot.store.database import Store
from bot.store.decisions import delivery_key
from tests.store.fixtures import StoreTarget, _store, _store_target  # noqa: F401 - fixtures

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def _decision(
    company: str, kind: str = "billed", *, at: datetime = T0, by: str = "U1", **extra: Any
) -> Decision:
    fields: dict[str, Any] = {"edge": "slack", "channel": "C1", "company_name": f"{company} Inc"}
    fields.update(extra)
    return Decision(company_id=company, decision=kind, decided_at=at, by_id=by, **fields)  # type: ignore[arg-type]


async def test_latest_per_company_and_every_row_kept(store: Store) -> None:
    await store.decisions.record(_decision("a", "billed", cycle="2026-12", excess=5))
    await store.decisions.record(_decision("a", "reopened", at=T0 + timedelta(minutes=1)))
    await store.decisions.record(_decision("b", "snoozed", until=date(2027, 3, 1), excess=7, by_name="Ada"))
    latest = await store.decisions.latest(["a", "b", "zzz"])
    assert {k: v.decision for k, v in latest.items()} == {"a": "reopened", "b": "snoozed"}
    assert latest["b"] == _decision("b", "snoozed", until=date(2027, 3, 1), excess=7, by_name="Ada")
    history = [d async for d in store.decisions.history()]
    assert [(d.company_id, d.decision) for d in history] == [
        ("a", "billed"),
        ("b", "snoozed"),
        ("a", "reopened"),
    ]
    since = [d async for d in store.decisions.history(since=T0 + timedelta(seconds=30))]
    assert [d.decision for d in since] == ["reopened"]


async def test_refused_and_duplicate_record_nothing(store: Store) -> None:
    key = delivery_key("slack", "U1", "1733389200.000100", "billed:a")
    first = await store.decisions.record(_decision("a"), delivery=key, allow=lambda latest: latest is None)
    again = await store.decisions.record(_decision("a", at=T0 + timedelta(seconds=1)), delivery=key)
    refused = await store.decisions.record(_decision("a", "ignored"), allow=lambda latest: latest is None)
    assert (first.outcome, again.outcome, refused.outcome) == ("recorded", "duplicate", "refused")
    assert refused.latest is not None
    assert refused.latest.decision == "billed"
    assert await store.decisions.count() == 1


async def test_latest_of_many_companies(store: Store) -> None:
    """More ids than one IN list holds (500): read in chunks, none lost."""
    for i in range(520):
        await store.decisions.record(_decision(f"c{i}", "ignored"))
    latest = await store.decisions.latest([*(f"c{i}" for i in range(520)), "unknown"])
    assert len(latest) == 520


async def test_two_replicas_recording_at_once_lose_nothing(store_target: StoreTarget) -> None:
    stores = [await store_target.open() for _ in range(3)]
    try:

        async def click(n: int) -> str:
            store = stores[n % 3]
            result = await store.decisions.record(
                _decision(f"co{n % 5}", "ignored", at=T0 + timedelta(milliseconds=n), by=f"U{n}"),
                delivery=delivery_key(str(n)),
            )
            return result.outcome

        outcomes = await asyncio.gather(*(click(n) for n in range(30)))
        assert outcomes == ["recorded"] * 30
        assert await stores[0].decisions.count() == 30
        # the same click delivered to every replica at once: recorded once
        same = await asyncio.gather(
            *(s.decisions.record(_decision("dup"), delivery=delivery_key("one click")) for s in stores)
        )
        assert sorted(r.outcome for r in same) == ["duplicate", "duplicate", "recorded"]
        # a check-then-record race: only one of the replicas sees "no decision yet"
        raced = await asyncio.gather(
            *(
                s.decisions.record(_decision("race", by=f"U{i}"), allow=lambda d: d is None)
                for i, s in enumerate(stores)
            )
        )
        assert sorted(r.outcome for r in raced) == ["recorded", "refused", "refused"]
    finally:
        for store in stores:
            await store.close()


async def test_hostile_text_is_bounded(store: Store) -> None:
    long = "x" * 50_000
    await store.decisions.record(_decision("a", by_name=long, company_name=long))
    latest = (await store.decisions.latest(["a"]))["a"]
    assert len(latest.company_name) == 1_000
    assert latest.by_name is not None
    assert len(latest.by_name) == 200
