"""Shared fixtures: every test starts with a clean environment, its own working directory and logging."""

from __future__ import annotations

import logging
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
    # the default SQLite file lives in OVERAGE_DATA_DIR: each test gets its own, never the user's
    monkeypatch.setenv("OVERAGE_DATA_DIR", str(tmp_path / "data"))
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    structlog.reset_defaults()
    # configure_logging() (run by CLI commands tested in-process) replaces the root handlers with
    # one writing to that test's captured stream; put the previous ones back.
    root.handlers[:] = handlers
    root.setLevel(level)
