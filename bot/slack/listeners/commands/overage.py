"""``/overage [help | top N | find <text> | reopen <text> | history <text> | statement]``: acknowledge at once, then post the report."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands import parse_command
from bot.deps import Deps
from bot.slack import messages
from bot.slack.access import is_allowed
from bot.slack.listeners._background import BackgroundWork
from bot.slack.listeners._publish import publish_report
from bot.slack.listeners._request_log import RequestLog
from bot.slack.listeners.commands.history import history_command
from bot.slack.listeners.commands.reopen import reopen_command
from bot.slack.listeners.commands.statement import statement_command

__all__ = ["handle_overage"]


async def handle_overage(
    ack: AsyncAck,
    command: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    deps: Deps,
    background: BackgroundWork,
) -> None:
    """Answer ``/overage``.

    The acknowledgement comes first and carries the ephemeral reply (usage, access denied or
    "working on it"); only then is Keepnet asked, in the background. The report is posted as a new
    message in the invoking channel, the CSV in its thread. Typed failures reach the error handler,
    which tells the asker ephemerally.

    Args:
        ack: acknowledges the command (within Slack's 3 s).
        command: the slash-command payload.
        respond: replies through the command's ``response_url``.
        client: the Slack Web API client.
        deps: settings, report service and clock.
        background: runs the work after the acknowledgement.
    """
    user, channel = command.get("user_id"), command.get("channel_id")
    request = RequestLog(str(command.get("command") or "/overage"), user=user, channel=channel)
    parsed = parse_command(str(command.get("text") or ""))
    request.describe(kind=parsed.kind, top_n=parsed.top_n, find=bool(parsed.query))
    if not is_allowed(deps.settings, user_id=user, channel_id=channel):
        await ack(text=messages.access_denied(), response_type="ephemeral")
        request.acked()
        request.outcome = "denied"
        request.finish()
        return
    if parsed.kind == "reopen":
        await reopen_command(
            ack, respond, deps, background, request=request, command=command, text=parsed.query
        )
        return
    if parsed.kind == "history":
        await history_command(
            ack, respond, deps, background, request=request, command=command, text=parsed.query
        )
        return
    if parsed.kind == "statement":
        await statement_command(ack, respond, client, deps, background, request=request, command=command)
        return
    if parsed.kind != "report":
        text = messages.help_text() if parsed.kind == "help" else messages.usage(parsed.error)
        await ack(text=text, response_type="ephemeral")
        request.acked()
        request.outcome = parsed.kind
        request.finish()
        return
    await ack(text=messages.working_on_it(parsed.query), response_type="ephemeral")
    request.acked()

    async def work() -> None:
        with request:
            service = deps.service
            asked_at = service.now()
            report = await service.report(query=parsed.query, top_n=parsed.top_n)
            request.outcome = await publish_report(
                client,
                deps,
                respond,
                channel=str(channel),
                report=report,
                cached=service.is_cached(report, asked_at=asked_at),
            )

    background.start(work(), body=command, respond=respond)
