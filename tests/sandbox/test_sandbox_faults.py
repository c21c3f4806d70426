"""Injected faults of the sandbox: 429, 500, wrong role."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from bot.sandbox import RunningSandbox
from tests.keepnet.openapi_contract import validate_search_response
from tests.sandbox.sandbox_support import EXPORT_PATH, SEARCH_PATH, search_body


async def _post(
    sandbox: RunningSandbox,
    session: aiohttp.ClientSession,
    auth: dict[str, str],
    path: str = SEARCH_PATH,
    **body: Any,
) -> tuple[int, dict[str, str], Any]:
    async with session.post(f"{sandbox.base_url}{path}", json=search_body(**body), headers=auth) as response:
        payload = (
            await response.json() if response.content_type == "application/json" else await response.read()
        )
        return response.status, dict(response.headers), payload


async def test_429_with_retry_after_then_success(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, auth: dict[str, str]
) -> None:
    """fail_429=2 makes the next two /api calls answer 429 with Retry-After, then the call succeeds."""
    sandbox.faults.fail_429 = 2
    sandbox.faults.retry_after = "3"
    for _ in range(2):
        status, headers, _body = await _post(sandbox, session, auth)
        assert (status, headers["Retry-After"]) == (429, "3")
    status, _headers, body = await _post(sandbox, session, auth)
    assert status == 200
    validate_search_response(body)
    assert sandbox.faults.fail_429 == 0


async def test_429_without_retry_after(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, auth: dict[str, str]
) -> None:
    """retry_after=None sends the 429 without a Retry-After header."""
    sandbox.faults.fail_429 = 1
    sandbox.faults.retry_after = None
    status, headers, _body = await _post(sandbox, session, auth)
    assert status == 429
    assert "Retry-After" not in headers


async def test_5xx_envelope_then_success(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, auth: dict[str, str]
) -> None:
    """fail_5xx=1 answers one 500 INTERNAL_SERVER_ERROR envelope, then the next call succeeds."""
    sandbox.faults.fail_5xx = 1
    status, _headers, body = await _post(sandbox, session, auth)
    assert status == 500
    assert body["status"] == "INTERNAL_SERVER_ERROR"
    assert body["data"] is None
    status, _headers, _body = await _post(sandbox, session, auth)
    assert status == 200


@pytest.mark.parametrize("path", [SEARCH_PATH, EXPORT_PATH])
async def test_non_reseller_role_is_forbidden(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, auth: dict[str, str], path: str
) -> None:
    """A CompanyAdmin credential gets 403 with a FAILED envelope on both company endpoints."""
    sandbox.faults.role = "CompanyAdmin"
    status, _headers, body = await _post(sandbox, session, auth, path, exportType="CSV")
    assert status == 403
    assert body["status"] == "FAILED"
    assert "Reseller" in body["message"]
    sandbox.faults.role = "Reseller"
    status, _headers, _body = await _post(sandbox, session, auth, path, exportType="CSV")
    assert status == 200


async def test_requests_and_bodies_are_recorded(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, auth: dict[str, str]
) -> None:
    """Stats count requests per path and keep the JSON bodies, faulted requests included."""
    sandbox.faults.fail_429 = 1
    await _post(sandbox, session, auth, pageSize=5)
    await _post(sandbox, session, auth, pageSize=6)
    assert sandbox.stats.requests[SEARCH_PATH] == 2
    assert sandbox.stats.requests["/connect/token"] == 1
    assert [body["pageSize"] for body in sandbox.stats.search_bodies] == [5, 6]


async def test_latency_is_added_to_token_and_api_calls(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, auth: dict[str, str]
) -> None:
    """latency_ms makes the server wait that long before each answer, token and /api alike."""
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    sandbox.state.sleep = record
    sandbox.faults.latency_ms = 50
    async with session.post(f"{sandbox.base_url}/connect/token", data={}) as response:
        assert response.status == 400
    status, _headers, _body = await _post(sandbox, session, auth)
    assert status == 200
    assert waits == [0.05, 0.05]


async def test_api_requests_in_flight_are_counted(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, auth: dict[str, str]
) -> None:
    """Three /api requests held in the latency wait at once show as max_in_flight 3, then 0 in flight."""
    release, all_waiting = asyncio.Event(), asyncio.Event()

    async def held(_: float) -> None:
        if sandbox.stats.in_flight == 3:
            all_waiting.set()
        await release.wait()

    sandbox.state.sleep = held
    sandbox.faults.latency_ms = 1
    calls = [asyncio.ensure_future(_post(sandbox, session, auth, pageNumber=n)) for n in (1, 2, 3)]
    await asyncio.wait_for(all_waiting.wait(), timeout=10)
    release.set()
    answers = await asyncio.gather(*calls)
    assert [status for status, _, _ in answers] == [200, 200, 200]
    assert (sandbox.stats.in_flight, sandbox.stats.max_in_flight) == (0, 3)
