"""KeepnetClient against the sandbox over real HTTP: paging, tokens, retries and typed errors."""

from __future__ import annotations

import asyncio
import math
import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from types import SimpleNamespace

import aiohttp
import pytest
from aiohttp import web
from structlog.testing import capture_logs

from bot.cli.wiring import keepnet_settings
from bot.config import Settings
from bot.keepnet import (
    KeepnetClient,
    KeepnetConfigError,
    KeepnetCredentialsRejected,
    KeepnetIncompleteError,
    KeepnetInvalidClientError,
    KeepnetNotResellerError,
    KeepnetRequestError,
    KeepnetUnavailableError,
)
from bot.sandbox import Faults, RunningSandbox, over_limit_companies, run_sandbox, seed_companies
from tests.keepnet.openapi_contract import validate_search_request

from .conftest import MakeClient
from .support import SleepRecorder, serve_fake

SEARCH = "/api/companies/search"
TOKEN = "/connect/token"


class _HalfwayRandom(random.Random):
    """A random source that records each jitter window and picks its middle."""

    def __init__(self) -> None:
        super().__init__(0)
        self.windows: list[tuple[float, float]] = []

    def uniform(self, a: float, b: float) -> float:
        self.windows.append((a, b))
        return a + (b - a) / 2


def _ids(rows: list[dict[str, object]]) -> set[str]:
    return {str(row["companyResourceId"]) for row in rows}


class TickingClock:
    """A clock that moves forward ``step`` seconds each time it is read."""

    def __init__(self, step: float) -> None:
        self.now = 1_000_000.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


