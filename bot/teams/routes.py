"""The Teams edge's aiohttp routes: ``POST /api/messages`` (JWT-checked), ``GET /exports/{token}``,
and the plain-text ``GET /privacy`` and ``GET /terms`` pages the app manifest links to.

Only ``/api/messages`` carries the SDK's JWT check (its decorator, not the app-wide middleware), so
``/healthz``, the export links and the two pages need no Bot Framework token; in ``TEAMS_ALLOW_ANONYMOUS`` mode no
token is checked at all. The decorator reads
``request.app["agent_configuration"]``: call :func:`bot.teams.edge.install_teams` on the server
application too.

Teams gives up on a message after 10–15 s ("Unable to reach app") and may deliver it again, while an
``overage`` turn can wait on Keepnet longer than that. So a ``message`` activity (typed commands and
``Action.Submit`` clicks alike) is answered 202 as soon as it is authenticated and read, and its turn
runs in the background (:mod:`bot.teams.turns`), replying through the Bot Connector. Everything else
— invokes, whose answer is the HTTP body, installs, anything the SDK would refuse — runs inline.

Malformed requests get a 4xx and one info line, never a 500: a token the SDK's validator cannot
even parse (no ``kid``, not a JWT…) → 401, like any refused token; a body that is not a JSON object
→ 400.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, cast

import structlog
from aiohttp import web
from microsoft_agents.activity import Activity, ActivityTypes, DeliveryModes
from microsoft_agents.hosting.aiohttp import jwt_authorization_decorator, start_agent_process
from microsoft_agents.hosting.core.authorization import ClaimsIdentity
from pydantic import ValidationError

from bot.teams.edge import TeamsEdge
from bot.teams.exports_route import export_route
from bot.teams.handlers.legal import privacy_text, terms_text
from bot.teams.turns import ReadRequest

__all__ = ["MESSAGES_PATH", "PRIVACY_PATH", "TERMS_PATH", "teams_routes"]

MESSAGES_PATH = "/api/messages"
PRIVACY_PATH = "/privacy"
"""The manifest's ``privacyUrl`` (``https://<PUBLIC_URL's host>/privacy``)."""
TERMS_PATH = "/terms"
"""The manifest's ``termsOfUseUrl``."""

_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_AUTH_FAILED = {"error": "Invalid token or authentication failed."}

log = structlog.get_logger(__name__)


async def _read_json(request: web.Request) -> dict[str, Any] | None:
    """The body as a JSON object, or ``None`` (the SDK then answers the bad request itself)."""
    try:
        body = await request.json()  # aiohttp keeps the bytes: the SDK can read them again
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _runs_in_background(edge: TeamsEdge, body: dict[str, Any], claims: ClaimsIdentity | None) -> bool:
    """True for a message the SDK would accept: the same checks as its ``process_request``."""
    try:
        activity = Activity.model_validate(body)
    except ValidationError:
        return False
    if activity.type != ActivityTypes.message or not activity.conversation or not activity.conversation.id:
        return False
    if activity.delivery_mode == DeliveryModes.expect_replies:
        return False  # the replies are the HTTP body
    # The SDK's serviceUrl check (host list, token claim); a refusal is answered inline, as before.
    return edge.adapter._validate_service_url(claims or ClaimsIdentity(), activity)


def _text_page(text: str) -> _Handler:
    """A handler answering ``text`` as a plain-text page (UTF-8)."""

    async def page(_request: web.Request) -> web.StreamResponse:
        return web.Response(text=text, content_type="text/plain", charset="utf-8")

    return page


def _messages_handler(edge: TeamsEdge) -> _Handler:
    async def messages(request: web.Request) -> web.StreamResponse:
        body = await _read_json(request)
        if body is None:
            log.info("teams_request_refused", status=400, reason="body is not a JSON object")
            return web.json_response({"error": "the body must be a JSON object (an activity)"}, status=400)
        claims = cast(ClaimsIdentity | None, request.get("claims_identity"))  # set by the JWT check
        if _runs_in_background(edge, body, claims):
            edge.turns.start(
                edge.adapter,
                edge.agent_app,
                ReadRequest(body, claims_identity=claims, headers=request.headers),
            )
            return web.Response(status=202)
        response = await start_agent_process(request, edge.agent_app, edge.adapter)
        return response if response is not None else web.Response(status=202)

    if edge.anonymous:
        return messages  # TEAMS_ALLOW_ANONYMOUS: no incoming token is checked (loopback only)
    return _token_checked(messages)


def _token_checked(handler: _Handler) -> _Handler:
    """The SDK's JWT check before ``handler``; a token its validator cannot parse is a 401, not a 500."""

    async def checked(request: web.Request) -> web.StreamResponse:
        reached = False

        async def inner(req: web.Request) -> web.StreamResponse:
            nonlocal reached
            reached = True
            return await handler(req)

        try:
            decorated = cast(_Handler, jwt_authorization_decorator(inner))  # type: ignore[no-untyped-call]
            return await decorated(request)
        except Exception as exc:
            if reached:  # the handler's own failure, not the token's
                raise
            log.info("teams_token_refused", status=401, reason=type(exc).__name__)
            return web.json_response(_AUTH_FAILED, status=401)

    return checked


def teams_routes(edge: TeamsEdge) -> list[web.RouteDef]:
    """The routes to mount on the bot's server.

    Args:
        edge: the Teams edge from :func:`bot.teams.edge.create_teams_edge`.

    Returns:
        ``POST /api/messages``, ``GET /exports/{token}``, ``GET /privacy`` and ``GET /terms``.
    """
    return [
        web.post(MESSAGES_PATH, _messages_handler(edge)),
        export_route(edge.links, edge.deps),
        web.get(PRIVACY_PATH, _text_page(privacy_text())),
        web.get(TERMS_PATH, _text_page(terms_text())),
    ]
