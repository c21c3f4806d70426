"""SQL for snapshots, Teams conversation references and ledger reads, run inside a Store transaction.

Each function takes an open :class:`~sqlalchemy.ext.asyncio.AsyncConnection` (the caller owns the
transaction) and the dialect's ``insert`` construct (``ON CONFLICT`` differs in spelling only).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.report.model import Snapshot, SnapshotRow
from bot.store import tables as schema
from bot.store.history import DAILY_PREFIX, prune_snapshots
from bot.store.types import NOTICE_SUFFIX, ConversationRef, PostRecord

__all__ = [
    "count_snapshots",
    "insert_snapshot",
    "post_record",
    "select_conversation",
    "select_last_weekly_post",
    "select_latest_snapshot",
    "select_post",
    "upsert_conversation",
]


Insert = Callable[[Any], Any]


def post_record(row: Any) -> PostRecord:
    """Turn a ``post_ledger`` row mapping into a :class:`PostRecord`."""
    return PostRecord(
        destination=row["destination"],
        period=row["period"],
        state=row["state"],
        at=row["updated_at"],
        lease_until=row["lease_until"],
        attempts=row["attempts"],
        message_ref=row["message_ref"],
        last_error=row["last_error"],
    )


async def select_post(conn: AsyncConnection, destination: str, period: str) -> PostRecord | None:
    """The ledger row of one destination × period, if any."""
    t = schema.post_ledger
    query = select(t).where(t.c.destination == destination, t.c.period == period)
    row = (await conn.execute(query)).first()
    return None if row is None else post_record(row._mapping)


async def select_last_weekly_post(conn: AsyncConnection) -> PostRecord | None:
    """The most recently changed ledger row of a scheduled occurrence (not a notice, key or manual)."""
    t = schema.post_ledger
    weekly = and_(t.c.period.like("weekly:%"), t.c.period.not_like("%" + NOTICE_SUFFIX))
    query = select(t).where(weekly).order_by(t.c.updated_at.desc(), t.c.id.desc()).limit(1)
    row = (await conn.execute(query)).first()
    return None if row is None else post_record(row._mapping)


async def insert_snapshot(
    conn: AsyncConnection,
    insert: Insert,
    *,
    taken_at: datetime,
    rows: Sequence[SnapshotRow],
    period: str,
    keep_weeks: int,
) -> bool:
    """Insert a snapshot unless the period has one; prune those older than ``keep_weeks`` weeks.

    Returns:
        True when a new snapshot was stored.
    """
    s, r = schema.snapshots, schema.snapshot_rows
    result = await conn.execute(
        insert(s)
        .values(period=period, taken_at=taken_at, taken_on=taken_at.date())
        .on_conflict_do_nothing(index_elements=["period"])
        .returning(s.c.id)
    )
    snapshot_id = result.scalar()
    if snapshot_id is None:
        return False
    if rows:
        await conn.execute(
            r.insert(),
            [
                {
                    "snapshot_id": snapshot_id,
                    "company_id": row.company_id,
                    "name": row.name,
                    "license_limit": row.limit,
                    "active_users": row.active_users,
                    "excess": row.excess,
                }
                for row in rows
            ],
        )
    await prune_snapshots(conn, now=taken_at, weeks=keep_weeks)
    return True


async def select_latest_snapshot(conn: AsyncConnection, *, exclude_period: str | None) -> Snapshot | None:
    """The newest weekly snapshot (optionally not the one of ``exclude_period``), with its rows.

    Daily snapshots (``day:…`` periods) never count: week-over-week compares with a weekly post's.
    """
    s, r = schema.snapshots, schema.snapshot_rows
    query = (
        select(s.c.id, s.c.taken_on)
        .where(s.c.period.not_like(DAILY_PREFIX + "%"))
        .order_by(s.c.taken_at.desc(), s.c.id.desc())
        .limit(1)
    )
    if exclude_period is not None:
        query = query.where(s.c.period != exclude_period)
    head = (await conn.execute(query)).first()
    if head is None:
        return None
    rows = await conn.execute(select(r).where(r.c.snapshot_id == head.id).order_by(r.c.id))
    return Snapshot(
        taken_on=head.taken_on,
        rows=tuple(
            SnapshotRow(
                company_id=row.company_id,
                name=row.name,
                limit=row.license_limit,
                active_users=row.active_users,
                excess=row.excess,
            )
            for row in rows
        ),
    )


async def count_snapshots(conn: AsyncConnection) -> int:
    """How many snapshots are stored."""
    return int((await conn.execute(select(func.count()).select_from(schema.snapshots))).scalar_one())


async def upsert_conversation(
    conn: AsyncConnection, insert: Insert, ref: ConversationRef, *, now: datetime
) -> None:
    """Insert or replace the conversation reference of a Teams channel."""
    values = {
        "channel_id": ref.channel_id,
        "service_url": ref.service_url,
        "tenant_id": ref.tenant_id,
        "bot_id": ref.bot_id,
        "conversation": json.dumps(ref.conversation, sort_keys=True),
        "updated_at": now,
    }
    stmt = insert(schema.conversations).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["channel_id"], set_={key: stmt.excluded[key] for key in values if key != "channel_id"}
    )
    await conn.execute(stmt)


async def select_conversation(conn: AsyncConnection, channel_id: str) -> ConversationRef | None:
    """The stored conversation reference of a Teams channel, if any."""
    t = schema.conversations
    row = (await conn.execute(select(t).where(t.c.channel_id == channel_id))).first()
    if row is None:
        return None
    return ConversationRef(
        channel_id=row.channel_id,
        service_url=row.service_url,
        tenant_id=row.tenant_id,
        bot_id=row.bot_id,
        conversation=json.loads(row.conversation),
    )
