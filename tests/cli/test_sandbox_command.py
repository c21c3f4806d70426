"""`overage-bot sandbox`: the command-line flags become the sandbox's faults."""

from __future__ import annotations

from bot.cli import build_parser
from bot.cli.sandbox import faults_from_args
from bot.sandbox import Faults


def test_flags_set_every_fault() -> None:
    """--latency-ms, --fail-429, --retry-after, --fail-5xx, --token-lifetime and --role reach the sandbox."""
    args = build_parser().parse_args(
        [
            "sandbox",
            "--port",
            "8081",
            "--latency-ms",
            "50",
            "--fail-429",
            "2",
            "--retry-after",
            "Wed, 21 Oct 2026 07:28:00 GMT",
            "--fail-5xx",
            "1",
            "--token-lifetime",
            "60",
            "--role",
            "CompanyAdmin",
            "--companies",
            "500",
        ]
    )
    faults = faults_from_args(args)
    assert (faults.latency_ms, faults.fail_429, faults.fail_5xx) == (50.0, 2, 1)
    assert faults.retry_after == "Wed, 21 Oct 2026 07:28:00 GMT"
    assert (faults.token_lifetime_s, faults.role) == (60, "CompanyAdmin")
    assert (args.port, args.companies) == (8081, 500)


def test_defaults_are_a_healthy_sandbox() -> None:
    """Without flags the sandbox has no faults and a Reseller credential."""
    faults = faults_from_args(build_parser().parse_args(["sandbox"]))
    assert faults == Faults(retry_after="1")
