"""`overage-bot check`, Teams part: credentials verified with Entra ID, links, the weekly channel."""

from __future__ import annotations

import socket
import threading
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from microsoft_agents.authentication.msal import MsalAuth
from microsoft_agents.authentication.msal.errors import authentication_errors

from bot.config import Settings, load_settings
from bot.store.database import Store
from bot.store.types import ConversationRef
from bot.teams.checks import TeamsCheck, teams_checks
from bot.teams.entra import EntraUnreachableError, acquire_app_token, explain_token_result
from tests.teams._activities import BOT_ID, CHANNEL_ID, TENANT_ID

SECRET = "s3cr3t-value-never-printed"
CREDENTIALS: dict[str, Any] = {
    "teams_client_id": "11111111-2222-3333-4444-555555555555",
    "teams_client_secret": SECRET,
    "teams_tenant_id": TENANT_ID,
    "public_url": "https://overage-bot.example.com",
}
TOKEN = {"access_token": "eyJ.fake.token", "token_type": "Bearer", "expires_in": 3599}
BAD_SECRET = {
    "error": "invalid_client",
    "error_description": "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the "
    "request is the client secret value, not the client secret ID. Trace ID: 0 Correlation ID: 0",
    "error_codes": [7000215],
}
UNKNOWN_CLIENT = {
    "error": "unauthorized_client",
    "error_description": "AADSTS700016: Application with identifier '1111' was not found in the directory "
    "'Contoso'. Trace ID: 0",
    "error_codes": [700016],
}


def _acquirer(result: Mapping[str, Any] | Exception) -> Any:
    async def acquire(_settings: Settings) -> Mapping[str, Any]:
        if isinstance(result, Exception):
            raise result
        return result

    return acquire


def _line(lines: list[TeamsCheck], item: str) -> TeamsCheck:
    [line] = [line for line in lines if line.item == item]
    return line


@pytest.fixture(name="store")
async def _store(tmp_path: Path) -> AsyncIterator[Store]:
    store = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'checks.db'}")
    try:
        yield store
    finally:
        await store.close()


class TestTokenErrors:
    """MSAL's answers become explanations a reseller can act on."""

    def test_token_issued(self) -> None:
        """A token means the credentials are right."""
        assert explain_token_result(TOKEN).ok

    def test_wrong_secret(self) -> None:
        """AADSTS7000215 says the secret is wrong and where to copy its Value."""
        verdict = explain_token_result(BAD_SECRET)
        assert not verdict.ok
        assert "client secret is wrong" in verdict.detail
        assert "TEAMS_CLIENT_SECRET" in verdict.fix
        assert "Value (not its Secret ID)" in verdict.fix

    def test_unknown_client(self) -> None:
        """AADSTS700016 points at the client id and the tenant."""
        verdict = explain_token_result(UNKNOWN_CLIENT)
        assert not verdict.ok
        assert "no application with this client id" in verdict.detail
        assert "TEAMS_CLIENT_ID" in verdict.fix
        assert "TEAMS_TENANT_ID" in verdict.fix

    def test_code_only_in_description(self) -> None:
        """The AADSTS code is also read from the description when error_codes is missing."""
        verdict = explain_token_result(
            {"error": "invalid_client", "error_description": "AADSTS7000222: expired"}
        )
        assert "expired" in verdict.detail
        assert "new client secret" in verdict.fix

    def test_unknown_error_is_still_a_failure_with_a_fix(self) -> None:
        """Any other error keeps MSAL's error name and first line and names the three variables."""
        verdict = explain_token_result(
            {"error": "temporarily_unavailable", "error_description": "busy\nmore"}
        )
        assert not verdict.ok
        assert verdict.detail.endswith("temporarily_unavailable — busy")
        assert "TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID" in verdict.fix


