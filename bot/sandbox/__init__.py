"""A local stand-in for the Keepnet API (token, company search, export) with injectable faults."""

from bot.sandbox.app import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_STATE,
    RunningSandbox,
    SandboxState,
    SandboxStats,
    create_sandbox_app,
    run_sandbox,
    serve_sandbox,
)
from bot.sandbox.data import SPECIAL_NAMES, is_over_limit, over_limit_companies, seed_companies
from bot.sandbox.faults import Faults

__all__ = [
    "SANDBOX_CLIENT_ID",
    "SANDBOX_CLIENT_SECRET",
    "SANDBOX_STATE",
    "SPECIAL_NAMES",
    "Faults",
    "RunningSandbox",
    "SandboxState",
    "SandboxStats",
    "create_sandbox_app",
    "is_over_limit",
    "over_limit_companies",
    "run_sandbox",
    "seed_companies",
    "serve_sandbox",
]