class TestPaging:
    """Every over-limit company comes back exactly once, however the server pages."""

    @pytest.mark.parametrize("count", [0, 1, 100, 101, 10_000])
    async def test_returns_every_over_limit_company_once(self, make_client: MakeClient, count: int) -> None:
        """0, 1, pageSize, pageSize+1 and 10,000 companies all come back complete and in server order."""
        rows = over_limit_companies(count)
        async with run_sandbox(companies=rows) as sandbox, make_client(sandbox, page_size=100) as client:
            result = await client.fetch_over_limit()
            bodies = sandbox.stats.search_bodies
        ids = [c.company_resource_id for c in result.companies]
        assert len(ids) == len(set(ids)) == count == result.total_records
        assert set(ids) == _ids(rows)
        created_at = {str(row["companyResourceId"]): row["createTime"] for row in rows}
        created = [datetime.fromisoformat(created_at[str(i)]) for i in ids]
        assert created == sorted(created, reverse=True)  # the server's CreateTime-descending order
        assert result.pages_read == max(1, math.ceil(count / 100))
        assert sorted(b["pageNumber"] for b in bodies) == list(range(1, result.pages_read + 1))
        for body in bodies:
            validate_search_request(body)
            assert body["isTargetUserCountExceededLimit"] is True

    async def test_server_page_size_cap_is_honoured(self, make_client: MakeClient) -> None:
        """When the server caps pageSize, pages 2.. use the echoed size and nothing is skipped."""
        faults = Faults(page_size_cap=40)
        async with run_sandbox(companies=over_limit_companies(250), faults=faults) as sandbox:
            async with make_client(sandbox, page_size=100) as client:
                result = await client.fetch_over_limit()
            bodies = sandbox.stats.search_bodies
        assert len(result.companies) == 250
        assert bodies[0]["pageSize"] == 100
        assert {b["pageSize"] for b in bodies[1:]} == {40}
        assert len(bodies) == math.ceil(250 / 40)

    async def test_pages_after_the_first_run_concurrently_within_the_limit(
        self, make_client: MakeClient
    ) -> None:
        """At most `concurrency` page requests are in flight at once, and more than one is."""
        in_flight = SimpleNamespace(now=0, peak=0)

        async def on_start(*_: object) -> None:
            in_flight.now += 1
            in_flight.peak = max(in_flight.peak, in_flight.now)

        async def on_end(*_: object) -> None:
            in_flight.now -= 1

        trace = aiohttp.TraceConfig()
        trace.on_request_start.append(on_start)
        trace.on_request_end.append(on_end)
        faults = Faults(latency_ms=20)
        async with (
            run_sandbox(companies=over_limit_companies(400), faults=faults) as sandbox,
            aiohttp.ClientSession(trace_configs=[trace]) as session,
        ):
            client = make_client(sandbox, page_size=25, concurrency=3, session=session)
            await client.check_access()  # token first, so only search requests overlap below
            in_flight.peak = 0
            result = await client.fetch_over_limit()
        assert len(result.companies) == 400
        assert 1 < in_flight.peak <= 3

    async def test_search_text_is_sent_in_the_filter(self, make_client: MakeClient) -> None:
        """The free-text search goes in a CompanyName Contains filter group (and SearchInputTextValue)."""
        async with (
            run_sandbox(companies=seed_companies(total=500)) as sandbox,
            make_client(sandbox) as client,
        ):
            result = await client.fetch_over_limit("GmbH")
            bodies = sandbox.stats.search_bodies
        assert bodies[0]["filter"]["SearchInputTextValue"] == "GmbH"
        assert bodies[0]["filter"]["FilterGroups"][1]["FilterItems"] == [
            {"FieldName": "CompanyName", "Operator": "Contains", "Value": "GmbH"}
        ]
        for body in bodies:
            validate_search_request(body)
        assert result.companies
        assert all("gmbh" in c.company_name.casefold() for c in result.companies)

    async def test_shifted_rows_are_reread_sequentially(self, make_client: MakeClient) -> None:
        """Rows shifting between pages trigger one sequential re-read that yields the complete list."""
        rows = over_limit_companies(250)
        faults = Faults(shift_rows=1)
        async with run_sandbox(companies=rows, faults=faults) as sandbox:
            async with make_client(sandbox, page_size=25) as client:
                result = await client.fetch_over_limit()
            bodies = sandbox.stats.search_bodies
        assert {c.company_resource_id for c in result.companies} == _ids(rows)
        assert len(result.companies) == 250
        assert result.pages_read == 20
        assert [b["pageNumber"] for b in bodies[10:]] == list(range(1, 11))  # fresh from page 1, in order

    async def test_a_row_repeated_on_a_later_page_keeps_its_first_occurrence(
        self, make_client: MakeClient
    ) -> None:
        """A company seen on page 1 and again (with other counts) on page 2 is reported once, as on page 1."""

        def row(rid: str, users: int) -> dict[str, object]:
            return {
                "companyResourceId": rid,
                "companyName": rid,
                "numberOfUsers": "100",
                "targetUserCount": users,
            }

        pages = {1: [row("dup", 150), row("b", 120)], 2: [row("dup", 999), row("c", 130)]}

        async def search(request: web.Request) -> web.Response:
            number = int((await request.json())["pageNumber"])
            data = {"results": pages[number], "pageNumber": number, "pageSize": 2}
            data |= {"totalNumberOfRecords": 3, "totalNumberOfPages": 2}
            return web.json_response({"data": data, "status": "SUCCESS", "message": None})

        async with serve_fake({SEARCH: search}) as (url, seen), make_client(url, page_size=2) as client:
            result = await client.fetch_over_limit()
        assert seen.count(SEARCH) == 2
        assert [(c.company_resource_id, c.target_user_count) for c in result.companies] == [
            ("dup", 150),
            ("b", 120),
            ("c", 130),
        ]
        assert result.companies[0].excess_users == 50

    async def test_persistent_shifting_raises_incomplete(self, make_client: MakeClient) -> None:
        """If the pages never add up, the caller gets KeepnetIncompleteError, never a partial list."""
        faults = Faults(shift_rows=1000)
        async with (
            run_sandbox(companies=over_limit_companies(250), faults=faults) as sandbox,
            make_client(sandbox, page_size=25) as client,
        ):
            with pytest.raises(KeepnetIncompleteError, match="250"):
                await client.fetch_over_limit()

    async def test_count_customers_has_no_overage_filter(self, make_client: MakeClient) -> None:
        """count_customers asks one row without the overage filter and returns the total."""
        async with (
            run_sandbox(companies=seed_companies(total=300)) as sandbox,
            make_client(sandbox) as client,
        ):
            assert await client.count_customers() == 300
            body = sandbox.stats.search_bodies[-1]
        validate_search_request(body)
        assert (body["pageSize"], body["isTargetUserCountExceededLimit"]) == (1, False)


