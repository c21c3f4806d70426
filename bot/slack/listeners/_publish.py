"""Shared by ``/overage`` and Refresh: post the report, and tell the asker if the file failed."""

from __future__ import annotations

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.report.model import OverageReport
from bot.slack import messages
from bot.slack.error_replies import tell
from bot.slack.poster import SlackChannelPoster

__all__ = ["publish_report"]


async def publish_report(
    client: AsyncWebClient,
    deps: Deps,
    respond: AsyncRespond | None,
    *,
    channel: str,
    report: OverageReport,
    cached: bool,
) -> str:
    """Post ``report`` to the invoking channel with the CSV in its thread.

    When the CSV could not be attached, the thread says so (see
    :meth:`~bot.slack.poster.SlackChannelPoster.publish`) and the asker gets the same note.

    Args:
        client: the Slack Web API client.
        deps: settings, service and clock.
        respond: replies to the asker (ephemeral note when the CSV could not be attached).
        channel: the channel the request came from.
        report: the report to post.
        cached: the report came from the cache (labelled with its age); see
            :meth:`bot.service.ReportService.is_cached`.

    Returns:
        The outcome for the request log: ``posted`` or ``posted_without_file``.

    Raises:
        SlackPostError: the summary could not be posted; it carries the fix (the error handler
            shows it).
        SlackApiError: the summary could not be posted (the error handler explains it).
    """
    posted = await SlackChannelPoster(client, deps, channel=channel).publish(report, cached=cached)
    if posted.file_error is not None:
        await tell(respond, messages.upload_failed(posted.file_error))
        return "posted_without_file"
    return "posted"
