"""The Slack part of ``overage-bot check``: token and scopes, duplicate guard, mode, weekly channel."""

from __future__ import annotations

import time
from datetime import timedelta

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.cli._check_lines import UNREACHABLE_FIX as _UNREACHABLE_FIX
from bot.cli._check_lines import CheckLine, Purpose
from bot.config import Settings

__all__ = ["HISTORY_SCOPES", "REQUIRED_SLACK_SCOPES", "slack_checks"]

REQUIRED_SLACK_SCOPES = ("commands", "chat:write", "files:write")
#: Optional scopes: with one, a replica that takes over an expired weekly claim first looks in the
#: channel's history for the report it might have lost (see README → Optional Slack scopes).
HISTORY_SCOPES = ("channels:history", "groups:history")


async def slack_checks(settings: Settings, purpose: Purpose) -> list[CheckLine]:
    """The Slack lines: token and scopes, the duplicate guard, the mode, the weekly channel."""
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
