"""Who may call /api/messages, and where the bot sends its token."""

from __future__ import annotations

from typing import Any

import pytest
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.core import AnonymousTokenProvider
from structlog.testing import capture_logs

from bot.config import ConfigError, load_settings
from bot.teams.sdk_config import build_auth_configuration, build_connection_manager, build_host_validator
from tests.teams._activities import personal_message
from tests.teams._harness import run_teams_bot

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")

CREDENTIALS: dict[str, Any] = {
    "teams_client_id": "11111111-2222-3333-4444-555555555555",
    "teams_client_secret": "not-a-real-secret-value",
    "teams_tenant_id": "72f988bf-86f1-41af-91ab-2d7cd011db47",
}


class TestSdkConfiguration:
    """TEAMS_* settings become the SDK's connection, in code."""

    def test_credentials_give_an_msal_connection_that_checks_tokens(self) -> None:
        """Client id, secret and tenant map to an MSAL client-secret connection; anonymous calls refused."""
        settings = load_settings(**CREDENTIALS)
        connections = build_connection_manager(settings)
        config = connections.get_default_connection_configuration()
        assert isinstance(connections, MsalConnectionManager)
        assert (CREDENTIALS["teams_client_id"], CREDENTIALS["teams_tenant_id"]) == (
            config.CLIENT_ID,
            config.TENANT_ID,
        )
        assert config.ANONYMOUS_ALLOWED is False

    def test_anonymous_mode_uses_no_tokens_and_warns_loudly(self) -> None:
        """TEAMS_ALLOW_ANONYMOUS gives the anonymous provider and a warning at start."""
        settings = load_settings(teams_allow_anonymous=True, host="127.0.0.1")
        with capture_logs() as logs:
            connections = build_connection_manager(settings)
        assert isinstance(connections.get_default_connection(), AnonymousTokenProvider)
        assert connections.get_default_connection_configuration().ANONYMOUS_ALLOWED is True
        assert [e["log_level"] for e in logs if e["event"] == "teams_anonymous_mode"] == ["warning"]

    def test_nothing_configured_names_the_variables(self) -> None:
        """Without credentials or anonymous mode the error names TEAMS_CLIENT_ID."""
        with pytest.raises(ConfigError, match="TEAMS_CLIENT_ID"):
            build_auth_configuration(load_settings())

    @pytest.mark.parametrize(
        ("url", "allowed"),
        [
            ("https://smba.trafficmanager.net/amer/", True),
            ("https://europe.webchat.botframework.com/", True),
            ("http://smba.trafficmanager.net/amer/", False),
            ("https://127.0.0.1:8443/", False),
            ("https://smba.trafficmanager.net.evil.example/", False),
            ("https://evil.example.com/v3/", False),
        ],
    )
    def test_outbound_service_urls_are_bot_framework_hosts(self, url: str, allowed: bool) -> None:
        """Outside anonymous mode only https Bot Framework hosts are talked to."""
        validator = build_host_validator(load_settings(**CREDENTIALS))
        assert validator.enabled
        assert validator.is_allowed(url) is allowed


class TestMessagesEndpoint:
    """The JWT check guards /api/messages only."""

    async def test_unauthenticated_post_is_refused_outside_anonymous_mode(self) -> None:
        """No token (or a bad one) → 401, nothing fetched from Keepnet, nothing sent to Teams."""
        async with run_teams_bot(teams_allow_anonymous=False, **CREDENTIALS) as bot:
            activity = personal_message(bot.connector.service_url)
            assert (await bot.send(activity)).status == 401
            assert (await bot.send(activity, headers={"Authorization": "Bearer not.a.jwt"})).status == 401
            assert bot.keepnet_searches() == 0
            assert bot.connector.calls == []

    async def test_health_and_export_links_need_no_bot_framework_token(self) -> None:
        """/healthz answers 200 and an unknown export link 404 (not 401) without any token."""
        async with run_teams_bot(teams_allow_anonymous=False, **CREDENTIALS) as bot:
            assert (await bot.get("/healthz")).status == 200
            assert (await bot.get("/exports/not-a-token")).status == 404

    async def test_anonymous_mode_sends_replies_without_a_token(self) -> None:
        """In anonymous mode no incoming token is checked and the reply carries no Authorization header."""
        async with run_teams_bot() as bot:
            activity = personal_message(bot.connector.service_url, "overage help")
            assert (await bot.send(activity, headers={"Authorization": "Bearer not.a.jwt"})).status == 202
            [call] = bot.connector.messages()
            assert "authorization" not in {name.lower() for name in call.headers}
