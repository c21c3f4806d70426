"""Every Keepnet answer is bounded: pages, sizes, total deadlines, impossible numbers (a hostile Keepnet)."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

from bot.keepnet.client import KeepnetClient
from bot.keepnet.errors import ExportDiskFullError, KeepnetFilterIgnoredError, KeepnetLimitError
from bot.report.model import build_report
from tests.fakes.hostile_keepnet import HostileKeepnet, run_hostile_keepnet


@pytest.fixture(name="hostile")
async def _hostile() -> AsyncIterator[HostileKeepnet]:
    async with run_hostile_keepnet() as server:
        yield server


def _client(server: HostileKeepnet, **kwargs: Any) -> KeepnetClient:
    async def no_sleep(_: float) -> None:
        return None

    options: dict[str, Any] = {"client_id": "id", "client_secret": "secret-123", "sleep": no_sleep, **kwargs}
    return KeepnetClient(base_url=server.base_url, trust_env=False, **options)


class TestPages:
    """Page 1's claims are judged before any further request."""

    @pytest.mark.parametrize("mode", ["billion_pages", "zero_page_size", "pages_beyond_records"])
    async def test_impossible_page_counts_are_refused_at_once(
        self, hostile: HostileKeepnet, mode: str
    ) -> None:
        """10⁹ pages, a page size of 0, or more pages than records: one search request, a typed error."""
        hostile.search_mode = mode
        async with _client(hostile) as client:
            with pytest.raises(KeepnetLimitError, match="refusing to read"):
                await client.fetch_over_limit()
        assert hostile.requests["search"] == 1

    async def test_max_pages_bounds_a_listing(self, hostile: HostileKeepnet) -> None:
        """A listing needing more than KEEPNET_MAX_PAGES pages is refused after page 1."""
        hostile.pages = 30
        async with _client(hostile, max_pages=10) as client:
            with pytest.raises(KeepnetLimitError, match=r"KEEPNET_MAX_PAGES is 10"):
                await client.fetch_over_limit()
        assert hostile.requests["search"] == 1

    async def test_pages_are_read_by_a_bounded_set_of_workers(self, hostile: HostileKeepnet) -> None:
        """200 pages with concurrency 4: all read, at most 4 in flight, never a task per page."""
        hostile.pages = 200
        tasks_seen = 0

        async def watch() -> None:
            nonlocal tasks_seen
            while True:
                tasks_seen = max(tasks_seen, len(asyncio.all_tasks()))
                await asyncio.sleep(0.002)

        watcher = asyncio.create_task(watch())
        try:
            async with _client(hostile, concurrency=4, page_size=10) as client:
                result = await client.fetch_over_limit()
        finally:
            watcher.cancel()
        assert len(result.companies) == 2000
        assert hostile.max_in_flight <= 4
        assert tasks_seen < 30, f"{tasks_seen} tasks alive at once for 200 pages"


class TestSizesAndDeadlines:
    """Bodies are read with bounds; a bound is never retried."""

    async def test_search_answer_over_the_size_bound(self, hostile: HostileKeepnet) -> None:
        """A search answer past KEEPNET_MAX_RESPONSE_MB is refused while reading, not retried."""
        hostile.search_mode = "huge_body"
        async with _client(hostile, max_response_bytes=256 * 1024) as client:
            with pytest.raises(KeepnetLimitError, match="search answer is larger than"):
                await client.fetch_over_limit()
        assert hostile.requests["search"] == 1

    async def test_endless_export_is_stopped_and_its_file_removed(self, hostile: HostileKeepnet) -> None:
        """An export that never ends stops at KEEPNET_MAX_EXPORT_MB; the partial file is gone; no retry."""
        hostile.export_mode = "endless"
        with tempfile.TemporaryDirectory() as folder:
            async with _client(hostile, max_export_bytes=2 * 1024 * 1024) as client:
                with pytest.raises(KeepnetLimitError, match="CSV export is larger than 2 MB"):
                    await client.export("CSV", filename="x.csv", directory=Path(folder))
            assert await asyncio.to_thread(lambda: list(Path(folder).iterdir())) == []
        assert hostile.requests["export"] == 1

    async def test_trickling_export_misses_its_total_deadline(self, hostile: HostileKeepnet) -> None:
        """A body trickling a byte every 0.2 s ends at KEEPNET_EXPORT_TIMEOUT_S with a clear message."""
        hostile.export_mode = "trickle"
        async with _client(hostile, export_timeout_s=1.0, timeout_s=5.0) as client:
            with pytest.raises(
                KeepnetLimitError, match="did not finish sending the CSV export within 1 seconds"
            ):
                await client.export("CSV", filename="x.csv")
        assert hostile.requests["export"] == 1

    async def test_four_stuck_exports_release_their_slots(self, hostile: HostileKeepnet) -> None:
        """Four never-ending exports hold every slot only until their deadline; a search then answers."""
        hostile.export_mode = "trickle"
        async with _client(hostile, concurrency=4, export_timeout_s=1.0, timeout_s=5.0) as client:
            stuck = [asyncio.create_task(client.export("CSV", filename="x.csv")) for _ in range(4)]
            results = await asyncio.gather(*stuck, return_exceptions=True)
            assert all(isinstance(r, KeepnetLimitError) for r in results)
            result = await asyncio.wait_for(client.fetch_over_limit(), timeout=10)
        assert result.total_records == 100


