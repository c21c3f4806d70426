"""Fixtures and fakes for the store and schedule tests (import the fixtures into a test module).

``store_target`` runs a test twice: on a SQLite file in ``tmp_path`` and on a fresh schema of the
PostgreSQL test server (dropped afterwards). Without a reachable server the PostgreSQL half is
skipped, unless ``OVERAGE_REQUIRE_POSTGRES=1`` (CI), which makes it fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NoReturn

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine

from bot.report.model import Offender, OverageReport
from bot.store.database import Store

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def postgres_url() -> str:
    """The test server's URL (``OVERAGE_TEST_POSTGRES_URL`` overrides the default)."""
    return os.environ.get("OVERAGE_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL


def postgres_unreachable(url: str, exc: BaseException) -> NoReturn:
    """Skip (locally) or fail (CI, ``OVERAGE_REQUIRE_POSTGRES=1``) because PostgreSQL is not reachable."""
    shown = make_url(url).render_as_string(hide_password=True)
    message = f"PostgreSQL not reachable at {shown} ({exc}): start it or set OVERAGE_TEST_POSTGRES_URL"
    if os.environ.get("OVERAGE_REQUIRE_POSTGRES") == "1":
        pytest.fail(message)
    pytest.skip(message)


@dataclass(frozen=True)
class StoreTarget:
    """One database to test against; :meth:`open` gives a new Store on it (a "restart")."""

    backend: str
    url: str
    schema: str | None = None

    async def open(self) -> Store:
        """Open a new Store on this database."""
        return await Store.open(self.url, schema_name=self.schema)


@pytest.fixture(name="store_target", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def _store_target(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[StoreTarget]:
    """A SQLite file, or a fresh PostgreSQL schema that is dropped after the test."""
    if request.param == "sqlite":
        yield StoreTarget("sqlite", f"sqlite+aiosqlite:///{tmp_path / 'state.db'}")
        return
    url = postgres_url()
    schema = f"overage_test_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT", connect_args={"timeout": 5})
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except (OSError, SQLAlchemyError) as exc:
        await admin.dispose()
        postgres_unreachable(url, exc)
    try:
        yield StoreTarget("postgres", url, schema)
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await admin.dispose()


@pytest.fixture(name="store")
async def _store(store_target: StoreTarget) -> AsyncIterator[Store]:
    """An open Store on ``store_target``, closed after the test."""
    store = await store_target.open()
    yield store
    await store.close()


# --- fakes for the weekly job -------------------------------------------------------------------
@dataclass
class FakeClock:
    """An aware UTC clock that only moves when the job "sleeps"."""

    now: datetime
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> datetime:
        """The current fake time."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Record the wait and move the clock forward by it."""
        self.sleeps.append(seconds)
        self.now += timedelta(seconds=seconds)


@dataclass
class RecordingDestination:
    """A destination that records what it was asked to post; ``failures`` next posts raise."""

    name: str
    failures: int = 0
    posts: list[tuple[str, OverageReport]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    async def post(self, report: OverageReport, *, period: str) -> str:
        """Record the post (or fail while ``failures`` > 0)."""
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionError("chat API unavailable (503)")
        self.posts.append((period, report))
        return f"{self.name}-msg-{len(self.posts)}"

    async def post_failure(self, text: str) -> None:
        """Record the failure notice."""
        self.notices.append(text)


def offender(company_id: str, name: str, *, limit: int = 100, active: int = 120) -> Offender:
    """An over-limit company."""
    excess = active - limit
    return Offender(
        company_id=company_id,
        name=name,
        limit=limit,
        active_users=active,
        excess=excess,
        excess_pct=100.0 * excess / limit,
    )


def make_report(*offenders: Offender, generated_at: datetime | None = None) -> OverageReport:
    """A full (unfiltered) report of the given offenders."""
    return OverageReport(
        over_count=len(offenders),
        customer_count=50,
        total_excess=sum(o.excess or 0 for o in offenders),
        unknown_excess_count=0,
        offenders=tuple(offenders),
        top_n=10,
        generated_at=generated_at or datetime(2025, 3, 10, 9, 0, tzinfo=UTC),
        source="test",
    )
