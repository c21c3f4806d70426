"""``overage-bot check``: verify the whole setup in seconds, one line per item with its fix.

Exit code 0 only when everything needed works, so a mistake shows today, not on Monday; a warning
(``!``) never changes the exit code. Each item gets at most :data:`ITEM_TIMEOUT_S` seconds whatever
``KEEPNET_TIMEOUT_S`` says, so the whole run stays under a minute. ``--for post`` checks a cron-only
setup (``overage-bot post``, no ``run``): no signing secret or app token is needed then; without
``--for`` the command judges from what is set.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from bot.cli._check_lines import UNREACHABLE_FIX as _UNREACHABLE_FIX
from bot.cli._check_lines import CheckLine, Purpose
from bot.cli._check_slack import HISTORY_SCOPES, REQUIRED_SLACK_SCOPES, slack_checks
from bot.cli.wiring import build_keepnet_client, setup_logging
from bot.clock import utc_now
from bot.config import ConfigError, Settings
from bot.keepnet.errors import KeepnetError
from bot.store.database import Store
from bot.store.revisions import missing_sqlite_file
from bot.store.types import StoreError, normalize_url, safe_url
from bot.weekly.job import WeeklySchedule

__all__ = [
    "HISTORY_SCOPES",
    "ITEM_TIMEOUT_S",
    "REQUIRED_SLACK_SCOPES",
    "CheckLine",
    "Purpose",
    "check",
    "run_checks",
]

#: The most any one item may take (Keepnet, Slack, the database, Teams each), whatever the timeouts.
ITEM_TIMEOUT_S = 10.0


async def _keepnet(settings: Settings) -> CheckLine:
    try:
        async with build_keepnet_client(settings) as client:
            await client.check_access()
    except KeepnetError as exc:
        return CheckLine("Keepnet", False, exc.message, exc.remediation)
    return CheckLine("Keepnet", True, f"token issued, Reseller search allowed ({settings.keepnet_base_url})")


def _schedule(settings: Settings) -> CheckLine:
    if not (settings.overage_channel or settings.teams_channel):
        return CheckLine("Schedule", True, "no weekly post (OVERAGE_CHANNEL / TEAMS_CHANNEL unset)")
    runs = WeeklySchedule.from_settings(settings).next_runs(3, utc_now())
    shown = ", ".join(run.astimezone(settings.tz).strftime("%a %Y-%m-%d %H:%M") for run in runs)
    return CheckLine(
        "Schedule", True, f"{settings.overage_schedule!r} in {settings.overage_timezone}: next {shown}"
    )


def _decisions(settings: Settings) -> CheckLine:
    """Who may record billing decisions; a warning (not a failure) when anyone in the workspace may."""
    approvers = settings.overage_approvers
    if approvers:
        return CheckLine("Billing decisions", True, f"{len(approvers)} approver(s) (OVERAGE_APPROVERS)")
    if settings.overage_allowed_users:
        count = len(settings.overage_allowed_users)
        return CheckLine("Billing decisions", True, f"the {count} allowed user(s) (OVERAGE_ALLOWED_USERS)")
    return CheckLine(
        "Billing decisions",
        True,
        "open to everyone in the workspace: anyone who sees a report can mark customers billed or ignored",
        "set OVERAGE_APPROVERS to the billing team's Slack user ids / Entra object ids",
        warning=True,
    )


async def _database(settings: Settings) -> tuple[CheckLine, Store | None]:
    where = safe_url(normalize_url(settings.overage_db_url))
    missing = await asyncio.to_thread(missing_sqlite_file, settings.overage_db_url)
    if missing is not None and (settings.uses_default_db or missing.parent.is_dir()):
        return CheckLine(
            "Database",
            True,
            f"no database yet at {missing}; it is created by the first `run`/`post`",
            warning=True,
        ), None
    try:
        store = await Store.open(settings.overage_db_url)
    except StoreError as exc:
        return CheckLine("Database", False, exc.message, exc.remediation), None
    try:
        await store.ping()
    except StoreError as exc:
        await store.close()
        return CheckLine("Database", False, exc.message, exc.remediation), None
    return CheckLine("Database", True, f"{where}: {store.dialect} reachable, schema up to date"), store


async def _teams(settings: Settings, store: Store | None) -> list[CheckLine]:
    from bot.teams.checks import teams_checks  # the Teams SDK is only imported when checked

    return [CheckLine(c.item, c.ok, c.detail, c.fix) for c in await teams_checks(settings, store)]


async def _bounded(item: str, work: Awaitable[list[CheckLine]], timeout_s: float) -> list[CheckLine]:
    """``work``'s lines, or one ✗ line for ``item`` when it takes longer than ``timeout_s``."""
    try:
        return await asyncio.wait_for(work, timeout_s)
    except TimeoutError:
        return [CheckLine(item, False, f"no answer within {timeout_s:g} s", _UNREACHABLE_FIX)]


