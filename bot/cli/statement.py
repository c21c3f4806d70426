"""``overage-bot statement [--out DIR] [--csv]``: the billing-ready statement as a file.

The data comes from Keepnet (the built-in sandbox without ``KEEPNET_CLIENT_ID``, as ``preview``);
billing states and "over since" come from the state database when it exists — the command never
creates one (without it, State is empty and Over since is today's run).
"""

from __future__ import annotations

import asyncio
import sys
from contextlib import AsyncExitStack
from pathlib import Path

from bot.cli.wiring import build_keepnet_client, build_service, keepnet_settings, setup_logging
from bot.config import Settings
from bot.exports.statement import statement_filename, write_statement_csv, write_statement_xlsx
from bot.keepnet.client import KeepnetClient
from bot.keepnet.errors import KeepnetError
from bot.report.statement import build_statement
from bot.sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, run_sandbox, seed_companies
from bot.store.database import Store
from bot.store.revisions import missing_sqlite_file
from bot.store.types import StoreError

__all__ = ["statement"]


async def _existing_store(settings: Settings, stack: AsyncExitStack) -> Store | None:
    """The state database when it already exists (never created here), else None."""
    if await asyncio.to_thread(missing_sqlite_file, settings.overage_db_url) is not None:
        print(
            "No state database yet: State, Decided by and Over since come from the bot's history once it runs."
        )
        return None
    store = await Store.open(settings.overage_db_url, history_weeks=settings.overage_history_weeks)
    stack.push_async_callback(store.close)
    return store


async def _statement(settings: Settings, out: Path, *, csv: bool) -> int:
    async with AsyncExitStack() as stack:
        if settings.uses_sandbox:
            sandbox = await stack.enter_async_context(run_sandbox(companies=seed_companies()))
            print(
                f"No KEEPNET_CLIENT_ID set: using the built-in Keepnet sandbox at {sandbox.base_url} (demo data)."
            )
            client = KeepnetClient.from_settings(
                keepnet_settings(settings),
                base_url=sandbox.base_url,
                client_id=SANDBOX_CLIENT_ID,
                client_secret=SANDBOX_CLIENT_SECRET,
                trust_env=False,
            )
        else:
            client = build_keepnet_client(settings)
        await stack.enter_async_context(client)
        store = await _existing_store(settings, stack)
        service = build_service(
            settings,
            client,
            decisions=store.decisions if store else None,
            snapshots=store,
            sandbox=settings.uses_sandbox,
        )
        report = await service.report()
        since = None
        if store is not None:  # read the history; this command writes no snapshot
            today = report.generated_at.astimezone(settings.tz).date()
            since = await store.history.over_since((o.company_id for o in report.offenders), today=today)
        statement = build_statement(report, tz=settings.tz, over_since=since)
        await asyncio.to_thread(out.mkdir, parents=True, exist_ok=True)
        written = [
            await asyncio.to_thread(write_statement_xlsx, statement, out / statement_filename(statement.day))
        ]
        if csv:
            target = out / statement_filename(statement.day, "csv")
            written.append(await asyncio.to_thread(write_statement_csv, statement, target))
    rule = statement.pricing
    amount = "no seat price set" if statement.total_amount is None else rule.money(statement.total_amount)
    print(
        f"{len(statement.rows):,} customers over their license limit; billable excess {statement.total_excess:,} "
        f"users, {amount} / {rule.period} (trials and ignored customers excluded)"
    )
    for path in written:
        print(f"Wrote {path.resolve()}")
    return 0


async def statement(settings: Settings, *, out: Path, csv: bool = False) -> int:
    """Write ``overage-statement-YYYY-MM-DD.xlsx`` (and ``.csv`` with ``csv``) into ``out``.

    Returns:
        The exit code: 0, or 1 with the error's fix on standard error.
    """
    setup_logging(settings, quiet=True)
    try:
        return await _statement(settings, out, csv=csv)
    except KeepnetError as exc:
        print(f"overage-bot: {exc.message}\n{exc.remediation}", file=sys.stderr)
    except StoreError as exc:
        print(f"overage-bot: {exc}", file=sys.stderr)
    except OSError as exc:
        print(
            f"overage-bot: cannot write to {exc.filename or out}: {exc.strerror or exc}. Choose another --out folder.",
            file=sys.stderr,
        )
    return 1
