"""``overage-bot post`` (the report once, now — for cron users) and ``overage-bot teams-package``.

``post`` goes to every configured weekly destination (``OVERAGE_CHANNEL``, ``TEAMS_CHANNEL``), or
only to ``--channel`` / ``--teams-channel``. With ``--key`` it posts at most once per key and
destination, through the same ledger as the weekly job, so a retried cron job never double-posts.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AsyncExitStack
from datetime import UTC, tzinfo

from bot.cli.run import open_store
from bot.cli.wiring import build_keepnet_client, build_service, setup_logging
from bot.clock import utc_now
from bot.config import SLACK_CHANNEL_ID, ConfigError, Settings
from bot.deps import Deps
from bot.keepnet.errors import KeepnetConfigError
from bot.report.formatting import fmt_generated
from bot.weekly.job import Destination, PostOutcome, WeeklyJob, WeeklySchedule

__all__ = ["EXIT_CLAIMED_ELSEWHERE", "describe_outcome", "exit_code", "post"]

#: ``EX_TEMPFAIL`` (sysexits.h): another run holds a live claim (posting now, or died mid-post and
#: its lease has not expired yet). Nothing was posted; a cron job should count it as not done.
EXIT_CLAIMED_ELSEWHERE = 75


def describe_outcome(outcome: PostOutcome, *, key: str | None, tz: tzinfo = UTC) -> str:
    """One line telling what happened at one destination (times shown in ``tz``)."""
    where = outcome.destination
    if outcome.status == "posted":
        return f"posted to {where} (message {outcome.message_ref})"
    if outcome.status == "skipped":
        return f"skipped {where}: a quiet week ({outcome.message_ref}, OVERAGE_POST_WHEN)"
    if outcome.status == "already_posted":
        return f"already posted to {where} for key {key!r}: nothing to do"
    if outcome.status == "claimed_elsewhere":
        expires = "" if outcome.lease_until is None else f" at {fmt_generated(outcome.lease_until, tz)}"
        return (
            f"NOT posted to {where} for key {key!r}: another run is posting it right now, or died "
            f"mid-post; its claim expires{expires}. Run the same command again after that "
            f"(exit code {EXIT_CLAIMED_ELSEWHERE}: try again later)"
        )
    return f"FAILED to post to {where}: {outcome.error}"


def exit_code(outcomes: Sequence[PostOutcome]) -> int:
    """1 if any destination failed, else 75 if one is being posted by another run, else 0."""
    if any(o.status == "failed" for o in outcomes):
        return 1
    if any(o.status == "claimed_elsewhere" for o in outcomes):
        return EXIT_CLAIMED_ELSEWHERE
    return 0


def _destinations(
    settings: Settings, deps: Deps, *, channel: str | None, teams_channel: str | None
) -> list[Destination]:
    if channel and not SLACK_CHANNEL_ID.match(channel.strip()):
        raise ConfigError(
            f"--channel {channel!r} is not a Slack channel id: use the id such as C0123456789 "
            "(channel details → bottom of the About tab), not the #name"
        )
    slack_channels = [channel.strip()] if channel else []
    teams_channels = [teams_channel] if teams_channel else []
    if not channel and not teams_channel:
        slack_channels = (
            [settings.overage_channel] if settings.overage_channel and settings.slack_enabled else []
        )
        teams_channels = [settings.teams_channel] if settings.teams_channel and settings.teams_enabled else []
    if not slack_channels and not teams_channels:
        raise ConfigError(
            "nowhere to post: set OVERAGE_CHANNEL (Slack channel id) and/or TEAMS_CHANNEL, "
            "or pass --channel C… / --teams-channel 19:…"
        )
    destinations: list[Destination] = []
    if slack_channels:
        if not settings.slack_enabled:
            raise ConfigError("--channel needs SLACK_BOT_TOKEN (the Slack app's Bot User OAuth Token)")
        from bot.slack.app import build_web_client
        from bot.slack.poster import SlackChannelPoster

        client = build_web_client(settings)
        destinations.extend(SlackChannelPoster(client, deps, channel=c) for c in slack_channels)
    if teams_channels:
        if not settings.teams_enabled:
            raise ConfigError(
                "--teams-channel needs TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID"
            )
        from bot.teams.edge import create_teams_edge
        from bot.teams.poster import TeamsChannelPoster

        edge = create_teams_edge(settings, deps)
        destinations.extend(TeamsChannelPoster(c, deps, edge) for c in teams_channels)
    return destinations


def _weekly_only(settings: Settings, destinations: Sequence[Destination]) -> bool:
    """Whether every destination is a configured weekly one (only their posts become "last week")."""
    weekly = set()
    if settings.overage_channel and settings.slack_enabled:
        weekly.add(f"slack:{settings.overage_channel}")
    if settings.teams_channel and settings.teams_enabled:
        weekly.add(f"teams:{settings.teams_channel}")
    return all(d.name in weekly for d in destinations)


async def post(settings: Settings, *, channel: str | None, teams_channel: str | None, key: str | None) -> int:
    """Post the report once, now.

    Args:
        settings: the configuration.
        channel: only this Slack channel.
        teams_channel: only this Teams channel.
        key: post at most once per key and destination.

    Returns:
        0 when every destination was posted (or already had this key); 1 when one failed; 75
        (:data:`EXIT_CLAIMED_ELSEWHERE`) when another run holds a live claim for one of them.

    Raises:
        ConfigError: nowhere to post, or a credential is missing (exit code 2).
    """
    setup_logging(settings, quiet=True)
    async with AsyncExitStack() as stack:
        store = await open_store(settings)
        stack.push_async_callback(store.close)
        try:
            client = await stack.enter_async_context(build_keepnet_client(settings))
        except KeepnetConfigError as exc:
            raise ConfigError(f"KEEPNET_CLIENT_ID: {exc.message} {exc.remediation}") from exc
        service = build_service(
            settings, client, snapshots=store, decisions=store.decisions, history=store.history
        )
        deps = Deps(settings=settings, service=service, store=store, clock=utc_now)
        destinations = _destinations(settings, deps, channel=channel, teams_channel=teams_channel)
        job = WeeklyJob(
            schedule=WeeklySchedule.from_settings(settings),
            store=store,
            destinations=destinations,
            report_factory=lambda: service.report(fresh=True),
        )
        outcomes = await job.post_once(key=key, snapshot=_weekly_only(settings, destinations))
    for outcome in outcomes:
        print(describe_outcome(outcome, key=key, tz=settings.tz))
    return exit_code(outcomes)
