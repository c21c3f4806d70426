"""``overage-bot preview``: the report in the terminal; the exports, the statement CSV and the Slack message on disk.

Without ``KEEPNET_CLIENT_ID`` it starts the built-in Keepnet sandbox on a free port and says so, so
it works offline on a fresh clone.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
from contextlib import AsyncExitStack
from pathlib import Path

from bot.cli.wiring import build_keepnet_client, build_service, keepnet_settings, setup_logging
from bot.clock import utc_now
from bot.config import Settings
from bot.exports.statement import statement_filename, write_statement_csv
from bot.keepnet.client import KeepnetClient
from bot.keepnet.errors import KeepnetError
from bot.report.statement import build_statement
from bot.report.text import render_text_report
from bot.sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, run_sandbox, seed_companies
from bot.slack.blocks import block_kit_builder_url, build_report_message

__all__ = ["preview"]


async def preview(settings: Settings, *, out: Path) -> int:
    """Print the report, write the CSV/XLSX exports and ``message.json`` to ``out``.

    Args:
        settings: the configuration.
        out: the folder to write into (created if needed).

    Returns:
        The exit code: 0, or 1 with the error's remediation on standard error.
    """
    setup_logging(settings, quiet=True)
    try:
        return await _preview(settings, out)
    except KeepnetError as exc:
        print(f"overage-bot: {exc.message}\n{exc.remediation}", file=sys.stderr)
    except OSError as exc:
        where = exc.filename or out
        print(
            f"overage-bot: cannot write to {where}: {exc.strerror or exc}. Choose another --out folder.",
            file=sys.stderr,
        )
    return 1


async def _preview(settings: Settings, out: Path) -> int:
    async with AsyncExitStack() as stack:
        if settings.uses_sandbox:
            sandbox = await stack.enter_async_context(run_sandbox(companies=seed_companies()))
            print(
                f"No KEEPNET_CLIENT_ID set: using the built-in Keepnet sandbox at {sandbox.base_url} "
                "(demo data, not your customers)."
            )
            client = KeepnetClient.from_settings(
                keepnet_settings(settings),
                base_url=sandbox.base_url,
                client_id=SANDBOX_CLIENT_ID,
                client_secret=SANDBOX_CLIENT_SECRET,
                trust_env=False,  # loopback sandbox traffic never goes through a proxy
            )
        else:
            client = build_keepnet_client(settings)
            print(f"Reading from {settings.keepnet_base_url} …")
        await stack.enter_async_context(client)
        service = build_service(settings, client, sandbox=settings.uses_sandbox)
        report = await service.report()
        print()
        print(render_text_report(report, tz=settings.tz))
        await asyncio.to_thread(out.mkdir, parents=True, exist_ok=True)
        written = []
        for kind in ("CSV", "Excel"):
            async with service.export_file(kind) as export:
                target = out / export.filename
                await asyncio.to_thread(shutil.copyfile, export.path, target)
                written.append(target)
        statement = build_statement(report, tz=settings.tz)
        target = out / statement_filename(statement.day, "csv")
        written.append(await asyncio.to_thread(write_statement_csv, statement, target))
    message = build_report_message(report, tz=settings.tz, now=utc_now())
    message_path = out / "message.json"
    text = json.dumps(message, indent=2, ensure_ascii=False) + "\n"
    await asyncio.to_thread(message_path.write_text, text, encoding="utf-8")
    written.append(message_path)
    print()
    for path in written:
        print(f"Wrote {path}")
    print(f"See the Slack message in Block Kit Builder: {block_kit_builder_url(message)}")
    return 0
