"""Command line: ``overage-bot run | post | check | preview | sandbox | teams-package | db | decisions``.

Configuration errors print one line naming the variable and exit with code 2 (no traceback);
Keepnet and chat errors print their remediation and exit with code 1.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.cli.arguments import OneLineParser, bounded_float, bounded_int, tcp_port
from bot.config import ConfigError, Settings, load_settings

__all__ = ["bot_version", "build_parser", "entry_point", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The command line's argument parser."""
    parser = OneLineParser(
        prog="overage-bot",
        description="Keepnet license-overage reports for Slack and Microsoft Teams.",
    )
    parser.add_argument("--version", action="version", version=f"overage-bot {bot_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("run", help="serve Slack (Socket Mode or HTTP) and/or Teams, and the weekly post")

    post = sub.add_parser("post", help="post the report once, now (for cron / Kubernetes CronJob)")
    post.add_argument("--channel", help="only this Slack channel id (default: every weekly destination)")
    post.add_argument("--teams-channel", help="only this Teams channel id (19:…@thread.tacv2)")
    post.add_argument("--key", help="post at most once per key and destination (e.g. 2026-W48)")

    check = sub.add_parser("check", help="verify Keepnet, Slack, Teams, the schedule and the database")
    check.add_argument(
        "--for",
        dest="purpose",
        choices=("run", "post"),
        help="what the setup is for: `run` (commands and buttons) or `post` (cron-only: no signing secret "
        "needed); default: judged from what is set",
    )

    preview = sub.add_parser(
        "preview", help="print the report and write the exports (sandbox without credentials)"
    )
    preview.add_argument(
        "--out", type=Path, default=Path("out"), help="folder for the exports (default ./out)"
    )

    sandbox = sub.add_parser("sandbox", help="serve the Keepnet sandbox (a local stand-in for the API)")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=tcp_port, default=8080, help="TCP port 0–65535 (0 = any free one)")
    sandbox.add_argument("--latency-ms", type=bounded_float(0, 600_000), default=0.0)
    sandbox.add_argument(
        "--fail-429", type=bounded_int(0, 10**9), default=0, help="answer the next N /api calls with 429"
    )
    sandbox.add_argument(
        "--retry-after", default="1", help="Retry-After of those 429s (seconds or HTTP date)"
    )
    sandbox.add_argument(
        "--fail-5xx", type=bounded_int(0, 10**9), default=0, help="answer the next N /api calls with 500"
    )
    sandbox.add_argument(
        "--token-lifetime", type=bounded_int(1, 10**7), default=3600, help="expires_in of issued tokens (s)"
    )
    sandbox.add_argument("--role", default="Reseller", help="credential role (anything but Reseller → 403)")
    sandbox.add_argument(
        "--companies", type=bounded_int(0, 1_000_000), default=1000, help="number of seeded customers"
    )

    audit = sub.add_parser("decisions", help="write every billing decision as CSV, oldest first")
    audit.add_argument("--since", metavar="YYYY-MM-DD", help="only decisions from this day on (UTC)")
    audit.add_argument(
        "--out", type=Path, metavar="FILE.csv", help="the file to write (default: standard output)"
    )

    statement = sub.add_parser(
        "statement", help="write the billing-ready statement (XLSX; sandbox without credentials)"
    )
    statement.add_argument(
        "--out", type=Path, default=Path("out"), help="folder for the statement (default ./out)"
    )
    statement.add_argument("--csv", action="store_true", help="also write the same rows as CSV")

    package = sub.add_parser("teams-package", help="build the Teams app package (zip) to upload")
    package.add_argument(
        "--out",
        default="overage-bot-teams.zip",  # a str: Path() would drop the trailing "/" that means a folder
        help="the zip to write, or a folder (existing, or ending with /) to write overage-bot-teams.zip in "
        "(default ./overage-bot-teams.zip)",
    )
    database = sub.add_parser("db", help="the state database's schema: upgrade it, or print its revision")
    database.add_argument(
        "action",
        choices=["upgrade", "current"],
        help="upgrade: create or upgrade the schema (every start does it too); current: print the revision",
    )
    return parser


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    command = args.command
    if command == "preview":
        from bot.cli.preview import preview

        return asyncio.run(preview(settings, out=args.out))
    if command == "sandbox":
        from bot.cli.sandbox import sandbox

        return asyncio.run(sandbox(settings, args))
    if command == "run":
        from bot.cli.run import run

        return asyncio.run(run(settings))
    if command == "post":
        from bot.cli.post import post

        return asyncio.run(
            post(settings, channel=args.channel, teams_channel=args.teams_channel, key=args.key)
        )
    if command == "check":
        from bot.cli.check import check

        return asyncio.run(check(settings, purpose=args.purpose))
    if command == "decisions":
        from bot.cli.decisions import decisions

        return asyncio.run(decisions(settings, since=args.since, out=args.out))
    if command == "statement":
        from bot.cli.statement import statement

        return asyncio.run(statement(settings, out=args.out, csv=args.csv))
    if command == "teams-package":
        from bot.cli.teams_package import teams_package

        return teams_package(settings, out=args.out)
    if command == "db":
        from bot.cli.db import db

        return asyncio.run(db(settings, args.action))
    raise AssertionError(f"unknown command {command}")  # argparse rejects unknown commands first


def bot_version() -> str:
    """The installed distribution's version (``0+unknown`` when run from a tree that is not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("overage-bot")
    except PackageNotFoundError:
        return "0+unknown"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit code (0 ok, 1 failure, 2 configuration error)."""
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        return _dispatch(args, settings)
    except ConfigError as exc:
        print(f"overage-bot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - a bug: one line on the terminal, the traceback in the log
        _log_bug(exc)
        print(
            f"overage-bot: unexpected error ({type(exc).__name__}: {exc}); this is a bug — "
            "the details are in the log above",
            file=sys.stderr,
        )
        return 1


def _log_bug(exc: BaseException) -> None:
    import structlog

    structlog.get_logger("bot.cli").error("unexpected_error", error=str(exc), exc_info=exc)


def entry_point() -> None:
    """Console-script entry point: exit with :func:`main`'s code."""
    sys.exit(main())
