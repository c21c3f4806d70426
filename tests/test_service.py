"""ReportService against the sandbox: single-flight, cache, fresh reads and people-ready exports."""

from __future__ import annotations

import asyncio
import csv
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from structlog.testing import capture_logs

from bot.keepnet.client import KeepnetClient
from bot.keepnet.errors import KeepnetError, KeepnetUnavailableError
from bot.keepnet.models import ExportKind
from bot.report.model import Snapshot, SnapshotRow
from bot.sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, RunningSandbox, run_sandbox, seed_companies
from bot.service import ReportService
from bot.store.types import db_error

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


class DownSnapshots:
    """A snapshot source whose database is down."""

    async def latest_snapshot(self) -> Snapshot | None:
        """Fail like the store does."""
        raise db_error("the state database failed", "sqlite+aiosqlite:///state.db", OSError("disk I/O error"))


async def test_database_down_still_gives_the_report(sandbox: RunningSandbox, clock: FakeClock) -> None:
    """Snapshots unreadable: the unfiltered report comes without the comparison and it is logged."""
    async with KeepnetClient(
        base_url=sandbox.base_url, client_id=SANDBOX_CLIENT_ID, client_secret=SANDBOX_CLIENT_SECRET
    ) as client:
        service = ReportService(
            client=client, source="sandbox", top_n=10, tz=UTC, snapshots=DownSnapshots(), clock=clock.wall
        )
        with capture_logs() as logs:
            report = await service.report(fresh=True)
    assert report.change is None
    assert report.over_count > 0
    [event] = [e for e in logs if e["event"] == "snapshot_unavailable"]
    assert "disk I/O error" in event["error"]


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


EXPORT = "/api/companies/search/export"


def exports(sandbox: RunningSandbox) -> int:
    """Export requests the sandbox received."""
    return sandbox.state.stats.requests[EXPORT]


@pytest.fixture(name="export_dir")
def _export_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


@pytest.fixture(name="exporting")
async def _exporting(
    sandbox: RunningSandbox, clock: FakeClock, export_dir: Path
) -> AsyncIterator[ReportService]:
    async with KeepnetClient(
        base_url=sandbox.base_url, client_id=SANDBOX_CLIENT_ID, client_secret=SANDBOX_CLIENT_SECRET
    ) as client:
        service = ReportService(
            client=client,
            source="sandbox",
            top_n=10,
            tz=ZoneInfo("Europe/Istanbul"),
            cache_s=60,
            clock=clock.wall,
            monotonic=clock.monotonic,
            export_dir=export_dir,
        )
        yield service
        await service.close_exports()


def _listing(folder: Path) -> list[str]:
    """The names in a folder."""
    return sorted(path.name for path in folder.iterdir())


async def _read(service: ReportService, kind: ExportKind = "CSV", **kwargs: Any) -> tuple[Path, bytes]:
    async with service.export_file(kind, **kwargs) as export:
        return export.path, await asyncio.to_thread(export.path.read_bytes)


class TestSharedExports:
    """Exports protect Keepnet like reports do: one export shared, reused, then cleaned up."""

    async def test_twenty_concurrent_exports_cost_one_keepnet_export(
        self, sandbox: RunningSandbox, exporting: ReportService
    ) -> None:
        """Twenty simultaneous CSV exports make one Keepnet export; each caller gets its own file."""
        results = await asyncio.gather(*(_read(exporting) for _ in range(20)))
        assert exports(sandbox) == 1
        assert exporting.keepnet_exports == 1
        assert len({path for path, _ in results}) == 20
        assert len({data for _, data in results}) == 1
        assert results[0][1].count(b"\n") > 1
        assert all(path.name == "overage-2026-11-27.csv" for path, _ in results)

    async def test_fresh_asks_keepnet_again(self, sandbox: RunningSandbox, exporting: ReportService) -> None:
        """A cached export is reused; fresh=True (the Excel button) makes a new Keepnet export."""
        await _read(exporting)
        await _read(exporting)
        assert exports(sandbox) == 1
        await _read(exporting, fresh=True)
        assert exports(sandbox) == 2

    async def test_export_expires_with_the_cache_time(
        self, sandbox: RunningSandbox, exporting: ReportService, clock: FakeClock
    ) -> None:
        """An export older than OVERAGE_CACHE_S is fetched again; kinds and queries are separate."""
        await _read(exporting)
        clock.mono += 59
        await _read(exporting)
        await _read(exporting, "Excel")
        await _read(exporting, query="Coho")
        assert exports(sandbox) == 3
        clock.mono += 2
        await _read(exporting)
        assert exports(sandbox) == 4

    async def test_fresh_report_gets_a_fresh_export(
        self, sandbox: RunningSandbox, exporting: ReportService
    ) -> None:
        """After Refresh re-reads Keepnet, the CSV is exported again so it matches the new report."""
        await exporting.report()
        await _read(exporting)
        await exporting.report()
        await _read(exporting)
        assert exports(sandbox) == 1
        await exporting.report(fresh=True)
        await _read(exporting)
        assert exports(sandbox) == 2

    async def test_files_are_deleted_after_use_and_expiry(
        self, exporting: ReportService, clock: FakeClock, export_dir: Path
    ) -> None:
        """The caller's file goes on exit; the shared one once it expires; a file in use survives."""
        async with exporting.export_file("CSV") as export:
            assert export.path.exists()
            clock.mono += 61
            assert await exporting.discard_expired_exports() == 1
            assert export.path.read_bytes()
        assert not export.path.exists()
        assert _listing(export_dir) == []
        async with exporting.export_file("Excel"):
            pass
        assert len(_listing(export_dir)) == 1, "the shared export stays while it may be reused"
        clock.mono += 61
        await _read(exporting)  # any later export sweeps expired ones
        assert len(_listing(export_dir)) == 1
        clock.mono += 61
        assert await exporting.discard_expired_exports() == 1
        assert _listing(export_dir) == []

    async def test_failed_export_is_not_reused(
        self, sandbox: RunningSandbox, exporting: ReportService, export_dir: Path
    ) -> None:
        """Concurrent callers all see a failure; the next call asks Keepnet again and leaves no files."""
        sandbox.state.faults.role = "Customer"
        results = await asyncio.gather(*(_read(exporting) for _ in range(5)), return_exceptions=True)
        assert all(isinstance(result, KeepnetError) for result in results)
        assert exports(sandbox) == 1
        assert _listing(export_dir) == []
        sandbox.state.faults.role = "Reseller"
        await _read(exporting)
        assert exports(sandbox) == 2


async def test_expired_find_results_are_not_kept(service: ReportService, clock: FakeClock) -> None:
    """Many different find texts do not pile up: entries older than the cache time are dropped."""
    for text in ("a", "b", "c"):
        await service.report(query=text)
    clock.mono += 61
    await service.report(query="d")
    assert service.cached_queries() == ("d",)


async def test_one_failing_call_fails_the_report_with_its_typed_error(
    sandbox: RunningSandbox, service: ReportService
) -> None:
    """A Keepnet failure reaches the caller as the typed error, not wrapped in a group."""
    sandbox.state.faults.fail_5xx = 1000
    with pytest.raises(KeepnetUnavailableError):
        await service.report()
