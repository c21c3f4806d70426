"""ReportService against the sandbox: single-flight, cache, fresh reads and people-ready exports."""

from __future__ import annotations

import asyncio
import csv
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from bot.keepnet.client import KeepnetClient
from bot.report import Snapshot, SnapshotRow
from bot.sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, RunningSandbox, run_sandbox, seed_companies
from bot.service import ReportService

SEARCH = "/api/companies/search"


class FakeClock:
    """A settable wall clock and monotonic clock."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 26, 21, 30, tzinfo=UTC)
        self.mono = 1000.0

    def wall(self) -> datetime:
        """Current wall time."""
        return self.now

    def monotonic(self) -> float:
        """Current monotonic time."""
        return self.mono


class Snapshots:
    """A snapshot source holding one snapshot."""

    def __init__(self, snapshot: Snapshot | None) -> None:
        self.snapshot = snapshot

    async def latest_snapshot(self) -> Snapshot | None:
        """The stored snapshot."""
        return self.snapshot


@pytest.fixture(name="sandbox")
async def _sandbox() -> AsyncIterator[RunningSandbox]:
    async with run_sandbox(companies=seed_companies(total=300)) as sandbox:
        yield sandbox


@pytest.fixture(name="clock")
def _clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(name="service")
async def _service(sandbox: RunningSandbox, clock: FakeClock) -> AsyncIterator[ReportService]:
    async with KeepnetClient(
        base_url=sandbox.base_url, client_id=SANDBOX_CLIENT_ID, client_secret=SANDBOX_CLIENT_SECRET
    ) as client:
        yield ReportService(
            client=client,
            source="sandbox",
            top_n=10,
            tz=ZoneInfo("Europe/Istanbul"),
            cache_s=60,
            clock=clock.wall,
            monotonic=clock.monotonic,
        )


def searches(sandbox: RunningSandbox) -> int:
    """Search requests the sandbox received."""
    return sandbox.state.stats.requests[SEARCH]


async def test_concurrent_requests_share_one_fetch(sandbox: RunningSandbox, service: ReportService) -> None:
    """Fifty simultaneous reports for the same query cost Keepnet one report's worth of searches."""
    reports = await asyncio.gather(*(service.report() for _ in range(50)))
    assert len({r.over_count for r in reports}) == 1
    assert service.keepnet_fetches == 1
    one_report = searches(sandbox)
    assert one_report <= 3  # one overage page (page size 100) + one customer count
    assert reports[0].customer_count == 300


async def test_cache_reused_then_expires(
    sandbox: RunningSandbox, service: ReportService, clock: FakeClock
) -> None:
    """A report younger than the cache time is reused with its age; an older one is fetched again."""
    first = await service.report()
    clock.mono += 42
    clock.now = clock.now.replace(second=42)
    again = await service.report()
    assert service.keepnet_fetches == 1
    assert again.generated_at == first.generated_at
    assert service.age_s(again) == 42
    clock.mono += 30
    await service.report()
    assert service.keepnet_fetches == 2


async def test_fresh_skips_the_cache(service: ReportService) -> None:
    """Refresh and the weekly post read Keepnet again."""
    await service.report()
    await service.report(fresh=True)
    assert service.keepnet_fetches == 2


async def test_queries_are_cached_separately(service: ReportService) -> None:
    """A find query does not reuse the full report."""
    full = await service.report()
    found = await service.report(query="Müller")
    assert service.keepnet_fetches == 2
    assert found.query == "Müller"
    assert found.over_count <= full.over_count


async def test_week_over_week_only_for_full_report(sandbox: RunningSandbox, clock: FakeClock) -> None:
    """The unfiltered report compares with the last snapshot; find does not."""
    previous = Snapshot(taken_on=date(2026, 11, 16), rows=(SnapshotRow("gone", "Gone Ltd", 10, 20, 10),))
    async with KeepnetClient(
        base_url=sandbox.base_url, client_id=SANDBOX_CLIENT_ID, client_secret=SANDBOX_CLIENT_SECRET
    ) as client:
        service = ReportService(
            client=client,
            source="sandbox",
            top_n=10,
            tz=UTC,
            snapshots=Snapshots(previous),
            clock=clock.wall,
        )
        full = await service.report()
        assert full.change is not None
        assert full.change.no_longer_over == ("Gone Ltd",)
        assert (await service.report(query="a")).change is None


async def test_csv_export_is_neutralized_and_named_in_local_date(service: ReportService) -> None:
    """The CSV handed out has formula cells quoted and is named with the reseller's local date."""
    async with service.export_file("CSV") as export:
        assert export.filename == "overage-2026-11-27.csv"  # 21:30 UTC is the 27th in Istanbul
        with export.path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        path = export.path
    names = [row[0] for row in rows[1:]]
    assert names
    assert not any(name.startswith(("=", "+", "-", "@")) for name in names)
    assert any(name.startswith("'=") or name.startswith("'@") for name in names)
    assert not path.exists()


async def test_excel_export_opens(service: ReportService) -> None:
    """The Excel export is a real workbook with one row per over-limit company."""
    report = await service.report()
    async with service.export_file("Excel") as export:
        assert export.filename.endswith(".xlsx")
        workbook = openpyxl.load_workbook(export.path, read_only=True)
        rows = list(workbook.active.iter_rows(values_only=True))
        workbook.close()
    assert len(rows) == report.over_count + 1
