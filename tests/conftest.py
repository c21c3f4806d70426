"""Shared fixtures: every test starts with a clean environment and its own working directory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

_PREFIXES = ("KEEPNET_", "SLACK_", "OVERAGE_", "TEAMS_", "LOG_", "PUBLIC_URL", "EXPORT_LINK_", "HOST", "PORT")
_KEEP = ("OVERAGE_REQUIRE_POSTGRES", "OVERAGE_TEST_POSTGRES_URL")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Remove the bot's variables from the environment and run in an empty folder (no stray .env)."""
    for name in list(os.environ):
        if name.upper().startswith(_PREFIXES) and name.upper() not in _KEEP:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    yield
    structlog.reset_defaults()