class TestTokens:
    """Access tokens are shared, renewed before expiry and renewed once after a 401."""

    async def test_concurrent_callers_share_one_token_request(self, make_client: MakeClient) -> None:
        """Ten searches started together on a new client cause exactly one token request."""
        async with run_sandbox(companies=over_limit_companies(5)) as sandbox, make_client(sandbox) as client:
            await asyncio.gather(*(client.check_access() for _ in range(10)))
            assert sandbox.stats.tokens_issued == 1
            assert sandbox.stats.requests[TOKEN] == 1

    async def test_token_expiring_mid_paging_is_renewed_before_it_runs_out(
        self, make_client: MakeClient
    ) -> None:
        """With a 120 s token and time passing during paging, a new token is fetched and no page fails."""
        clock = TickingClock(step=5)
        faults = Faults(token_lifetime_s=120)
        async with run_sandbox(companies=over_limit_companies(500), faults=faults, clock=clock) as sandbox:
            async with make_client(sandbox, page_size=25, concurrency=2, clock=clock) as client:
                result = await client.fetch_over_limit()
            stats = sandbox.stats
        assert len(result.companies) == 500
        assert stats.tokens_issued >= 2
        assert stats.requests[SEARCH] == 20  # no 401 was needed: renewal came first

    async def test_token_expired_by_the_server_is_renewed_once_and_the_request_repeated(
        self, make_client: MakeClient
    ) -> None:
        """A 401 mid-paging (server clock ahead) gets a fresh token and the page is read again."""
        server_clock = TickingClock(step=700)  # a 3600 s token dies after a few requests
        async with run_sandbox(companies=over_limit_companies(250), clock=server_clock) as sandbox:
            async with make_client(sandbox, page_size=25, concurrency=1, clock=lambda: 0.0) as client:
                result = await client.fetch_over_limit()
            stats = sandbox.stats
        assert len(result.companies) == 250
        assert stats.tokens_issued >= 2
        assert stats.requests[SEARCH] == 10 + (stats.tokens_issued - 1)  # one repeat per renewal

    async def test_second_401_is_credentials_rejected(self, make_client: MakeClient) -> None:
        """A 401 even with a freshly issued token is KeepnetCredentialsRejected after exactly one renewal."""
        faults = Faults(token_lifetime_s=0)  # every token is already expired on arrival
        async with run_sandbox(faults=faults) as sandbox, make_client(sandbox) as client:
            with pytest.raises(KeepnetCredentialsRejected, match="REST API"):
                await client.check_access()
            assert sandbox.stats.requests[SEARCH] == 2
            assert sandbox.stats.tokens_issued == 2

    async def test_invalid_client_message(self, make_client: MakeClient) -> None:
        """A wrong secret gives KeepnetInvalidClientError telling which settings to check."""
        async with (
            run_sandbox() as sandbox,
            make_client(sandbox, client_secret="wrong-secret-value") as client,
        ):
            with pytest.raises(KeepnetInvalidClientError) as info:
                await client.fetch_over_limit()
            assert sandbox.stats.requests[SEARCH] == 0
        assert "KEEPNET_CLIENT_SECRET" in str(info.value)