class TestCredentials:
    """With credentials, the check asks Entra ID for the app token."""

    @pytest.mark.parametrize(
        ("result", "ok", "fix"),
        [
            (TOKEN, True, ""),
            (BAD_SECRET, False, "TEAMS_CLIENT_SECRET"),
            (UNKNOWN_CLIENT, False, "TEAMS_CLIENT_ID"),
        ],
    )
    async def test_token_answer_decides_the_line(self, result: Mapping[str, Any], ok: bool, fix: str) -> None:
        """Token → ✓; wrong secret / unknown client → ✗ with the matching fix; the secret is never shown."""
        lines = await teams_checks(load_settings(**CREDENTIALS), None, acquire_token=_acquirer(result))
        line = _line(lines, "Teams credentials")
        assert line.ok is ok
        assert fix in line.fix
        assert CREDENTIALS["teams_client_id"] in line.detail
        assert all(SECRET not in f"{x.detail} {x.fix}" for x in lines)
        assert "eyJ.fake.token" not in str(lines)

    async def test_unreachable_entra_is_a_failure_with_a_fix(self) -> None:
        """A network failure says Entra ID could not be reached, why, and what to open."""
        unreachable = _acquirer(EntraUnreachableError("ConnectionError (failed to resolve)"))
        lines = await teams_checks(load_settings(**CREDENTIALS), None, acquire_token=unreachable)
        line = _line(lines, "Teams credentials")
        assert not line.ok
        assert line.detail == (
            "could not reach Microsoft Entra ID to verify the credentials: ConnectionError (failed to resolve)"
        )
        assert "login.microsoftonline.com" in line.fix

    async def test_sdk_msal_path_without_network(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Through the SDK's MSAL connection, a DNS failure for login.microsoftonline.com is reported as unreachable."""
        looked_up: list[str] = []
        real = socket.getaddrinfo

        def offline(host: Any, *args: Any, **kwargs: Any) -> Any:
            if host in ("127.0.0.1", "localhost"):
                return real(host, *args, **kwargs)
            looked_up.append(str(host))
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

        monkeypatch.setattr(socket, "getaddrinfo", offline)
        lines = await teams_checks(load_settings(**CREDENTIALS), None)
        line = _line(lines, "Teams credentials")
        assert not line.ok
        assert line.detail.startswith("could not reach Microsoft Entra ID to verify the credentials: ")
        assert "failed to resolve" in line.detail
        assert "login.microsoftonline.com" in looked_up

    async def test_sdk_refusal_is_explained(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The SDK's "Failed to acquire token. {…}" error is read back into MSAL's dict and explained."""

        async def refuse(
            self: MsalAuth, resource_url: str, scopes: list[str], force_refresh: bool = False
        ) -> str:
            assert (resource_url, scopes) == (
                "https://api.botframework.com",
                ["https://api.botframework.com/.default"],
            )
            raise ValueError(authentication_errors.FailedToAcquireToken.format(str(BAD_SECRET)))

        monkeypatch.setattr(MsalAuth, "get_access_token", refuse)
        line = _line(await teams_checks(load_settings(**CREDENTIALS), None), "Teams credentials")
        assert not line.ok
        assert "client secret is wrong (AADSTS7000215)" in line.detail

    async def test_hung_token_endpoint_gives_up(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A token endpoint that never answers ends in "no answer within …" instead of hanging the check."""
        release = threading.Event()

        def hang(*_args: Any, **_kwargs: Any) -> Any:
            release.wait(10)
            raise socket.gaierror(socket.EAI_NONAME, "released")

        monkeypatch.setattr(socket, "getaddrinfo", hang)
        try:
            with pytest.raises(EntraUnreachableError, match=r"no answer within 0\.05 s"):
                await acquire_app_token(load_settings(**CREDENTIALS), timeout_s=0.05)
        finally:
            release.set()

    async def test_public_url_must_be_https(self) -> None:
        """With credentials an http:// or missing PUBLIC_URL fails the links line."""
        for url in ("http://overage-bot.example.com", None):
            settings = load_settings(**{**CREDENTIALS, "public_url": url})
            line = _line(await teams_checks(settings, None, acquire_token=_acquirer(TOKEN)), "Teams links")
            assert not line.ok
            assert "PUBLIC_URL" in line.detail
            assert "https" in line.fix


class TestAnonymousMode:
    """Local testing: warn, but do not fail for what the edge does not need."""

    async def test_warns_and_does_not_fail_without_public_url(self) -> None:
        """Anonymous mode shows the warning; a missing PUBLIC_URL is fine (links use http://HOST:PORT)."""

        async def never(_settings: Settings) -> Mapping[str, Any]:
            raise AssertionError("no token is fetched in anonymous mode")

        settings = load_settings(teams_allow_anonymous=True, host="127.0.0.1", port=8080)
        lines = await teams_checks(settings, None, acquire_token=never)
        assert all(line.ok for line in lines)
        assert "anonymous mode" in _line(lines, "Teams").detail
        assert "http://127.0.0.1:8080" in _line(lines, "Teams links").detail


class TestWeeklyChannel:
    """The TEAMS_CHANNEL reference is looked up as the poster does."""

    async def test_reference_found_with_message_id_suffix(self, store: Store) -> None:
        """TEAMS_CHANNEL copied from a thread link (…;messageid=…) finds the stored channel."""
        ref = ConversationRef(CHANNEL_ID, "https://smba.trafficmanager.net/amer/", TENANT_ID, BOT_ID)
        await store.save_conversation(ref)
        settings = load_settings(**CREDENTIALS, teams_channel=f"{CHANNEL_ID};messageid=1700000000001")
        line = _line(await teams_checks(settings, store, acquire_token=_acquirer(TOKEN)), "Teams channel")
        assert line.ok
        assert line.detail.startswith(f"{CHANNEL_ID}: reference stored")

    async def test_missing_reference_says_install_the_app(self, store: Store) -> None:
        """No stored reference → ✗ with "install the app in that team first"."""
        settings = load_settings(**CREDENTIALS, teams_channel=CHANNEL_ID)
        line = _line(await teams_checks(settings, store, acquire_token=_acquirer(TOKEN)), "Teams channel")
        assert not line.ok
        assert "Install the app in that team first" in line.fix

    async def test_off_list_service_url_fails_with_credentials(self, store: Store) -> None:
        """A stored serviceUrl off the Bot Framework hosts would be refused by the poster, so the check fails."""
        await store.save_conversation(ConversationRef(CHANNEL_ID, "https://evil.example/", TENANT_ID, BOT_ID))
        settings = load_settings(**CREDENTIALS, teams_channel=CHANNEL_ID)
        line = _line(await teams_checks(settings, store, acquire_token=_acquirer(TOKEN)), "Teams channel")
        assert not line.ok
        assert "not a Bot Framework host" in line.detail

    async def test_no_database(self) -> None:
        """Without a store the channel line fails and points at the database line."""
        settings = load_settings(**CREDENTIALS, teams_channel=CHANNEL_ID)
        line = _line(await teams_checks(settings, None, acquire_token=_acquirer(TOKEN)), "Teams channel")
        assert not line.ok
        assert "database" in line.detail

    async def test_teams_off_but_channel_set(self) -> None:
        """TEAMS_CHANNEL without Teams configured is a failure naming the missing variables."""
        lines = await teams_checks(load_settings(teams_channel=CHANNEL_ID), None)
        assert _line(lines, "Teams").ok
        assert not _line(lines, "Teams channel").ok
        assert "TEAMS_CLIENT_ID" in _line(lines, "Teams channel").fix


async def test_rejected_secret_in_check_uses_the_same_words() -> None:
    """`check`'s line for a refused secret says what the weekly post's error says, with the fix."""
    lines = await teams_checks(load_settings(**CREDENTIALS), None, acquire_token=_acquirer(BAD_SECRET))
    line = _line(lines, "Teams credentials")
    assert line.detail.startswith("Teams rejected the bot's credentials: the client secret is wrong")
    assert line.fix.startswith("check TEAMS_CLIENT_SECRET / TEAMS_TENANT_ID in the Azure Bot's configuration")
