"""Limits the client keeps: Retry-After it will not wait out, and /api requests in flight per client."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from bot.keepnet import KeepnetUnavailableError
from bot.keepnet.client import MAX_RETRY_AFTER_S
from bot.sandbox import Faults, over_limit_companies, run_sandbox

from .conftest import MakeClient
from .support import SleepRecorder

SEARCH = "/api/companies/search"


class TestRetryAfterCap:
    """A Retry-After beyond the cap fails at once instead of stalling the report."""

    async def test_retry_after_beyond_the_cap_fails_at_once(
        self, make_client: MakeClient, sleeps: SleepRecorder
    ) -> None:
        """Retry-After: 600 is not shortened and waited: the call fails now, saying 600 s and when to retry."""
        faults = Faults(fail_429=1, retry_after="600")
        before = datetime.now(UTC)
        async with run_sandbox(faults=faults) as sandbox, make_client(sandbox) as client:
            with pytest.raises(KeepnetUnavailableError, match="asked to wait 600 s") as info:
                await client.fetch_over_limit()
            assert sandbox.stats.requests[SEARCH] == 1
        assert sleeps.calls == []
        assert info.value.status == 429
        assert "Retry-After" in info.value.message
        when = datetime.strptime(info.value.remediation, "Try again after %Y-%m-%d %H:%M:%S UTC.")
        retry_at = when.replace(tzinfo=UTC)
        assert before + timedelta(seconds=598) <= retry_at <= datetime.now(UTC) + timedelta(seconds=601)

    async def test_http_date_beyond_the_cap_fails_at_once(
        self, make_client: MakeClient, sleeps: SleepRecorder
    ) -> None:
        """An HTTP-date Retry-After an hour away is reported, not waited out."""
        later = format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)
        async with (
            run_sandbox(faults=Faults(fail_429=1, retry_after=later)) as sandbox,
            make_client(sandbox) as client,
        ):
            with pytest.raises(KeepnetUnavailableError, match=r"asked to wait 3[56]\d\d s"):
                await client.count_customers()
        assert sleeps.calls == []

    async def test_retry_after_at_the_cap_is_waited(
        self, make_client: MakeClient, sleeps: SleepRecorder
    ) -> None:
        """A Retry-After of exactly the cap is waited out in full and the search then succeeds."""
        faults = Faults(fail_429=1, retry_after=str(int(MAX_RETRY_AFTER_S)))
        async with (
            run_sandbox(companies=over_limit_companies(4), faults=faults) as sandbox,
            make_client(sandbox) as client,
        ):
            result = await client.fetch_over_limit()
        assert len(result.companies) == 4
        assert sleeps.calls == [MAX_RETRY_AFTER_S]


class TestConcurrencyPerClient:
    """Concurrent calls on one client share one in-flight request limit."""

    async def test_concurrent_calls_share_one_limit(self, make_client: MakeClient, tmp_path: Path) -> None:
        """Two reports, a customer count and an export at once never put more than `concurrency` at the server."""
        faults = Faults(latency_ms=10)
        async with (
            run_sandbox(companies=over_limit_companies(300), faults=faults) as sandbox,
            make_client(sandbox, page_size=25, concurrency=3) as client,
        ):
            await client.check_access()  # the token first, so only /api requests overlap below
            sandbox.stats.max_in_flight = 0
            first, second, customers, export = await asyncio.gather(
                client.fetch_over_limit(),
                client.fetch_over_limit(),
                client.count_customers(),
                client.export("CSV", filename="x.csv", directory=tmp_path),
            )
            peak = sandbox.stats.max_in_flight
            searches = sandbox.stats.requests[SEARCH]
        assert len(first.companies) == len(second.companies) == 300
        assert customers == 300
        assert export.size > 0
        assert searches == 1 + 2 * 12 + 1
        assert peak == 3
