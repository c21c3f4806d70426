"""Reports and exports for every front end, with Keepnet protected from bursts.

:class:`ReportService` is what Slack, Teams, the weekly job and ``overage-bot preview`` call.
Concurrent requests for the same query share one Keepnet fetch (single-flight), and a fetch younger
than ``OVERAGE_CACHE_S`` is reused (its age is shown by the renderers); ``fresh=True`` (Refresh,
the weekly post) always reads Keepnet again.
"""

from __future__ import annotations

import asyncio
import errno
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

import structlog

from bot.exports.cache import ExportCache
from bot.exports.neutralize import export_filename, neutralize_csv_file
from bot.keepnet.client import KeepnetClient
from bot.keepnet.errors import ExportDiskFullError
from bot.keepnet.models import Company, ExportFile, ExportKind
from bot.report.cycles import BillingCycle
from bot.report.model import OverageReport, build_report
from bot.report.pricing import Pricing
from bot.report_sources import DecisionSource, HistorySource, SnapshotSource, add_store_data
from bot.singleflight import SingleFlight
from bot.store.types import StoreError

__all__ = ["DecisionSource", "HistorySource", "ReportService", "SnapshotSource"]

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class _Fetched:
    companies: tuple[Company, ...]
    customer_count: int
    generated_at: datetime
    fetched_monotonic: float


