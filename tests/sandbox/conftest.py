"""Fixtures for the sandbox tests: a fake clock, a running sandbox, a session and a token."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.sandbox import Faults, RunningSandbox, run_sandbox, seed_companies
from tests.sandbox.sandbox_support import TOKEN_FORM, FakeClock


@pytest.fixture(name="clock")
def _clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(name="sandbox")
async def _sandbox(clock: FakeClock) -> AsyncIterator[RunningSandbox]:
    async with run_sandbox(companies=seed_companies(), faults=Faults(), clock=clock) as sandbox:
        yield sandbox


@pytest.fixture(name="session")
async def _session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture(name="auth")
async def _auth(sandbox: RunningSandbox, session: aiohttp.ClientSession) -> dict[str, str]:
    async with session.post(f"{sandbox.base_url}/connect/token", data=TOKEN_FORM) as response:
        assert response.status == 200
        token = (await response.json())["access_token"]
    return {"Authorization": f"Bearer {token}"}
