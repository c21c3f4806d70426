"""Benchmark (not a test): reading the latest billing decision of every over-limit customer.

Every unfiltered report reads each offender's latest decision. With 5,000 customers over the limit
and 50,000 decisions in the audit (ten per customer), time ``DecisionLog.latest`` for all 5,000 ids
(median of ``RUNS``) on SQLite and, when reachable, PostgreSQL; and time one ``record`` (the click
path: serialized read + insert). The last line is machine-readable:
``<backend>_latest_ms=<x> <backend>_record_ms=<y> …``.

Run: ``.venv/bin/python bench/decisions.py``
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.report.decisions import Decision
from bot.store import tables
from bot.store.database import Store

COMPANIES = 5_000
PER_COMPANY = 10
RUNS = 5
T0 = datetime(2026, 1, 1, tzinfo=UTC)
POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def _rows() -> list[dict[str, Any]]:
    rows = []
    for n in range(PER_COMPANY):
        for c in range(COMPANIES):
            rows.append(
                {
                    "company_id": f"{c:08d}-aaaa-bbbb-cccc-000000000000",
                    "company_name": f"Company {c}",
                    "decision": ("billed", "snoozed", "ignored", "reopened")[(c + n) % 4],
                    "excess": c,
                    "until": None,
                    "cycle": "2026-01",
                    "by_id": "U0BENCH",
                    "by_name": "bench",
                    "edge": "slack",
                    "channel": "C0BENCH",
                    "decided_at": T0 + timedelta(minutes=n * COMPANIES + c),
                    "delivery": None,
                }
            )
    return rows


async def _measure(store: Store) -> tuple[float, float]:
    ids = [f"{c:08d}-aaaa-bbbb-cccc-000000000000" for c in range(COMPANIES)]
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        latest = await store.decisions.latest(ids)
        timings.append((time.perf_counter() - start) * 1000)
    assert len(latest) == COMPANIES
    records = []
    for i in range(RUNS):
        decision = Decision(
            company_id=ids[i], decision="ignored", decided_at=datetime.now(UTC), by_id="U0BENCH"
        )
        start = time.perf_counter()
        await store.decisions.record(decision, delivery=uuid.uuid4().hex, allow=lambda d: True)
        records.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), statistics.median(records)


async def _bench(url: str, schema: str | None = None) -> tuple[float, float]:
    store = await Store.open(url, schema_name=schema)
    try:
        engine = create_async_engine(
            url, connect_args={"server_settings": {"search_path": schema}} if schema else {}
        )
        async with engine.begin() as conn:
            rows = _rows()
            for i in range(0, len(rows), 5_000):
                await conn.execute(insert(tables.decisions), rows[i : i + 5_000])
        await engine.dispose()
        return await _measure(store)
    finally:
        await store.close()


async def main() -> None:
    """Print the figures."""
    figures = []
    with tempfile.TemporaryDirectory() as folder:
        latest, record = await _bench(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}")
        print(
            f"SQLite: latest of {COMPANIES:,} customers over {COMPANIES * PER_COMPANY:,} decisions: "
            f"{latest:.1f} ms; one record: {record:.1f} ms"
        )
        figures.append(f"sqlite_latest_ms={latest:.1f} sqlite_record_ms={record:.1f}")
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OSError as exc:
        print(f"PostgreSQL not reachable ({exc}); skipped", file=sys.stderr)
    else:
        try:
            latest, record = await _bench(POSTGRES, schema)
            print(
                f"PostgreSQL: latest of {COMPANIES:,} customers: {latest:.1f} ms; one record: {record:.1f} ms"
            )
            figures.append(f"postgres_latest_ms={latest:.1f} postgres_record_ms={record:.1f}")
        finally:
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    await admin.dispose()
    print(" ".join(figures))


if __name__ == "__main__":
    asyncio.run(main())
