"""``overage-bot sandbox``: serve the Keepnet stand-in with fault injection."""

from __future__ import annotations

import argparse

from bot.cli.wiring import setup_logging
from bot.config import ConfigError, Settings
from bot.sandbox import Faults, serve_sandbox

__all__ = ["faults_from_args", "sandbox"]


def faults_from_args(args: argparse.Namespace) -> Faults:
    """The sandbox faults asked for on the command line."""
    return Faults(
        latency_ms=args.latency_ms,
        fail_429=args.fail_429,
        retry_after=args.retry_after or None,
        fail_5xx=args.fail_5xx,
        token_lifetime_s=args.token_lifetime,
        role=args.role,
    )


async def sandbox(settings: Settings, args: argparse.Namespace) -> int:
    """Serve the sandbox until interrupted.

    Args:
        settings: the configuration (logging).
        args: the parsed ``sandbox`` options (host, port and the faults).

    Returns:
        The exit code.
    """
    setup_logging(settings)
    try:
        await serve_sandbox(
            host=args.host, port=args.port, faults=faults_from_args(args), companies=args.companies
        )
    except OSError as exc:  # the port is taken, the host is not an address of this machine…
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise ConfigError(
            f"sandbox: cannot listen on {args.host}:{args.port} ({reason}); choose another --port "
            "(0 picks a free one) or a --host of this machine such as 127.0.0.1"
        ) from None
    return 0
