"""``overage-bot check``: verify the whole setup in seconds, one line per item with its fix.

Exit code 0 only when every item passes, so a mistake shows today, not on Monday.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.cli.wiring import build_keepnet_client, setup_logging
from bot.clock import utc_now
from bot.config import Settings
from bot.keepnet.errors import KeepnetError
from bot.store.database import Store
from bot.store.types import StoreError
from bot.weekly.job import WeeklySchedule

__all__ = ["REQUIRED_SLACK_SCOPES", "CheckLine", "check", "run_checks"]

REQUIRED_SLACK_SCOPES = ("commands", "chat:write", "files:write")


@dataclass(frozen=True)
class CheckLine:
    """One verified item: its name, whether it passed, what was found, and the fix if not."""

    item: str
    ok: bool
    detail: str
    fix: str = ""

    def render(self) -> str:
        """``✓ item: detail`` or ``✗ item: detail — fix: …``."""
        mark = "✓" if self.ok else "✗"
        text = f"{mark} {self.item}: {self.detail}"
        return f"{text} — fix: {self.fix}" if self.fix and not self.ok else text


async def _keepnet(settings: Settings) -> CheckLine:
    try:
        async with build_keepnet_client(settings) as client:
            await client.check_access()
    except KeepnetError as exc:
        return CheckLine("Keepnet", False, exc.message, exc.remediation)
    return CheckLine("Keepnet", True, f"token issued, Reseller search allowed ({settings.keepnet_base_url})")


async def _slack(settings: Settings) -> list[CheckLine]:
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
                "check SLACK_API_URL, the network and HTTPS_PROXY",
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
    if settings.slack_app_token is None and settings.slack_signing_secret is None:
        lines.append(
            CheckLine(
                "Slack mode",
                False,
                "HTTP mode without SLACK_SIGNING_SECRET",
                "set SLACK_SIGNING_SECRET (Basic Information → Signing Secret) or SLACK_APP_TOKEN for Socket Mode",
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
        return CheckLine(
            "Weekly channel", False, f"{channel}: Slack unreachable: {reason}", "check the network"
        )
    return CheckLine("Weekly channel", True, f"{channel}: the bot can post there")


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


async def run_checks(settings: Settings) -> list[CheckLine]:
    """Run every check.

    Args:
        settings: the configuration.

    Returns:
        One line per item.
    """
    lines = [await _keepnet(settings)]
    lines.extend(await _slack(settings))
    lines.append(_schedule(settings))
    database, store = await _database(settings)
    lines.append(database)
    try:
        lines.extend(await _teams(settings, store))
    finally:
        if store is not None:
            await store.close()
    return lines


async def check(settings: Settings) -> int:
    """Print the checks; exit code 0 only when all pass."""
    setup_logging(settings, quiet=True)
    lines = await run_checks(settings)
    for line in lines:
        print(line.render())
    failed = sum(1 for line in lines if not line.ok)
    print("All checks passed." if not failed else f"{failed} check(s) failed.")
    return 0 if not failed else 1
