"""Building and mounting the edge; failures that are not Keepnet's still get an answer."""

from __future__ import annotations

import pytest
from aiohttp import web
from microsoft_agents.activity import Activity

from bot.config import ConfigError, load_settings
from bot.teams.edge import AGENT_CONFIGURATION_KEY, TEAMS_EDGE, create_teams_edge, install_teams
from bot.teams.handlers._activity import channel_reference
from bot.teams.handlers.access import is_allowed
from tests.teams._activities import CHANNEL_ID, USER_AAD_ID, card_action, channel_message, personal_message
from tests.teams._harness import run_teams_bot

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")


class TestCreate:
    """create_teams_edge and install_teams."""

    async def test_public_url_is_required_with_real_credentials(self) -> None:
        """Without PUBLIC_URL (outside anonymous mode) the edge refuses to start, naming the variable."""
        settings = load_settings(
            teams_client_id="c", teams_client_secret="s" * 10, teams_tenant_id="t", public_url=None
        )
        async with run_teams_bot() as bot:
            with pytest.raises(ConfigError, match="PUBLIC_URL"):
                create_teams_edge(settings, bot.deps)

    @pytest.mark.parametrize("public_url", ["http://overage-bot.example.com", "HTTP://127.0.0.1:8080"])
    async def test_public_url_must_be_https_with_real_credentials(self, public_url: str) -> None:
        """With credentials an http:// PUBLIC_URL is refused: the link token must not travel in clear text."""
        settings = load_settings(
            teams_client_id="c", teams_client_secret="s" * 10, teams_tenant_id="t", public_url=public_url
        )
        async with run_teams_bot() as bot:
            with pytest.raises(ConfigError, match=r"PUBLIC_URL must be https://.*clear text"):
                create_teams_edge(settings, bot.deps)

    async def test_https_public_url_with_credentials_and_http_in_anonymous_mode_are_fine(self) -> None:
        """https:// with credentials, and http:// in anonymous (loopback) mode, both start the edge."""
        secure = load_settings(
            teams_client_id="c",
            teams_client_secret="s" * 10,
            teams_tenant_id="t",
            public_url="https://overage-bot.example.com",
        )
        local = load_settings(
            teams_allow_anonymous=True, host="127.0.0.1", public_url="http://127.0.0.1:8080"
        )
        async with run_teams_bot() as bot:
            assert create_teams_edge(secure, bot.deps).public_url == "https://overage-bot.example.com"
            assert create_teams_edge(local, bot.deps).public_url == "http://127.0.0.1:8080"

    async def test_install_sets_what_the_jwt_decorator_reads(self) -> None:
        """install_teams puts the SDK's auth configuration under "agent_configuration" and the edge under TEAMS_EDGE."""
        async with run_teams_bot() as bot:
            app = web.Application()
            install_teams(app, bot.edge)
            assert app[AGENT_CONFIGURATION_KEY] is bot.edge.auth_configuration
            assert app[TEAMS_EDGE] is bot.edge


class TestUnexpectedErrors:
    """Anything that crashes a turn becomes a short reply."""

    async def test_crash_in_command_replies(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A RuntimeError inside the report gives "Something went wrong", not silence."""
        async with run_teams_bot() as bot:

            async def boom(**_: object) -> None:
                raise RuntimeError("database exploded")

            monkeypatch.setattr(bot.deps.service, "report", boom)
            await bot.send(personal_message(bot.connector.service_url))
            [call] = await bot.replies()
            assert "Something went wrong" in call.text
            assert "exploded" not in call.text

    async def test_crash_in_button_answers_the_invoke(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A crash while answering a button still returns a 200 card (never 501 or 500)."""
        async with run_teams_bot() as bot:

            def boom(*_: object, **__: object) -> None:
                raise RuntimeError("no")

            monkeypatch.setattr(bot.edge.links, "mint", boom)
            reply = await bot.send(card_action(bot.connector.service_url, "export_csv"))
            assert reply.status == 200
            assert "Something went wrong" in reply.text


class TestPureHelpers:
    """Reading Teams activities."""

    def test_channel_reference_strips_message_id(self) -> None:
        """The stored channel id has no ;messageid= and the reference keeps serviceUrl and tenant."""
        activity = Activity.model_validate(channel_message("https://smba.trafficmanager.net/amer/"))
        ref = channel_reference(activity)
        assert ref is not None
        assert ref.channel_id == CHANNEL_ID
        assert ref.service_url == "https://smba.trafficmanager.net/amer/"

    def test_personal_chat_has_no_channel_reference(self) -> None:
        """1:1 chats are not weekly destinations."""
        assert channel_reference(Activity.model_validate(personal_message("https://x/"))) is None

    def test_allow_lists(self) -> None:
        """Users match by aadObjectId (case-insensitively); channels by the bare conversation id."""
        activity = Activity.model_validate(channel_message("https://x/"))
        assert is_allowed(activity, load_settings())
        assert is_allowed(activity, load_settings(overage_allowed_users=USER_AAD_ID.upper()))
        assert not is_allowed(activity, load_settings(overage_allowed_users="u2"))
        assert is_allowed(activity, load_settings(overage_allowed_channels=CHANNEL_ID))
        assert not is_allowed(activity, load_settings(overage_allowed_channels="19:other@thread.tacv2"))