class TestNumbers:
    """Impossible numbers make one company's limit unknown, never the report fail."""

    async def test_non_finite_absurd_and_endless_numbers(self, hostile: HostileKeepnet) -> None:
        """1e309, inf, a 5,000-digit limit, a float 1e309 and an active count of 1e300: all 'unknown'."""
        hostile.search_mode = "odd_numbers"
        async with _client(hostile) as client:
            with capture_logs() as logs:
                result = await client.fetch_over_limit()
        assert len(result.companies) == 5
        assert all(c.license_limit is None for c in result.companies)
        report = build_report(
            result.companies, customer_count=5, top_n=10, generated_at=_now(), source="hostile"
        )
        assert report.over_count == 5
        assert report.unknown_excess_count == 5
        assert all(o.active_users >= 0 for o in report.offenders)
        warnings = [e for e in logs if e["event"] == "keepnet_unreadable_limits"]
        assert len(warnings) == 1
        assert warnings[0]["count"] == 5


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


class TestDisk:
    """A full temp disk is said as such, and leaves no partial file."""

    async def test_no_space_left_is_its_own_error(
        self, hostile: HostileKeepnet, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        """ENOSPC while writing the export → ExportDiskFullError ("no space left … on this server"), no file."""
        import errno
        import os

        real_fdopen = os.fdopen

        class _Full:
            def __init__(self, handle: Any) -> None:
                self._handle = handle

            def __enter__(self) -> _Full:
                return self

            def __exit__(self, *exc: object) -> None:
                self._handle.close()

            def write(self, data: bytes) -> int:
                raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr("bot.keepnet._export.os.fdopen", lambda fd, mode: _Full(real_fdopen(fd, mode)))
        async with _client(hostile) as client:
            with pytest.raises(ExportDiskFullError, match="no space left for the export on this server"):
                await client.export("CSV", filename="x.csv", directory=tmp_path)
        assert await asyncio.to_thread(lambda: list(tmp_path.iterdir())) == []
        assert hostile.requests["export"] == 1


class TestNameFilter:
    """A `find` answered with names that do not match is never shown as the match."""

    async def test_a_keepnet_that_ignores_the_filter_is_caught(self, hostile: HostileKeepnet) -> None:
        """The hostile server returns everyone for `find acme`: a typed error, and the request shape logged."""
        async with _client(hostile) as client:
            with (
                capture_logs() as logs,
                pytest.raises(KeepnetFilterIgnoredError, match="did not apply the name filter"),
            ):
                await client.fetch_over_limit("acme")
        [event] = [e for e in logs if e["event"] == "keepnet_name_filter_ignored"]
        assert event["groups"] == 2
        assert "acme" not in str(event)

    async def test_matching_names_pass(self, hostile: HostileKeepnet) -> None:
        """Names that all contain the text (any case) are the match."""
        async with _client(hostile) as client:
            result = await client.fetch_over_limit("HOSTILE")
        assert len(result.companies) == 100


class TestRowsWithoutId:
    """The spec's nullable companyResourceId: kept, counted, never deduplicated, warned about."""

    async def test_rows_without_id_are_kept_and_named(self, hostile: HostileKeepnet) -> None:
        """Two id-less rows and one with an id: three companies, one warning naming the id-less ones."""
        hostile.search_mode = "null_ids"
        async with _client(hostile) as client:
            with capture_logs() as logs:
                result = await client.fetch_over_limit()
        assert [c.company_name for c in result.companies] == ["Nameless A", "Nameless B", "Hostile 1"]
        [warning] = [e for e in logs if e["event"] == "keepnet_company_without_id"]
        assert warning["companies"] == ["Nameless A", "Nameless B"]
        report = build_report(result.companies, customer_count=3, top_n=10, generated_at=_now(), source="x")
        assert report.over_count == 3
        assert sorted(o.company_id for o in report.offenders) == ["", "", "h1"]