class TestRetries:
    """429s and 5xx are retried with Retry-After or capped, jittered backoff."""

    async def test_two_429s_then_success_wait_retry_after(
        self, make_client: MakeClient, sleeps: SleepRecorder
    ) -> None:
        """Two 429s with Retry-After: 3 are waited out exactly, then the search succeeds."""
        faults = Faults(fail_429=2, retry_after="3")
        async with (
            run_sandbox(companies=over_limit_companies(30), faults=faults) as sandbox,
            make_client(sandbox) as client,
        ):
            result = await client.fetch_over_limit()
        assert len(result.companies) == 30
        assert sleeps.calls == [3.0, 3.0]

    async def test_http_date_retry_after(self, make_client: MakeClient, sleeps: SleepRecorder) -> None:
        """An HTTP-date Retry-After is turned into the seconds until that date."""
        when = datetime.now(UTC) + timedelta(seconds=30)
        faults = Faults(fail_429=1, retry_after=format_datetime(when, usegmt=True))
        async with (
            run_sandbox(companies=over_limit_companies(3), faults=faults) as sandbox,
            make_client(sandbox) as client,
        ):
            await client.fetch_over_limit()
        assert len(sleeps.calls) == 1
        assert 20 < sleeps.calls[0] <= 30

    async def test_429_without_retry_after_backs_off(
        self, make_client: MakeClient, sleeps: SleepRecorder
    ) -> None:
        """Without Retry-After: a random wait in a window doubling per try (0.5, 1, 2 s), full jitter."""
        rng = _HalfwayRandom()
        faults = Faults(fail_429=3, retry_after=None)
        async with (
            run_sandbox(companies=over_limit_companies(3), faults=faults) as sandbox,
            make_client(sandbox, rng=rng) as client,
        ):
            await client.fetch_over_limit()
        assert rng.windows == [(0.0, 0.5), (0.0, 1.0), (0.0, 2.0)]
        assert sleeps.calls == [0.25, 0.5, 1.0]

    async def test_backoff_window_is_capped_at_20_s(
        self, make_client: MakeClient, sleeps: SleepRecorder
    ) -> None:
        """With many tries the backoff window stops growing at 20 s; real jitter stays inside it."""
        faults = Faults(fail_5xx=8)
        async with (
            run_sandbox(companies=over_limit_companies(3), faults=faults) as sandbox,
            make_client(sandbox, max_tries=9, rng=random.Random(7)) as client,
        ):
            await client.fetch_over_limit()
        bounds = [min(20.0, 0.5 * 2**n) for n in range(8)]
        assert len(sleeps.calls) == 8
        assert all(0 <= wait <= bound for wait, bound in zip(sleeps.calls, bounds, strict=True))
        assert len(set(sleeps.calls)) == 8  # jittered, not a constant
        assert max(sleeps.calls) > 2.0  # later windows really are wider

    async def test_5xx_then_success(self, make_client: MakeClient, sleeps: SleepRecorder) -> None:
        """Two 500s are retried and the complete list arrives."""
        faults = Faults(fail_5xx=2)
        async with (
            run_sandbox(companies=over_limit_companies(120), faults=faults) as sandbox,
            make_client(sandbox) as client,
        ):
            result = await client.fetch_over_limit()
        assert len(result.companies) == 120
        assert len(sleeps.calls) == 2

    async def test_permanent_5xx_is_unavailable_after_max_tries(self, make_client: MakeClient) -> None:
        """A server that keeps failing gives KeepnetUnavailableError after 4 tries, 4 requests."""
        faults = Faults(fail_5xx=1000)
        async with run_sandbox(faults=faults) as sandbox, make_client(sandbox) as client:
            with pytest.raises(KeepnetUnavailableError, match="after 4 tries") as info:
                await client.fetch_over_limit()
            assert sandbox.stats.requests[SEARCH] == 4
        assert info.value.tries == 4

    async def test_page_failing_for_good_mid_paging_gives_no_partial_list(
        self, make_client: MakeClient
    ) -> None:
        """When pages after the first keep failing, the whole call fails with KeepnetUnavailableError."""
        sandbox_box: list[RunningSandbox] = []

        async def break_after_first_page(
            _: object, __: object, params: aiohttp.TraceRequestEndParams
        ) -> None:
            if params.url.path == SEARCH:
                sandbox_box[0].faults.fail_5xx = 1000

        trace = aiohttp.TraceConfig()
        trace.on_request_end.append(break_after_first_page)
        async with (
            run_sandbox(companies=over_limit_companies(300)) as sandbox,
            aiohttp.ClientSession(trace_configs=[trace]) as session,
        ):
            sandbox_box.append(sandbox)
            client = make_client(sandbox, session=session)
            with pytest.raises(KeepnetUnavailableError, match="after 4 tries"):
                await client.fetch_over_limit()

    async def test_connection_refused_is_unavailable(
        self, make_client: MakeClient, sleeps: SleepRecorder
    ) -> None:
        """Nobody listening: retried, then KeepnetUnavailableError naming the connection failure."""
        async with run_sandbox() as sandbox:
            url = sandbox.base_url
        async with make_client(url) as client:
            with pytest.raises(KeepnetUnavailableError, match="connection failed") as info:
                await client.check_access()
        assert info.value.tries == 4
        assert len(sleeps.calls) == 3

    async def test_timeout_is_unavailable(self, make_client: MakeClient) -> None:
        """A server slower than timeout_s is retried, then reported as unavailable."""
        faults = Faults(latency_ms=300)
        async with (
            run_sandbox(faults=faults) as sandbox,
            make_client(sandbox, timeout_s=0.05, max_tries=2) as client,
        ):
            with pytest.raises(KeepnetUnavailableError, match=r"no answer within 0\.05 s\) after 2 tries"):
                await client.check_access()