class ReportService:
    """Builds overage reports and people-ready exports from Keepnet.

    Args:
        client: the Keepnet client.
        source: the data source label shown under every report.
        top_n: default number of offenders shown.
        tz: the reseller's time zone (export file names use its date).
        cache_s: how long a fetched report may be reused.
        seat_price: price of one excess user, if configured.
        currency: ISO code for the price.
        pricing: prices per license type, trials and locale (overrides seat_price/currency).
        snapshots: where last week's snapshot comes from (None: no week-over-week line).
        decisions: where billing decisions come from (None: reports carry no billing states).
        history: the snapshot history (None: no over-since and no daily snapshot).
        billing_cycle: ``OVERAGE_BILLING_CYCLE``.
        clock: current time, aware UTC.
        monotonic: a monotonic clock for cache ages.
        export_dir: where export files are kept while shared (default: the system temp folder).
    """

    def __init__(
        self,
        *,
        client: KeepnetClient,
        source: str,
        top_n: int,
        tz: tzinfo,
        cache_s: float = 60.0,
        seat_price: float | None = None,
        currency: str = "USD",
        pricing: Pricing | None = None,
        snapshots: SnapshotSource | None = None,
        decisions: DecisionSource | None = None,
        history: HistorySource | None = None,
        billing_cycle: BillingCycle = "monthly",
        clock: Callable[[], datetime],
        monotonic: Callable[[], float] = time.monotonic,
        export_dir: Path | None = None,
    ) -> None:
        self._client = client
        self._source = source
        self._top_n = top_n
        self._tz = tz
        self._cache_s = cache_s
        self._seat_price = seat_price
        self._currency = currency
        self._pricing = pricing
        self._snapshots = snapshots
        self._decisions = decisions
        self._history = history
        self._billing_cycle = billing_cycle
        self._clock = clock
        self._monotonic = monotonic
        self._cache: dict[str, _Fetched] = {}
        self._inflight: SingleFlight[str, _Fetched] = SingleFlight(name="keepnet-report")
        self.keepnet_fetches = 0
        self._exports = ExportCache(cache_s=cache_s, monotonic=monotonic, directory=export_dir)

    @property
    def client(self) -> KeepnetClient:
        """The Keepnet client (for ``check``)."""
        return self._client

    @property
    def source(self) -> str:
        """The data source label."""
        return self._source

    async def report(
        self, *, query: str = "", top_n: int | None = None, fresh: bool = False
    ) -> OverageReport:
        """The overage report for a query.

        Args:
            query: Keepnet's ``SearchInputTextValue``; "" for all customers.
            top_n: how many offenders to show (default ``OVERAGE_TOP_N``).
            fresh: skip the cache (an in-flight fetch is still shared).

        Returns:
            The report; unfiltered reports carry the change since the last weekly snapshot, and
            every report the billing states (each left out, and logged, when the database cannot
            be read).

        Raises:
            KeepnetError: Keepnet could not produce the complete list.
        """
        key = query.strip()
        cached_before = self._cache.get(key)
        fetched = await self._fetch(key, fresh=fresh)
        previous = None
        if not key and self._snapshots is not None:
            try:
                previous = await self._snapshots.latest_snapshot()
            except StoreError as exc:  # the report still helps without last week's comparison
                log.warning("snapshot_unavailable", error=exc.message)
        report = build_report(
            fetched.companies,
            customer_count=fetched.customer_count,
            top_n=top_n or self._top_n,
            generated_at=fetched.generated_at,
            source=self._source,
            query=key,
            previous=previous,
            seat_price=self._seat_price,
            currency=self._currency,
            pricing=self._pricing,
        )
        return await add_store_data(
            report,
            decisions=self._decisions,
            history=self._history,
            fresh=fetched is not cached_before,
            now=self._clock,
            tz=self._tz,
            cycle=self._billing_cycle,
        )

    def age_s(self, report: OverageReport) -> float:
        """How old the report's data is, in seconds (0 for a fresh fetch)."""
        return max(0.0, (self._clock() - report.generated_at).total_seconds())

    def is_cached(self, report: OverageReport, *, asked_at: datetime) -> bool:
        """Whether ``report`` came from the cache rather than a fetch made (or joined) for the request.

        Args:
            report: what :meth:`report` returned.
            asked_at: when the request was made (this service's clock, read before :meth:`report`).

        Returns:
            True when the data was fetched before ``asked_at``, i.e. reused from the cache.
        """
        return report.generated_at < asked_at

    def cached_queries(self) -> tuple[str, ...]:
        """The queries whose report data is held in memory (for tests and diagnostics)."""
        return tuple(self._cache)

    def now(self) -> datetime:
        """The current time on this service's clock (aware UTC), e.g. for :meth:`is_cached`."""
        return self._clock()

    async def _fetch(self, key: str, *, fresh: bool) -> _Fetched:
        cached = self._cache.get(key)
        if not fresh and cached is not None and self._monotonic() - cached.fetched_monotonic < self._cache_s:
            return cached
        return await self._inflight.run(key, lambda: self._load(key))

    async def _load(self, key: str) -> _Fetched:
        self.keepnet_fetches += 1
        started = self._monotonic()
        try:
            async with asyncio.TaskGroup() as group:  # one failing call cancels the other
                over_task = group.create_task(self._client.fetch_over_limit(key))
                count_task = group.create_task(self._client.count_customers(key))
        except BaseExceptionGroup as group_error:  # callers expect the typed error itself
            raise group_error.exceptions[0] from None
        over, customers = over_task.result(), count_task.result()
        now = self._monotonic()
        fetched = _Fetched(
            companies=over.companies,
            customer_count=customers,
            generated_at=self._clock(),
            fetched_monotonic=now,
        )
        # Expired entries go, so that many different `find` texts cannot pile up in memory.
        self._cache = {k: v for k, v in self._cache.items() if now - v.fetched_monotonic < self._cache_s}
        self._cache[key] = fetched
        log.info(
            "keepnet_report_fetched",
            find=bool(key),
            over_limit=len(over.companies),
            customers=customers,
            pages=over.pages_read,
            duration_ms=round((self._monotonic() - started) * 1000),
        )
        return fetched

    @property
    def keepnet_exports(self) -> int:
        """Count of Keepnet export requests made (bench)."""
        return self._exports.loads

    @asynccontextmanager
    async def export_file(
        self, kind: ExportKind, *, query: str = "", fresh: bool = False
    ) -> AsyncIterator[ExportFile]:
        """An export from Keepnet, ready to hand to people; this caller's file is deleted on exit.

        Keepnet is asked once for everyone: concurrent callers for the same kind and query share one
        export, and a finished one younger than ``OVERAGE_CACHE_S`` is reused while the report data
        for the query has not been fetched again since (so Refresh gets a CSV matching its fresh
        report). Each caller gets its own file named with today's date in the reseller's time zone.
        CSV cells that a spreadsheet would run as formulas are neutralized; XLSX passes unchanged.

        Args:
            kind: ``"CSV"`` or ``"Excel"``.
            query: the same search text as the report.
            fresh: ask Keepnet again rather than reuse a finished export (the Excel button).

        Yields:
            The export on disk.

        Raises:
            KeepnetError: Keepnet could not produce the export.
        """
        key = query.strip()
        filename = export_filename(kind, self._clock().astimezone(self._tz).date())

        async def load(folder: Path) -> ExportFile:
            return await self._load_export(kind, key, folder=folder, filename=filename)

        async with self._exports.use(
            (kind, key), basis=self._cache.get(key), fresh=fresh, filename=filename, load=load
        ) as export:
            yield export

    async def discard_expired_exports(self) -> int:
        """Delete shared export files that may no longer be reused (also done on every export).

        Returns:
            How many were deleted.
        """
        return await self._exports.discard_expired()

    async def close_exports(self) -> None:
        """Delete every shared export file (on shutdown)."""
        await self._exports.close()

    async def _load_export(self, kind: ExportKind, key: str, *, folder: Path, filename: str) -> ExportFile:
        raw = await self._client.export(kind, text=key, filename=filename, directory=folder)
        log.info("keepnet_export_fetched", kind=kind, find=bool(key), bytes=raw.size)
        if kind != "CSV":
            return raw
        clean = folder / ("clean-" + raw.path.name)
        try:
            await asyncio.to_thread(neutralize_csv_file, raw.path, clean)
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise ExportDiskFullError() from exc
            raise
        finally:
            await asyncio.to_thread(raw.path.unlink, True)
        size = (await asyncio.to_thread(clean.stat)).st_size
        return ExportFile(
            path=clean, filename=raw.filename, content_type=raw.content_type, kind=kind, size=size
        )
