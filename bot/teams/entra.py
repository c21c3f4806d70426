"""Asking Microsoft Entra ID for the bot's app token, and explaining why it was refused.

Used by ``overage-bot check``: the token is fetched through the SDK's MSAL connection exactly as
the bot does before it replies (client credentials, scope ``https://api.botframework.com/.default``),
and the token itself is thrown away. MSAL is synchronous and its first call discovers the authority
over the network, so the whole attempt runs in a daemon thread under a time limit.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from microsoft_agents.hosting.core import AccessTokenProviderBase

from bot.config import Settings
from bot.teams.sdk_config import build_connection_manager

__all__ = [
    "BOT_FRAMEWORK_RESOURCE",
    "BOT_FRAMEWORK_SCOPE",
    "CREDENTIALS_FIX",
    "CREDENTIALS_REJECTED",
    "EntraUnreachableError",
    "TokenVerdict",
    "acquire_app_token",
    "explain_token_result",
    "token_failure_result",
]

#: The words every place uses for a refused app token: ``check``, the weekly post's log line and notice.
CREDENTIALS_REJECTED = "Teams rejected the bot's credentials"
CREDENTIALS_FIX = "check TEAMS_CLIENT_SECRET / TEAMS_TENANT_ID in the Azure Bot's configuration"

BOT_FRAMEWORK_RESOURCE = "https://api.botframework.com"
BOT_FRAMEWORK_SCOPE = "https://api.botframework.com/.default"
_FAILED_PREFIX = "Failed to acquire token. "
_AADSTS = re.compile(r"AADSTS(\d+)")
_T = TypeVar("_T")

_FIXES: dict[int, tuple[str, str]] = {
    7000215: (
        "the client secret is wrong (AADSTS7000215)",
        "set TEAMS_CLIENT_SECRET to the secret's Value (not its Secret ID) from the app registration → "
        "Certificates & secrets, or create a new client secret there",
    ),
    7000222: (
        "the client secret has expired (AADSTS7000222)",
        "create a new client secret in the app registration → Certificates & secrets and set TEAMS_CLIENT_SECRET",
    ),
    700016: (
        "no application with this client id in the tenant (AADSTS700016)",
        "set TEAMS_CLIENT_ID to the Azure Bot's Microsoft App ID and TEAMS_TENANT_ID to the tenant where "
        "that app is registered (single-tenant bot)",
    ),
    90002: (
        "the tenant was not found (AADSTS90002)",
        "set TEAMS_TENANT_ID to the Directory (tenant) ID shown on the app registration's Overview page",
    ),
}


class EntraUnreachableError(Exception):
    """Microsoft Entra ID's token endpoint could not be reached (network, DNS, TLS or time limit)."""


@dataclass(frozen=True)
class TokenVerdict:
    """What the token attempt says about the credentials.

    Attributes:
        ok: a token was issued.
        detail: what happened, for a person.
        fix: what to change when it failed ("" when ok).
    """

    ok: bool
    detail: str
    fix: str = ""


def _codes(result: Mapping[str, Any]) -> list[int]:
    codes = [int(code) for code in result.get("error_codes") or () if str(code).isdigit()]
    description = str(result.get("error_description") or "")
    return codes + [int(code) for code in _AADSTS.findall(description)]


def explain_token_result(result: Mapping[str, Any]) -> TokenVerdict:
    """Turn MSAL's answer (a dict with ``access_token``, or ``error``/``error_description``) into a verdict.

    Args:
        result: MSAL's ``acquire_token_for_client`` result (the token is not kept).

    Returns:
        ok when a token was issued; else the known AADSTS error's explanation and fix, or a generic one.
    """
    if result.get("access_token"):
        return TokenVerdict(True, "Microsoft Entra ID issued the bot's app token")
    for code in _codes(result):
        if code in _FIXES:
            detail, fix = _FIXES[code]
            return TokenVerdict(False, f"{CREDENTIALS_REJECTED}: {detail}", f"{CREDENTIALS_FIX}: {fix}")
    error = str(result.get("error") or "unknown_error")
    first_line = str(result.get("error_description") or "").split("\n", 1)[0][:200]
    return TokenVerdict(
        False,
        f"{CREDENTIALS_REJECTED}: Microsoft Entra ID answered {error}"
        + (f" — {first_line}" if first_line else ""),
        f"{CREDENTIALS_FIX} (and TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID against the Azure "
        "Bot's app registration)",
    )


