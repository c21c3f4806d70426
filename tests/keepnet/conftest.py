"""Fixtures for the Keepnet client tests: a recording sleep and a client factory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.keepnet.client import KeepnetClient
from bot.sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, RunningSandbox

from .support import SleepRecorder

MakeClient = Callable[..., KeepnetClient]


@pytest.fixture(name="sleeps")
def _sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture(name="make_client")
def _make_client(sleeps: SleepRecorder) -> MakeClient:
    """Build a client for a sandbox (sandbox credentials, recording sleep); kwargs override."""

    def make(sandbox: RunningSandbox | str, **overrides: Any) -> KeepnetClient:
        base_url = sandbox if isinstance(sandbox, str) else sandbox.base_url
        kwargs: dict[str, Any] = {
            "base_url": base_url,
            "client_id": SANDBOX_CLIENT_ID,
            "client_secret": SANDBOX_CLIENT_SECRET,
            "sleep": sleeps,
            "page_size": 100,  # the paging scenarios are written for pages of 100 (production asks 500)
            **overrides,
        }
        return KeepnetClient(**kwargs)

    return make
