"""The billing-decision audit: an append-only table, read as "each company's latest decision".

Recording runs in one write transaction that first reads the company's latest decision and lets
the caller refuse (a second click on a row that was decided meanwhile, maybe on another replica);
the transaction is serialized per company (``BEGIN IMMEDIATE`` on SQLite, a transaction-scoped
advisory lock on PostgreSQL), so two replicas never both record over the same state, and rows
of different companies never wait on each other on PostgreSQL. A click's ``delivery`` key is
unique: a redelivered click records nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable, Collection, Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import and_, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.report.decisions import Decision
from bot.store import tables as schema

__all__ = ["DecisionLog", "RecordResult", "delivery_key"]

Transaction = Callable[[], AbstractAsyncContextManager[AsyncConnection]]
_IN_CHUNK = 500
"""Company ids per ``IN (…)`` list (SQLite allows 32,766 parameters, PostgreSQL 65,535)."""
_TEXT_MAX = {"company_name": 1_000, "by_name": 200, "channel": 300, "by_id": 200, "edge": 16}


def delivery_key(*parts: str) -> str:
    """A fixed-size key naming one delivery of a click (the same click twice gives the same key)."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True)
class RecordResult:
    """What :meth:`DecisionLog.record` did.

    Attributes:
        outcome: ``recorded``; ``duplicate`` (this delivery was recorded before); ``refused`` (the
            caller's check refused the company's latest decision).
        latest: the company's latest decision after the call (the new one when recorded).
    """

    outcome: Literal["recorded", "duplicate", "refused"]
    latest: Decision | None


def _row(decision: Decision, delivery: str | None) -> dict[str, Any]:
    values: dict[str, Any] = {
        "company_id": decision.company_id,
        "company_name": decision.company_name,
        "decision": decision.decision,
        "excess": decision.excess,
        "until": decision.until,
        "cycle": decision.cycle,
        "by_id": decision.by_id,
        "by_name": decision.by_name,
        "edge": decision.edge,
        "channel": decision.channel,
        "decided_at": decision.decided_at,
        "delivery": delivery,
    }
    for key, limit in _TEXT_MAX.items():
        if isinstance(values[key], str):
            values[key] = values[key][:limit]
    return values


def _decision(row: Any) -> Decision:
    return Decision(
        company_id=row["company_id"],
        decision=row["decision"],
        decided_at=row["decided_at"],
        by_id=row["by_id"],
        by_name=row["by_name"],
        excess=row["excess"],
        until=row["until"],
        cycle=row["cycle"],
        company_name=row["company_name"],
        edge=row["edge"],
        channel=row["channel"],
    )


def _latest_query(company_ids: Collection[str] | None) -> Any:
    t = schema.decisions
    rank = (
        func.row_number()
        .over(partition_by=t.c.company_id, order_by=(t.c.decided_at.desc(), t.c.id.desc()))
        .label("rank")
    )
    inner = select(t, rank)
    if company_ids is not None:
        inner = inner.where(t.c.company_id.in_(list(company_ids)))
    ranked = inner.subquery()
    return select(ranked).where(ranked.c.rank == 1)


class DecisionLog:
    """Reads and appends billing decisions (``store.decisions``)."""

    def __init__(self, *, write: Transaction, read: Transaction, dialect: str) -> None:
        """Use the store's transactions (write: serialized; read: plain)."""
        self._write = write
        self._read = read
        self._dialect = dialect

    def _insert(self) -> Any:
        from sqlalchemy.dialects import postgresql, sqlite

        return postgresql.insert if self._dialect == "postgresql" else sqlite.insert

    async def record(
        self,
        decision: Decision,
        *,
        delivery: str | None = None,
        allow: Callable[[Decision | None], bool] | None = None,
    ) -> RecordResult:
        """Append a decision, unless ``allow`` refuses the company's latest one or it is a redelivery.

        Args:
            decision: the decision to append.
            delivery: a key for this delivery (see :func:`delivery_key`); None: never a duplicate.
            allow: judges the company's latest decision, read inside the same transaction.

        Returns:
            Whether it was recorded, and the company's latest decision afterwards.

        Raises:
            StoreError: the database failed (nothing was recorded).
        """
        t = schema.decisions
        async with self._write() as conn:
            if self._dialect == "postgresql":
                lock = int.from_bytes(
                    hashlib.sha256(decision.company_id.encode()).digest()[:8], "big", signed=True
                )
                await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock})
            if delivery is not None:
                seen = (await conn.execute(select(t).where(t.c.delivery == delivery))).first()
                if seen is not None:
                    return RecordResult("duplicate", await self._latest_one(conn, decision.company_id))
            latest = await self._latest_one(conn, decision.company_id)
            if allow is not None and not allow(latest):
                return RecordResult("refused", latest)
            statement = self._insert()(t).values(_row(decision, delivery)).on_conflict_do_nothing()
            result = await conn.execute(statement)
            if result.rowcount == 0:  # the same delivery, recorded by a replica a moment ago
                return RecordResult("duplicate", await self._latest_one(conn, decision.company_id))
        return RecordResult("recorded", decision)

    async def _latest_one(self, conn: AsyncConnection, company_id: str) -> Decision | None:
        t = schema.decisions
        query = (
            select(t)
            .where(t.c.company_id == company_id)
            .order_by(t.c.decided_at.desc(), t.c.id.desc())
            .limit(1)
        )
        row = (await conn.execute(query)).first()
        return None if row is None else _decision(row._mapping)

    async def latest(self, company_ids: Iterable[str] | None = None) -> dict[str, Decision]:
        """Each company's latest decision (only those of ``company_ids`` when given).

        Raises:
            StoreError: the database failed.
        """
        ids = None if company_ids is None else sorted(set(company_ids))
        chunks: list[list[str] | None] = (
            [None] if ids is None else [ids[i : i + _IN_CHUNK] for i in range(0, len(ids), _IN_CHUNK)]
        )
        found: dict[str, Decision] = {}
        async with self._read() as conn:
            for chunk in chunks:
                for row in await conn.execute(_latest_query(chunk)):
                    decision = _decision(row._mapping)
                    found[decision.company_id] = decision
        return found

    async def history(self, *, since: datetime | None = None) -> AsyncIterator[Decision]:
        """Every decision, oldest first (from ``since`` on, when given), streamed.

        Raises:
            StoreError: the database failed.
        """
        t = schema.decisions
        query = select(t).order_by(t.c.decided_at, t.c.id)
        if since is not None:
            query = query.where(and_(t.c.decided_at >= since))
        async with self._read() as conn:
            result = await conn.stream(query)
            async for row in result:
                yield _decision(row._mapping)

    async def recent(self, company_id: str, *, limit: int = 5) -> list[Decision]:
        """One company's newest ``limit`` decisions, newest first.

        Raises:
            StoreError: the database failed.
        """
        t = schema.decisions
        query = (
            select(t)
            .where(t.c.company_id == company_id)
            .order_by(t.c.decided_at.desc(), t.c.id.desc())
            .limit(limit)
        )
        async with self._read() as conn:
            return [_decision(row._mapping) for row in await conn.execute(query)]

    async def count(self) -> int:
        """How many decisions were ever recorded."""
        async with self._read() as conn:
            return int((await conn.execute(select(func.count()).select_from(schema.decisions))).scalar_one())
