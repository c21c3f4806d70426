"""Environments for bot processes started by the command-line tests."""

from __future__ import annotations

from pathlib import Path

from bot.sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, RunningSandbox

__all__ = ["teams_env"]


def teams_env(sandbox: RunningSandbox, tmp_path: Path) -> dict[str, str]:
    """A Teams-only bot in anonymous (loopback) mode with its state in a SQLite file."""
    return {
        "KEEPNET_BASE_URL": sandbox.base_url,
        "KEEPNET_CLIENT_ID": SANDBOX_CLIENT_ID,
        "KEEPNET_CLIENT_SECRET": SANDBOX_CLIENT_SECRET,
        "TEAMS_ALLOW_ANONYMOUS": "true",
        "HOST": "127.0.0.1",
        "OVERAGE_DB_URL": f"sqlite+aiosqlite:///{tmp_path / 'state.db'}",
    }
