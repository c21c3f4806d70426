"""The Teams part of ``overage-bot check``: credentials, public address, and the weekly channel.

:func:`teams_checks` returns one :class:`TeamsCheck` per item; ``bot.cli.check`` renders them like
its own lines (``CheckLine(c.item, c.ok, c.detail, c.fix)``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from bot.config import ConfigError, Settings
from bot.store.types import ConversationRef, StoreError
from bot.teams.edge import resolve_public_url
from bot.teams.entra import EntraUnreachableError, acquire_app_token, explain_token_result
from bot.teams.errors import TeamsNotInstalledError, TeamsServiceUrlError
from bot.teams.handlers._activity import base_conversation_id
from bot.teams.sdk_config import build_host_validator

__all__ = ["TeamsCheck", "TokenAcquirer", "teams_checks"]

TokenAcquirer = Callable[[Settings], Awaitable[Mapping[str, Any]]]
"""Fetches the app token: MSAL's result dict, or :class:`EntraUnreachableError` (tests inject one)."""


class _ConversationStore(Protocol):
    async def get_conversation(self, channel_id: str) -> ConversationRef | None: ...


@dataclass(frozen=True)
class TeamsCheck:
    """One verified Teams item.

    Attributes:
        item: what was checked ("Teams credentials", "Teams links", "Teams channel"…).
        ok: whether it passed.
        detail: what was found.
        fix: what to change when it failed ("" when ok).
    """

    item: str
    ok: bool
    detail: str
    fix: str = ""


async def teams_checks(
    settings: Settings, store: _ConversationStore | None, *, acquire_token: TokenAcquirer | None = None
) -> list[TeamsCheck]:
    """Check the Teams configuration.

    Args:
        settings: the configuration.
        store: the opened store (None when the database could not be opened).
        acquire_token: how the app token is fetched (default: the SDK's MSAL connection, from
            login.microsoftonline.com).

    Returns:
        The lines, in order: mode or credentials, public address, the ``TEAMS_CHANNEL`` reference.
    """
    if not settings.teams_enabled:
        return _not_configured(settings)
    if settings.teams_allow_anonymous:
        lines = [
            TeamsCheck(
                "Teams",
                True,
                "WARNING: anonymous mode (TEAMS_ALLOW_ANONYMOUS=true): incoming tokens are not checked and "
                "replies carry none — for local testing only; unset it before exposing the bot",
            )
        ]
    else:
        lines = [await _credentials(settings, acquire_token or acquire_app_token)]
    lines.append(_links(settings))
    if settings.teams_channel:
        lines.append(await _channel(settings, store))
    return lines


def _not_configured(settings: Settings) -> list[TeamsCheck]:
    lines = [TeamsCheck("Teams", True, "not configured (TEAMS_CLIENT_ID unset): Teams is off")]
    if settings.teams_channel:
        lines.append(
            TeamsCheck(
                "Teams channel",
                False,
                f"TEAMS_CHANNEL={settings.teams_channel} is set but Teams is not configured: "
                "the weekly Teams post will not happen",
                "set TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID, or unset TEAMS_CHANNEL",
            )
        )
    return lines


async def _credentials(settings: Settings, acquire_token: TokenAcquirer) -> TeamsCheck:
    who = f"client {settings.teams_client_id} in tenant {settings.teams_tenant_id}"
    try:
        result = await acquire_token(settings)
    except EntraUnreachableError as exc:
        return TeamsCheck(
            "Teams credentials",
            False,
            f"could not reach Microsoft Entra ID to verify the credentials: {exc}",
            "allow outbound HTTPS to login.microsoftonline.com (and api.botframework.com, smba.trafficmanager.net) "
            "from this host, set HTTPS_PROXY if it needs a proxy, then run the check again",
        )
    verdict = explain_token_result(result)
    return TeamsCheck("Teams credentials", verdict.ok, f"{verdict.detail} ({who})", verdict.fix)


def _links(settings: Settings) -> TeamsCheck:
    try:
        url = resolve_public_url(settings)
    except ConfigError as exc:
        return TeamsCheck(
            "Teams links",
            False,
            str(exc),
            "set PUBLIC_URL to the bot's public https address, e.g. https://overage-bot.example.com",
        )
    if not settings.public_url:
        return TeamsCheck("Teams links", True, f"PUBLIC_URL unset: export links use {url} (anonymous mode)")
    return TeamsCheck("Teams links", True, f"export links start with {url}/exports/")


async def _channel(settings: Settings, store: _ConversationStore | None) -> TeamsCheck:
    channel_id = base_conversation_id((settings.teams_channel or "").strip())
    if store is None:
        return TeamsCheck(
            "Teams channel",
            False,
            f"{channel_id}: cannot look up the conversation reference (database unavailable)",
            "fix the database line above first",
        )
    try:
        ref = await store.get_conversation(channel_id)
    except StoreError as exc:
        return TeamsCheck("Teams channel", False, f"{channel_id}: {exc.message}", exc.remediation)
    if ref is None:
        return TeamsCheck(
            "Teams channel",
            False,
            f"{channel_id}: no conversation reference stored, so the weekly post cannot be sent",
            TeamsNotInstalledError.default_remediation,
        )
    if not settings.teams_allow_anonymous and not build_host_validator(settings).is_allowed(ref.service_url):
        return TeamsCheck(
            "Teams channel",
            False,
            f"{channel_id}: the stored serviceUrl is not a Bot Framework host",
            TeamsServiceUrlError.default_remediation,
        )
    return TeamsCheck("Teams channel", True, f"{channel_id}: reference stored (serviceUrl {ref.service_url})")
