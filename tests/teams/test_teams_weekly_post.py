"""Installs remember the channel; the weekly report becomes one new post there."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.sandbox.data import over_limit_companies
from bot.store.types import ConversationRef
from bot.teams.errors import TeamsNotInstalledError, TeamsPostError, TeamsServiceUrlError
from bot.teams.poster import TeamsChannelPoster
from bot.weekly.job import WeeklyJob, WeeklySchedule
from bot.weekly.types import describe_error
from tests.teams._activities import (
    BOT_ID,
    CHANNEL_ID,
    TENANT_ID,
    channel_message,
    installation_update,
    members_added,
    personal_message,
)
from tests.teams._harness import TeamsBot, run_teams_bot

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")

CREDENTIALS: dict[str, Any] = {
    "teams_client_id": "11111111-2222-3333-4444-555555555555",
    "teams_client_secret": "not-a-real-secret-value",
    "teams_tenant_id": TENANT_ID,
    "public_url": "https://overage-bot.example.com",
}


async def _install(bot: TeamsBot) -> None:
    reply = await bot.send(installation_update(bot.connector.service_url))
    assert reply.status in (200, 202)


class TestRememberingChannels:
    """The conversation reference is stored on install and on channel messages."""

    async def test_installation_update_stores_the_channel(self) -> None:
        """installationUpdate add stores serviceUrl, tenant, bot id and the bare channel id; nothing is posted."""
        async with run_teams_bot() as bot:
            await _install(bot)
            ref = await bot.store.get_conversation(CHANNEL_ID)
            assert ref is not None
            assert (ref.service_url, ref.tenant_id, ref.bot_id) == (
                bot.connector.service_url,
                TENANT_ID,
                BOT_ID,
            )
            assert bot.connector.calls == []

    async def test_bot_added_to_team_stores_the_channel(self) -> None:
        """conversationUpdate with the bot in membersAdded stores the reference."""
        async with run_teams_bot() as bot:
            await bot.send(members_added(bot.connector.service_url))
            assert await bot.store.get_conversation(CHANNEL_ID) is not None

    async def test_channel_message_stores_the_id_without_message_id(self) -> None:
        """A channel @mention (id with ;messageid=) stores the channel id without it."""
        async with run_teams_bot() as bot:
            await bot.send_and_settle(channel_message(bot.connector.service_url, "overage help"))
            ref = await bot.store.get_conversation(CHANNEL_ID)
            assert ref is not None
            assert ";" not in ref.channel_id

    async def test_personal_chat_is_not_a_destination(self) -> None:
        """A 1:1 message stores nothing."""
        async with run_teams_bot() as bot:
            await bot.send_and_settle(personal_message(bot.connector.service_url, "overage help"))
            assert await bot.store.get_conversation("a:1personalChatIdWith=Chars") is None


class TestPoster:
    """TeamsChannelPoster posts a new post through the stored reference."""

    async def test_post_is_a_new_post_with_the_card(self) -> None:
        """post() sends POST /v3/conversations/<channel>/activities (no thread id) and returns the activity id."""
        async with run_teams_bot(companies=over_limit_companies(12)) as bot:
            await _install(bot)
            poster = TeamsChannelPoster(CHANNEL_ID, bot.deps, bot.edge)
            assert poster.name == f"teams:{CHANNEL_ID}"
            report = await bot.deps.service.report(fresh=True)
            activity_id = await poster.post(report, period="key:test")
            [call] = bot.connector.calls
            assert call.kind == "send"
            assert call.path == f"/amer/v3/conversations/{CHANNEL_ID}/activities"
            assert "replyToId" not in call.body
            [card] = call.cards
            assert "12" in str(card)
            assert activity_id == bot.connector.last_id

    async def test_post_failure_posts_text(self) -> None:
        """post_failure() posts the short text as a new post."""
        async with run_teams_bot() as bot:
            await _install(bot)
            await TeamsChannelPoster(CHANNEL_ID, bot.deps, bot.edge).post_failure("The weekly report failed.")
            [call] = bot.connector.calls
            assert (call.kind, call.text) == ("send", "The weekly report failed.")

    async def test_unknown_channel_says_install_first(self) -> None:
        """Without a stored reference the error tells to install the app in that team first."""
        async with run_teams_bot() as bot:
            report = await bot.deps.service.report()
            with pytest.raises(TeamsNotInstalledError) as caught:
                await TeamsChannelPoster("19:nobody@thread.tacv2", bot.deps, bot.edge).post(
                    report, period="p"
                )
            assert "Install the app in that team first" in caught.value.remediation
            assert bot.connector.calls == []

    def test_not_installed_reason_survives_the_300_character_cut(self) -> None:
        """The schedule keeps 300 characters of a failure reason: the fix fits whole even for a long id."""
        channel = "19:" + "a" * 64 + "@thread.tacv2"
        reason = describe_error(
            TeamsNotInstalledError(f"No conversation reference is stored for Teams channel {channel}.")
        )
        assert channel in reason
        assert reason.endswith("then retry.")

    async def test_connector_refusal_is_a_typed_error(self) -> None:
        """A 403 from the Connector (bot removed or blocked) raises TeamsPostError with the status."""
        async with run_teams_bot() as bot:
            await _install(bot)
            bot.connector.fail_status = 403
            with pytest.raises(TeamsPostError) as caught:
                await TeamsChannelPoster(CHANNEL_ID, bot.deps, bot.edge).post_failure("x")
            assert caught.value.status == 403

    async def test_non_bot_framework_service_url_is_refused_outside_anonymous_mode(self) -> None:
        """With real credentials a stored serviceUrl off the Bot Framework hosts gets no token and no post."""
        async with run_teams_bot(teams_allow_anonymous=False, **CREDENTIALS) as bot:
            ref = ConversationRef(
                channel_id=CHANNEL_ID,
                service_url=bot.connector.service_url,
                tenant_id=TENANT_ID,
                bot_id=BOT_ID,
            )
            await bot.store.save_conversation(ref)
            with pytest.raises(TeamsServiceUrlError):
                await TeamsChannelPoster(CHANNEL_ID, bot.deps, bot.edge).post_failure("x")
            assert bot.connector.calls == []


class TestWeeklyJob:
    """Through the schedule's ledger the week's report is posted exactly once."""

    async def test_weekly_post_once(self) -> None:
        """Two runs of the same occurrence give one post in the channel."""
        async with run_teams_bot(companies=over_limit_companies(8)) as bot:
            await _install(bot)
            poster = TeamsChannelPoster(CHANNEL_ID, bot.deps, bot.edge)
            job = WeeklyJob(
                schedule=WeeklySchedule.from_settings(bot.settings),
                store=bot.store,
                destinations=[poster],
                report_factory=lambda: bot.deps.service.report(fresh=True),
                clock=bot.clock,
            )
            occurrence = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
            first = await job.run_occurrence(occurrence)
            second = await job.run_occurrence(occurrence)
            assert [o.status for o in first] == ["posted"]
            assert [o.status for o in second] == ["already_posted"]
            posts = [c for c in bot.connector.calls if c.kind == "send"]
            assert len(posts) == 1
            assert posts[0].conversation_id == CHANNEL_ID
            assert first[0].message_ref


class TestRejectedCredentials:
    """A secret Entra ID refuses is named as such in the poster's error, the log line and the notice."""

    async def test_rejected_secret_is_an_actionable_error(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The SDK's "Failed to acquire token" becomes TeamsCredentialsError; post's log and notice say the fix."""
        from microsoft_agents.authentication.msal import MsalAuth
        from microsoft_agents.authentication.msal.errors import authentication_errors
        from structlog.testing import capture_logs

        from bot.teams.errors import TeamsCredentialsError
        from bot.weekly.types import failure_text
        from tests.teams.test_teams_checks import BAD_SECRET

        async def refuse(self: MsalAuth, *args: Any, **kwargs: Any) -> str:
            raise ValueError(authentication_errors.FailedToAcquireToken.format(str(BAD_SECRET)))

        monkeypatch.setattr(MsalAuth, "get_access_token", refuse)
        expected = (
            "Teams rejected the bot's credentials",
            "Check TEAMS_CLIENT_SECRET / TEAMS_TENANT_ID in the Azure Bot's configuration",
        )
        async with run_teams_bot(teams_allow_anonymous=False, **CREDENTIALS) as bot:
            await bot.store.save_conversation(
                ConversationRef(
                    channel_id=CHANNEL_ID,
                    service_url="https://smba.trafficmanager.net/amer/",
                    tenant_id=TENANT_ID,
                    bot_id=BOT_ID,
                )
            )
            poster = TeamsChannelPoster(CHANNEL_ID, bot.deps, bot.edge)
            with pytest.raises(TeamsCredentialsError) as caught:
                await poster.post_failure("x")
            assert all(part in str(caught.value) for part in expected)
            assert SECRET_VALUE not in str(caught.value)
            job = WeeklyJob(
                schedule=WeeklySchedule.from_settings(bot.settings),
                store=bot.store,
                destinations=[poster],
                report_factory=lambda: bot.deps.service.report(fresh=True),
                clock=bot.clock,
            )
            with capture_logs() as logs:
                [outcome] = await job.post_once(key="k")
        assert outcome.status == "failed"
        [line] = [e for e in logs if e["event"] == "post_failed"]
        assert all(part in line["error"] for part in expected)
        assert line["error_type"] == "TeamsCredentialsError"
        assert "exc_info" not in line or line["exc_info"] is None
        notice = failure_text(
            poster.name,
            occurrence=datetime(2026, 11, 23, 9, tzinfo=UTC),
            attempts=3,
            error=outcome.error or "",
        )
        assert all(part in notice for part in expected)


SECRET_VALUE = CREDENTIALS["teams_client_secret"]
