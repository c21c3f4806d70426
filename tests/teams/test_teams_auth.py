"""Who may call /api/messages, and where the bot sends its token."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from microsoft_agents.activity import Activity
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.core import AgentAuthConfiguration, AnonymousTokenProvider, ClaimsIdentity
from structlog.testing import capture_logs

from bot.config import ConfigError, load_settings
from bot.teams.sdk_config import build_auth_configuration, build_connection_manager, build_host_validator
from tests.teams._activities import CHANNEL_ID, channel_message, installation_update, personal_message
from tests.teams._harness import run_teams_bot

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")

CREDENTIALS: dict[str, Any] = {
    "teams_client_id": "11111111-2222-3333-4444-555555555555",
    "teams_client_secret": "not-a-real-secret-value",
    "teams_tenant_id": "72f988bf-86f1-41af-91ab-2d7cd011db47",
    "public_url": "https://overage-bot.example.com",
}
jwt_middleware = importlib.import_module("microsoft_agents.hosting.aiohttp.jwt_authorization_middleware")
TEAMS_SERVICE_URL = "https://smba.trafficmanager.net/amer/"
"""A real Bot Framework host: the adapter's host check lets it through, so only the JWT check is left."""


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

    async def test_unauthenticated_post_is_refused_outside_anonymous_mode(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """No token (or a bad one) → the JWT check's 401; no turn runs, nothing fetched, nothing stored."""
        async with run_teams_bot(teams_allow_anonymous=False, **CREDENTIALS) as bot:
            turns: list[object] = []

            async def on_turn(context: object) -> None:
                turns.append(context)

            monkeypatch.setattr(bot.edge.agent_app, "on_turn", on_turn)
            activity = channel_message(TEAMS_SERVICE_URL)
            missing = await bot.send(activity)
            assert (missing.status, missing.json()) == (401, {"error": "Authorization header not found"})
            bad = await bot.send(activity, headers={"Authorization": "Bearer not.a.jwt"})
            assert (bad.status, bad.json()) == (401, {"error": "Invalid token or authentication failed."})
            assert turns == []
            assert bot.keepnet_searches() == 0
            assert await bot.store.get_conversation(CHANNEL_ID) is None
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
            [call] = await bot.replies()
            assert "authorization" not in {name.lower() for name in call.headers}


class TestAdapterHostCheck:
    """With credentials, the adapter itself refuses activities naming a serviceUrl off the Bot Framework."""

    @staticmethod
    def _token_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
        """Let the SDK's JWT check pass as for a valid token (no serviceurl claim: the host list alone decides)."""

        async def authorize(header: str | None, config: AgentAuthConfiguration | None) -> ClaimsIdentity:
            assert header == "Bearer verified.by.test"
            return ClaimsIdentity(
                {"aud": CREDENTIALS["teams_client_id"], "iss": "https://api.botframework.com"},
                authentication_type="Bearer",
            )

        monkeypatch.setattr(jwt_middleware, "_authorize_request", authorize)

    async def test_evil_service_url_refused_bot_framework_host_accepted(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A signed-in activity naming https://evil.example/ gets 401 before any turn; smba.trafficmanager.net runs."""
        self._token_accepted(monkeypatch)
        async with run_teams_bot(teams_allow_anonymous=False, **CREDENTIALS) as bot:
            processed: list[str] = []

            async def process_activity(claims: ClaimsIdentity, activity: Activity, callback: object) -> None:
                processed.append(str(activity.service_url))

            monkeypatch.setattr(bot.edge.adapter, "process_activity", process_activity)
            signed = {"Authorization": "Bearer verified.by.test"}
            refused = await bot.send(installation_update("https://evil.example/"), headers=signed)
            assert (refused.status, refused.json()) == (
                401,
                {"error": "Service URL is not allowed by the host validator."},
            )
            assert processed == []
            accepted = await bot.send(installation_update(TEAMS_SERVICE_URL), headers=signed)
            assert accepted.status == 202
            assert processed == [TEAMS_SERVICE_URL]

    async def test_adapter_validation_uses_the_edge_validator(self) -> None:
        """The edge's CloudAdapter checks serviceUrls with the edge's host validator (not a disabled default)."""
        async with run_teams_bot(teams_allow_anonymous=False, **CREDENTIALS) as bot:
            identity = ClaimsIdentity({"aud": CREDENTIALS["teams_client_id"]}, authentication_type="Bearer")
            evil = Activity.model_validate(installation_update("https://evil.example/"))
            good = Activity.model_validate(installation_update(TEAMS_SERVICE_URL))
            assert bot.edge.adapter._validate_service_url(identity, evil) is False
            assert bot.edge.adapter._validate_service_url(identity, good) is True
