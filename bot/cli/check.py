"""``overage-bot check``: verify the whole setup in seconds, one line per item with its fix.

Exit code 0 only when everything needed works, so a mistake shows today, not on Monday; a warning
(``!``) never changes the exit code. Each item gets at most :data:`ITEM_TIMEOUT_S` seconds whatever
``KEEPNET_TIMEOUT_S`` says, so the whole run stays under a minute. ``--for post`` checks a cron-only
setup (``overage-bot post``, no ``run``): no signing secret or app token is needed then; without
``--for`` the command judges from what is set.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.cli.wiring import build_keepnet_client, setup_logging
from bot.clock import utc_now
from bot.config import ConfigError, Settings
from bot.keepnet.errors import KeepnetError
from bot.store.database import Store
from bot.store.types import StoreError
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

REQUIRED_SLACK_SCOPES = ("commands", "chat:write", "files:write")
#: Optional scopes: with one, a replica that takes over an expired weekly claim first looks in the
#: channel's history for the report it might have lost (see README → Optional Slack scopes).
HISTORY_SCOPES = ("channels:history", "groups:history")
#: The most any one item may take (Keepnet, Slack, the database, Teams each), whatever the timeouts.
ITEM_TIMEOUT_S = 10.0

Purpose = Literal["run", "post"]
"""What the setup is for: ``run`` (serve commands and buttons) or ``post`` (cron-only posting)."""

_UNREACHABLE_FIX = "check the network and HTTPS_PROXY (and NO_PROXY, CA_BUNDLE) on this host"


@dataclass(frozen=True)
class CheckLine:
    """One verified item: its name, whether it passed, what was found, and the fix if not."""

    item: str
    ok: bool
    detail: str
    fix: str = ""
    warning: bool = False

    def render(self) -> str:
        """``✓ item: detail``, ``! item: detail — fix: …`` (a warning) or ``✗ item: detail — fix: …``."""
        mark = "!" if self.warning else "✓" if self.ok else "✗"
        text = f"{mark} {self.item}: {self.detail}"
        return f"{text} — fix: {self.fix}" if self.fix and (self.warning or not self.ok) else text


async def _keepnet(settings: Settings) -> CheckLine:
    try:
        async with build_keepnet_client(settings) as client:
            await client.check_access()
    except KeepnetError as exc:
        return CheckLine("Keepnet", False, exc.message, exc.remediation)
    return CheckLine("Keepnet", True, f"token issued, Reseller search allowed ({settings.keepnet_base_url})")


async def _slack(settings: Settings, purpose: Purpose) -> list[CheckLine]:
    if settings.slack_bot_token is None:
        lines = [CheckLine("Slack", True, "not configured (SLACK_BOT_TOKEN unset): Slack is off")]
        if settings.overage_channel:
            lines.append(
                CheckLine(
                    "Weekly channel",
                    False,
                    f"OVERAGE_CHANNEL={settings.overage_channel} is set but SLACK_BOT_TOKEN is not: "
                    "the weekly Slack post will not happen",
                    "set SLACK_BOT_TOKEN (the Slack app's Bot User OAuth Token, xoxb-…), "
                    "or unset OVERAGE_CHANNEL",
                )
            )
        return lines
    from bot.slack.app import build_web_client

    client = build_web_client(settings)
    try:
        auth = await client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error", "error")
        return [
            CheckLine(
                "Slack token",
                False,
                f"auth.test failed: {error}",
                "copy the Bot User OAuth Token (xoxb-…) into SLACK_BOT_TOKEN",
            )
        ]
    except (SlackClientError, aiohttp.ClientError, TimeoutError) as exc:
        reason = str(exc) or type(exc).__name__
        return [
            CheckLine(
                "Slack token",
                False,
                f"Slack unreachable: {reason}",
                f"check SLACK_API_URL; {_UNREACHABLE_FIX}",
            )
        ]
    scopes = {s.strip() for s in str(auth.headers.get("x-oauth-scopes", "")).split(",") if s.strip()}
    missing = [scope for scope in REQUIRED_SLACK_SCOPES if scope not in scopes]
    lines = [
        CheckLine(
            "Slack token",
            not missing,
            f"bot {auth.get('user', '?')} in {auth.get('team', '?')}"
            + (f"; missing scopes: {', '.join(missing)}" if missing else "; scopes ok"),
            "add the missing bot scopes in the app's OAuth & Permissions page (or reinstall from manifest.yml)",
        )
    ]
    lines.append(_history(scopes))
    if settings.slack_app_token is None and settings.slack_signing_secret is None and purpose == "post":
        lines.append(
            CheckLine(
                "Slack mode",
                True,
                "posting only (overage-bot post): no SLACK_SIGNING_SECRET or SLACK_APP_TOKEN needed; "
                "`overage-bot run` would need one of them",
            )
        )
    elif settings.slack_app_token is None and settings.slack_signing_secret is None:
        lines.append(
            CheckLine(
                "Slack mode",
                False,
                "HTTP mode without SLACK_SIGNING_SECRET",
                "set SLACK_SIGNING_SECRET (Basic Information → Signing Secret) or SLACK_APP_TOKEN for Socket "
                "Mode; for a cron-only setup run `overage-bot check --for post`",
            )
        )
    else:
        mode = "Socket Mode" if settings.slack_app_token else "HTTP mode (/slack/events)"
        lines.append(CheckLine("Slack mode", True, mode))
    if settings.overage_channel:
        lines.append(await _membership(client, settings.overage_channel))
    return lines


async def _membership(client: AsyncWebClient, channel: str) -> CheckLine:
    """Can the bot post in the channel? Probed with a scheduled message that is deleted at once.

    ``chat.scheduleMessage`` needs only ``chat:write`` and fails like ``chat.postMessage`` where the
    bot is not a member, so no broader scope (``channels:read``) is needed.
    """
    post_at = int(time.time() + timedelta(days=100).total_seconds())
    try:
        scheduled = await client.chat_scheduleMessage(
            channel=channel, post_at=post_at, text="overage-bot check"
        )
        await client.chat_deleteScheduledMessage(
            channel=channel, scheduled_message_id=scheduled["scheduled_message_id"]
        )
    except SlackApiError as exc:
        error = exc.response.get("error", "error")
        if error in ("not_in_channel", "channel_not_found"):
            return CheckLine(
                "Weekly channel",
                False,
                f"{channel}: the bot is not a member ({error})",
                f"invite the bot: /invite @overage-bot in {channel} (OVERAGE_CHANNEL must be a channel id such as C0123456789)",
            )
        return CheckLine("Weekly channel", False, f"{channel}: {error}", "check OVERAGE_CHANNEL")
    except (SlackClientError, aiohttp.ClientError, TimeoutError) as exc:
        reason = str(exc) or type(exc).__name__
        return CheckLine("Weekly channel", False, f"{channel}: Slack unreachable: {reason}", _UNREACHABLE_FIX)
    return CheckLine("Weekly channel", True, f"{channel}: the bot can post there")


def _history(scopes: set[str]) -> CheckLine:
    """Which duplicate guard the weekly post has: history lookup (optional scope) or the claim alone."""
    granted = [scope for scope in HISTORY_SCOPES if scope in scopes]
    if granted:
        return CheckLine(
            "Weekly duplicate guard",
            True,
            f"{', '.join(granted)} granted: a replica taking over an expired claim first looks in the "
            "channel's history for the report before posting again",
        )
    return CheckLine(
        "Weekly duplicate guard",
        True,
        "claim only: if a replica dies between posting and recording the post, the replica that takes "
        "over may post the report a second time",
        "optional: grant channels:history (and groups:history for a private channel) so it looks first "
        "(README → Optional Slack scopes)",
        warning=True,
    )


def _schedule(settings: Settings) -> CheckLine:
    if not (settings.overage_channel or settings.teams_channel):
        return CheckLine("Schedule", True, "no weekly post (OVERAGE_CHANNEL / TEAMS_CHANNEL unset)")
    runs = WeeklySchedule.from_settings(settings).next_runs(3, utc_now())
    shown = ", ".join(run.astimezone(settings.tz).strftime("%a %Y-%m-%d %H:%M") for run in runs)
    return CheckLine(
        "Schedule", True, f"{settings.overage_schedule!r} in {settings.overage_timezone}: next {shown}"
    )


async def _database(settings: Settings) -> tuple[CheckLine, Store | None]:
    try:
        store = await Store.open(settings.overage_db_url)
    except StoreError as exc:
        return CheckLine("Database", False, exc.message, exc.remediation), None
    try:
        await store.ping()
    except StoreError as exc:
        await store.close()
        return CheckLine("Database", False, exc.message, exc.remediation), None
    return CheckLine("Database", True, f"{store.dialect} reachable, schema up to date"), store


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
    lines.extend(await _bounded("Slack token", _slack(settings, purpose), item_timeout_s))
    lines.append(_schedule(settings))
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
