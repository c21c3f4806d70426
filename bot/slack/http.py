"""Slack's HTTP mode: ``POST /slack/events`` into the Bolt app (signature checked by Bolt)."""

from __future__ import annotations

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

__all__ = ["SLACK_EVENTS_PATH", "slack_routes"]

SLACK_EVENTS_PATH = "/slack/events"


def slack_routes(app: AsyncApp) -> list[web.RouteDef]:
    """The routes that hand Slack's requests to ``app``.

    Slash commands, button clicks and events all arrive at ``POST /slack/events``. Bolt rejects
    a bad signature, or a timestamp more than five minutes old, with 401 before any listener runs.

    Args:
        app: the Bolt app from :func:`bot.slack.app.create_app`.

    Returns:
        The route definitions for :func:`bot.server.create_web_app`.
    """

    async def slack_events(request: web.Request) -> web.Response:
        bolt_response = await app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    return [web.post(SLACK_EVENTS_PATH, slack_events)]
