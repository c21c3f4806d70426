"""SlackChannelPoster: summary + CSV in thread for the weekly job, `post`, /overage and Refresh."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError

from bot.sandbox.data import is_over_limit, seed_companies
from bot.slack.app import build_web_client
from bot.slack.errors import SlackPostError
from bot.slack.poster import SlackChannelPoster
from tests.scenario.checks import assert_valid_message, csv_rows
from tests.scenario.harness import run_world


async def test_post_puts_summary_then_csv_in_its_thread() -> None:
    """post() returns the summary's ts; the CSV is in that message's thread."""
    async with run_world() as world:
        poster = SlackChannelPoster(build_web_client(world.settings), world.deps, channel="C0WEEKLY")
        assert poster.name == "slack:C0WEEKLY"
        report = await world.service.report(fresh=True)
        ts = await poster.post(report, period="weekly:2026-11-23T09:00:00+00:00")
        [message] = world.fake.messages()
        assert message["ts"] == ts
        assert_valid_message(message)
        [shared] = world.fake.files
        assert (shared.channel, shared.thread_ts) == ("C0WEEKLY", ts)
        assert len(csv_rows(shared.data)) == report.over_count


async def test_failed_upload_is_explained_in_the_thread() -> None:
    """When the CSV cannot be attached the summary stays and a thread reply says why."""
    async with run_world() as world:
        world.fake.upload_failures, world.fake.upload_status = 5, 400
        poster = SlackChannelPoster(build_web_client(world.settings), world.deps, channel="C0WEEKLY")
        ts = await poster.post(await world.service.report(), period="key:manual")
        summary, note = world.fake.messages()
        assert summary["ts"] == ts
        assert note["thread_ts"] == ts
        assert "could not be attached: Slack's file upload failed (HTTP 400)." in note["text"]
        assert "Click *Refresh* on the report to try again." in note["text"]
        assert "Failed to upload a file" not in note["text"]
        assert world.fake.files == []


async def test_nobody_over_posts_no_file() -> None:
    """A report without offenders is posted alone, with no export requested."""
    within = [row for row in seed_companies(total=50) if not is_over_limit(row)]
    async with run_world(companies=within) as world:
        poster = SlackChannelPoster(build_web_client(world.settings), world.deps, channel="C0WEEKLY")
        posted = await poster.publish(await world.service.report())
        assert posted.file_error is None
        assert len(world.fake.messages()) == 1
        assert world.fake.files == []
        assert world.sandbox.stats.requests["/api/companies/search/export"] == 0


async def test_not_in_channel_raises_for_the_caller() -> None:
    """A channel the bot was not invited to raises SlackPostError with the invite fix (the ledger releases)."""
    async with run_world() as world:
        world.fake.channel_errors["C0PRIVATE"] = "not_in_channel"
        poster = SlackChannelPoster(build_web_client(world.settings), world.deps, channel="C0PRIVATE")
        with pytest.raises(SlackPostError) as info:
            await poster.post(await world.service.report(), period="key:manual")
        assert info.value.code == "not_in_channel"
        assert "C0PRIVATE" in info.value.message
        assert info.value.remediation.startswith("Invite the bot: /invite @overage-bot in channel C0PRIVATE")
        assert world.sandbox.stats.requests["/api/companies/search/export"] == 0


@pytest.mark.parametrize(
    ("code", "fix"),
    [
        ("channel_not_found", "Check the channel id C0GONE"),
        ("is_archived", "Channel C0GONE is archived: unarchive it"),
        ("missing_scope", "add the bot scopes chat:write and files:write"),
        ("invalid_auth", "The bot token is invalid: reinstall the Slack app"),
        ("account_inactive", "update SLACK_BOT_TOKEN"),
    ],
)
async def test_refusals_a_person_must_fix_carry_the_fix(code: str, fix: str) -> None:
    """Each refusal no retry can fix becomes a SlackPostError whose remediation says what to do."""
    async with run_world() as world:
        world.fake.channel_errors["C0GONE"] = code
        poster = SlackChannelPoster(build_web_client(world.settings), world.deps, channel="C0GONE")
        with pytest.raises(SlackPostError) as info:
            await poster.publish(await world.service.report())
        assert fix in info.value.remediation
        assert f"({code})" in info.value.message


async def test_other_refusals_stay_slack_api_errors() -> None:
    """A code without a known fix (e.g. msg_too_long) is raised as slack_sdk raised it."""
    async with run_world() as world:
        world.fake.channel_errors["C0WEEKLY"] = "msg_too_long"
        poster = SlackChannelPoster(build_web_client(world.settings), world.deps, channel="C0WEEKLY")
        with pytest.raises(SlackApiError):
            await poster.publish(await world.service.report())


async def test_post_failure_tells_the_channel() -> None:
    """post_failure() posts the given (escaped) text to the channel."""
    async with run_world() as world:
        poster = SlackChannelPoster(build_web_client(world.settings), world.deps, channel="C0WEEKLY")
        await poster.post_failure(":x: The weekly overage report could not be posted.")
        [message] = world.fake.messages()
        assert "could not be posted" in message["text"]
        assert_valid_message(message)
