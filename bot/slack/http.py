"""Slack's HTTP mode: ``POST /slack/events`` into the Bolt app (signature checked by Bolt).

Before Bolt sees a request, its shape is checked so that malformed, unauthenticated input gets a
4xx and one info line (never the body), not a 500 with a traceback: a missing or non-numeric
``X-Slack-Request-Timestamp`` → 401; a body that is not UTF-8, a ``payload`` that is not a JSON
object, or a JSON body that is not an object → 400.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import structlog
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

__all__ = ["SLACK_EVENTS_PATH", "malformed", "slack_routes"]

SLACK_EVENTS_PATH = "/slack/events"

log = structlog.get_logger(__name__)


def malformed(headers: dict[str, str] | web.Request, body: bytes) -> tuple[int, str] | None:
    """Why a Slack request cannot be handed to Bolt: ``(status, reason)``, or None when it is well formed.

    Args:
        headers: the request's headers (or the request).
        body: the raw body.

    Returns:
        ``(401, …)`` for a missing or non-numeric timestamp, ``(400, …)`` for a body that is not
        UTF-8, a ``payload`` that is not a JSON object or a JSON body that is not an object.
    """
    source = headers.headers if isinstance(headers, web.Request) else headers
    timestamp = (source.get("X-Slack-Request-Timestamp") or "").strip()
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        return 401, "missing or non-numeric X-Slack-Request-Timestamp"
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return 400, "body is not UTF-8"
    content_type = (source.get("Content-Type") or "").split(";")[0].strip().lower()
    if content_type == "application/json":
        return None if _json_object(text) else (400, "JSON body is not an object")
    payloads = parse_qs(text, keep_blank_values=True).get("payload")
    if payloads and not _json_object(payloads[0]):
        return 400, "payload is not a JSON object"
    return None


def _json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except (ValueError, RecursionError):
        return False


def slack_routes(app: AsyncApp) -> list[web.RouteDef]:
    """The routes that hand Slack's requests to ``app``.

    Slash commands, button clicks and events all arrive at ``POST /slack/events``. A malformed
    request is refused first (see :func:`malformed`); Bolt then rejects a bad signature, or a
    timestamp more than five minutes old, with 401 before any listener runs.

    Args:
        app: the Bolt app from :func:`bot.slack.app.create_app`.

    Returns:
        The route definitions for :func:`bot.server.create_web_app`.
    """

    async def slack_events(request: web.Request) -> web.Response:
        body = await request.read()
        refused = malformed(request, body)
        if refused is not None:
            status, reason = refused
            log.info("slack_request_refused", status=status, reason=reason, bytes=len(body))
            return web.json_response({"error": reason}, status=status)
        bolt_response = await app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    return [web.post(SLACK_EVENTS_PATH, slack_events)]