def token_failure_result(exc: BaseException) -> dict[str, Any] | None:
    """MSAL's error dict when ``exc`` is the SDK's "Failed to acquire token" error, else None."""
    if isinstance(exc, ValueError) and str(exc).startswith((_FAILED_PREFIX, "Unable to get authority")):
        return _result_of(exc)
    return None


def _result_of(exc: ValueError) -> dict[str, Any]:
    """MSAL's error dict back from the SDK's ``ValueError("Failed to acquire token. {dict}")``."""
    message = str(exc)
    if message.startswith(_FAILED_PREFIX):
        try:
            parsed = ast.literal_eval(message[len(_FAILED_PREFIX) :])
        except (ValueError, SyntaxError):
            parsed = None
        if isinstance(parsed, dict):
            return parsed
    if message.startswith("Unable to get authority configuration"):
        return {"error": "invalid_tenant", "error_codes": [90002], "error_description": message}
    return {"error": "token_request_failed", "error_description": message}


async def _in_daemon_thread(work: Callable[[], _T], *, timeout_s: float) -> _T:
    """Run blocking ``work`` in a daemon thread (a hung network call cannot keep the process alive)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[_T] = loop.create_future()

    def settle(value: _T | None, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(value)  # type: ignore[arg-type]

    def report(value: _T | None, error: BaseException | None) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is gone: the caller gave up long ago
            loop.call_soon_threadsafe(settle, value, error)

    def target() -> None:
        try:
            value = work()
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting coroutine, not swallowed
            report(None, exc)
        else:
            report(value, None)

    threading.Thread(target=target, name="teams-token-check", daemon=True).start()
    return await asyncio.wait_for(future, timeout_s)


async def acquire_app_token(
    settings: Settings, *, authority: str | None = None, timeout_s: float = 20.0
) -> Mapping[str, Any]:
    """Ask Entra ID for the bot's app token through the SDK's MSAL connection.

    Args:
        settings: the configuration (``TEAMS_CLIENT_ID``, ``TEAMS_CLIENT_SECRET``, ``TEAMS_TENANT_ID``).
        authority: another authority than ``https://login.microsoftonline.com/<tenant>`` (tests).
        timeout_s: the time limit for the whole attempt.

    Returns:
        ``{"access_token": "…"}`` (do not log it), or MSAL's error dict
        (``error``, ``error_description``, ``error_codes``).

    Raises:
        EntraUnreachableError: the token endpoint could not be reached in time.
    """
    provider: AccessTokenProviderBase = build_connection_manager(settings).get_default_connection()
    if authority is not None:
        provider.configuration.AUTHORITY = authority

    def fetch() -> str:
        return asyncio.run(provider.get_access_token(BOT_FRAMEWORK_RESOURCE, [BOT_FRAMEWORK_SCOPE]))

    try:
        token = await _in_daemon_thread(fetch, timeout_s=timeout_s)
    except ValueError as exc:
        return _result_of(exc)
    except TimeoutError:
        raise EntraUnreachableError(f"no answer within {timeout_s:g} s") from None
    except OSError as exc:  # requests' ConnectionError, DNS and TLS failures are OSErrors
        raise EntraUnreachableError(_reason(exc)) from None
    return {"access_token": token}


def _reason(exc: OSError) -> str:
    text = str(exc)
    for marker in ("Failed to resolve", "Connection refused", "timed out", "CERTIFICATE_VERIFY_FAILED"):
        if marker in text:
            return f"{type(exc).__name__} ({marker.lower()})"
    return f"{type(exc).__name__}: {text[:160]}"
