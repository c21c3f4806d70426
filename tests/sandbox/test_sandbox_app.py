"""The sandbox package surface and its servers (run_sandbox, serve_sandbox)."""

from __future__ import annotations

import asyncio
import contextlib
import re

import aiohttp
import pytest

import bot.sandbox
from bot.sandbox import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_STATE,
    Faults,
    create_sandbox_app,
    run_sandbox,
    serve_sandbox,
)

_CONTRACT = {
    "Faults", "seed_companies", "over_limit_companies", "create_sandbox_app", "SANDBOX_STATE", "SandboxStats",
    "run_sandbox", "RunningSandbox", "serve_sandbox", "SANDBOX_CLIENT_ID", "SANDBOX_CLIENT_SECRET",
}  # fmt: skip


def test_all_exports_the_contract() -> None:
    """bot.sandbox.__all__ names every contract symbol and each one exists."""
    assert set(bot.sandbox.__all__) >= _CONTRACT
    assert all(hasattr(bot.sandbox, name) for name in bot.sandbox.__all__)


def test_app_keeps_faults_and_companies_by_reference() -> None:
    """create_sandbox_app stores the given Faults and companies so tests can change them live."""
    faults = Faults(role="CompanyAdmin")
    companies: list[dict[str, object]] = []
    state = create_sandbox_app(companies=companies, faults=faults)[SANDBOX_STATE]
    assert state.faults is faults
    assert state.companies is companies


async def test_run_sandbox_listens_on_loopback_until_exit() -> None:
    """run_sandbox serves on 127.0.0.1 with a free port and stops when the block ends."""
    async with aiohttp.ClientSession() as session:
        async with run_sandbox(companies=[]) as sandbox:
            assert re.fullmatch(r"http://127\.0\.0\.1:\d+", sandbox.base_url)
            async with session.post(f"{sandbox.base_url}/api/companies/search", json={}) as response:
                assert response.status == 401
        with pytest.raises(aiohttp.ClientConnectionError):
            await session.post(f"{sandbox.base_url}/api/companies/search", json={})


async def test_serve_sandbox_prints_url_and_credentials(capsys: pytest.CaptureFixture[str]) -> None:
    """serve_sandbox prints where it listens and the sandbox credentials, and issues tokens there."""
    task = asyncio.create_task(serve_sandbox(host="127.0.0.1", port=0, faults=Faults(), companies=50))
    output = ""
    for _ in range(2000):  # yield to the loop until the server has started
        await asyncio.sleep(0)
        output += capsys.readouterr().out
        if "listening on" in output:
            break
    try:
        match = re.search(r"http://127\.0\.0\.1:\d+", output)
        assert match is not None, output
        assert SANDBOX_CLIENT_ID in output
        assert SANDBOX_CLIENT_SECRET in output
        form = {"grant_type": "client_credentials", "client_id": SANDBOX_CLIENT_ID}
        form |= {"client_secret": SANDBOX_CLIENT_SECRET, "scope": "api1"}
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{match[0]}/connect/token", data=form) as response,
        ):
            assert response.status == 200
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
