"""The Teams edge's aiohttp routes: ``POST /api/messages`` (JWT-checked) and ``GET /exports/{token}``.

Only ``/api/messages`` carries the SDK's JWT check (its decorator, not the app-wide middleware), so
``/healthz`` and the export links need no Bot Framework token; in ``TEAMS_ALLOW_ANONYMOUS`` mode no
token is checked at all. The decorator reads
``request.app["agent_configuration"]``: call :func:`bot.teams.edge.install_teams` on the server
application too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import cast

from aiohttp import web
from microsoft_agents.hosting.aiohttp import jwt_authorization_decorator, start_agent_process

from bot.teams.edge import TeamsEdge
from bot.teams.exports_route import export_route

__all__ = ["MESSAGES_PATH", "teams_routes"]

MESSAGES_PATH = "/api/messages"

_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _messages_handler(edge: TeamsEdge) -> _Handler:
    async def messages(request: web.Request) -> web.StreamResponse:
        response = await start_agent_process(request, edge.agent_app, edge.adapter)
        return response if response is not None else web.Response(status=202)

    if edge.anonymous:
        return messages  # TEAMS_ALLOW_ANONYMOUS: no incoming token is checked (loopback only)
    return cast(_Handler, jwt_authorization_decorator(messages))  # type: ignore[no-untyped-call]


def teams_routes(edge: TeamsEdge) -> list[web.RouteDef]:
    """The routes to mount on the bot's server.

    Args:
        edge: the Teams edge from :func:`bot.teams.edge.create_teams_edge`.

    Returns:
        ``POST /api/messages`` and ``GET /exports/{token}``.
    """
    return [
        web.post(MESSAGES_PATH, _messages_handler(edge)),
        export_route(edge.links, edge.deps),
    ]