class TestErrors:
    """Failures reach the caller as typed errors with the server's message."""

    async def test_403_not_reseller(self, make_client: MakeClient) -> None:
        """A non-Reseller credential gets KeepnetNotResellerError with the Client Role remediation."""
        async with run_sandbox(faults=Faults(role="CompanyAdmin")) as sandbox, make_client(sandbox) as client:
            with pytest.raises(KeepnetNotResellerError) as info:
                await client.check_access()
        assert "Client Role = Reseller" in info.value.remediation
        assert "Reseller accounts" in str(info.value)

    async def test_400_shows_the_server_message(self, make_client: MakeClient) -> None:
        """A 400 envelope's validation message reaches the caller, and the request is not retried."""

        async def reject(_: web.Request) -> web.Response:
            body = {
                "data": None,
                "status": "INPUT_ERROR",
                "message": "Invalid.",
                "validationMessages": ["Bad text."],
            }
            return web.json_response(body, status=400)

        async with serve_fake({SEARCH: reject}) as (url, seen), make_client(url) as client:
            with pytest.raises(KeepnetRequestError, match="Bad text") as info:
                await client.fetch_over_limit("x")
        assert info.value.validation_messages == ("Bad text.", "Invalid.")
        assert seen.count(SEARCH) == 1

    async def test_missing_credentials_is_config_error(self) -> None:
        """A client without id/secret cannot be built: KeepnetConfigError."""
        with pytest.raises(KeepnetConfigError):
            KeepnetClient(base_url="http://127.0.0.1:1", client_id="", client_secret="")

    async def test_unreadable_ca_bundle_is_config_error(self, tmp_path: Path) -> None:
        """A KEEPNET_CA_BUNDLE that is not a PEM file is reported as a configuration error."""
        bundle = tmp_path / "ca.pem"
        bundle.write_text("not a certificate")
        with pytest.raises(KeepnetConfigError, match="KEEPNET_CA_BUNDLE"):
            KeepnetClient(base_url="https://x", client_id="id", client_secret="secret-123", ca_bundle=bundle)

    async def test_from_settings(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """from_settings reads the Keepnet settings and lets arguments override them."""
        monkeypatch.setenv("KEEPNET_CLIENT_ID", "sandbox-reseller")
        monkeypatch.setenv("KEEPNET_CLIENT_SECRET", "sandbox-secret-not-for-production")
        async with (
            run_sandbox(companies=over_limit_companies(7)) as sandbox,
            KeepnetClient.from_settings(keepnet_settings(Settings()), base_url=sandbox.base_url) as client,
        ):
            result = await client.fetch_over_limit()
        assert len(result.companies) == 7


async def test_one_log_line_per_request(make_client: MakeClient) -> None:
    """Each HTTP request to Keepnet is logged once with method, path, status, duration and attempt."""
    faults = Faults(fail_5xx=1)
    async with run_sandbox(companies=over_limit_companies(120), faults=faults) as sandbox:
        with capture_logs() as logs:
            async with make_client(sandbox) as client:
                await client.fetch_over_limit()
        total = sum(sandbox.stats.requests.values())
    lines = [line for line in logs if line["event"] == "keepnet_request"]
    assert len(lines) == total
    assert {(line["method"], line["path"]) for line in lines} == {("POST", TOKEN), ("POST", SEARCH)}
    assert [line["status"] for line in lines if line["path"] == SEARCH] == [500, 200, 200]
    assert [line["attempt"] for line in lines if line["path"] == SEARCH] == [1, 2, 1]
    assert all(isinstance(line["duration_ms"], float) for line in lines)
