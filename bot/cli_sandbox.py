"""``overage-bot sandbox``: serve the Keepnet stand-in with fault injection."""

from __future__ import annotations

import argparse

from bot.config import Settings
from bot.runtime import setup_logging
from bot.sandbox import Faults, serve_sandbox

__all__ = ["sandbox"]


async def sandbox(settings: Settings, args: argparse.Namespace) -> int:
    """Serve the sandbox until interrupted.

    Args:
        settings: the configuration (logging).
        args: the parsed ``sandbox`` options (host, port and the faults).

    Returns:
        The exit code.
    """
    setup_logging(settings)
    faults = Faults(
        latency_ms=args.latency_ms,
        fail_429=args.fail_429,
        retry_after=args.retry_after or None,
        fail_5xx=args.fail_5xx,
        token_lifetime_s=args.token_lifetime,
        role=args.role,
    )
    await serve_sandbox(host=args.host, port=args.port, faults=faults, companies=args.companies)
    return 0