async def _listed(work: Awaitable[CheckLine]) -> list[CheckLine]:
    return [await work]


def judge_purpose(settings: Settings) -> Purpose:
    """``post`` for a cron-only setup (a weekly channel, no way to receive Slack requests), else ``run``."""
    receives = settings.slack_signing_secret or settings.slack_app_token or settings.teams_enabled
    posts = settings.overage_channel or settings.teams_channel
    return "post" if posts and not receives else "run"


async def run_checks(
    settings: Settings, *, purpose: Purpose | None = None, item_timeout_s: float = ITEM_TIMEOUT_S
) -> list[CheckLine]:
    """Run every check, each bounded by ``item_timeout_s``.

    Args:
        settings: the configuration.
        purpose: ``run`` or ``post`` (None: judged from what is set, see :func:`judge_purpose`).
        item_timeout_s: the most one item may take.

    Returns:
        One line per item.
    """
    purpose = purpose or judge_purpose(settings)
    lines = await _bounded("Keepnet", _listed(_keepnet(settings)), item_timeout_s)
    lines.extend(await _bounded("Slack token", slack_checks(settings, purpose), item_timeout_s))
    lines.append(_schedule(settings))
    lines.append(_decisions(settings))
    try:
        database, store = await asyncio.wait_for(_database(settings), item_timeout_s)
    except TimeoutError:
        database = CheckLine("Database", False, f"no answer within {item_timeout_s:g} s", _UNREACHABLE_FIX)
        store = None
    lines.append(database)
    try:
        lines.extend(await _bounded("Teams credentials", _teams(settings, store), item_timeout_s))
    finally:
        if store is not None:
            await store.close()
    return lines


def _nothing_configured(settings: Settings) -> bool:
    return settings.uses_sandbox and not settings.slack_enabled and not settings.teams_enabled


async def check(settings: Settings, *, purpose: Purpose | None = None) -> int:
    """Print the checks; exit code 0 when everything needed works (warnings do not count).

    Raises:
        ConfigError: nothing at all is configured (exit code 2).
    """
    if _nothing_configured(settings):
        raise ConfigError(
            "check: nothing is configured: set KEEPNET_CLIENT_ID and KEEPNET_CLIENT_SECRET, and "
            "SLACK_BOT_TOKEN and/or TEAMS_CLIENT_ID (README → Slack setup, Microsoft Teams setup); "
            "`overage-bot preview` works without"
        )
    setup_logging(settings, quiet=True)
    lines = await run_checks(settings, purpose=purpose)
    for line in lines:
        print(line.render())
    failed = sum(1 for line in lines if not line.ok)
    warned = sum(1 for line in lines if line.warning)
    if failed:
        print(f"{failed} check(s) failed.")
    else:
        print("All checks passed." + (f" ({warned} warning(s) above.)" if warned else ""))
    return 0 if not failed else 1
