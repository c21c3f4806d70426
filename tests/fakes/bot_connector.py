"""A fake Bot Connector (the Teams side of ``serviceUrl``): records what the bot sends.

A real aiohttp server on 127.0.0.1 port 0, reached through the activities' ``serviceUrl``
(``<base_url>/amer/``, like Teams' regional URLs). It answers as the Connector does:

* ``POST /v3/conversations/{id}/activities`` → ``{"id"}`` (a new post / message)
* ``POST /v3/conversations/{id}/activities/{replyToId}`` → ``{"id"}`` (a reply)
* ``PUT /v3/conversations/{id}/activities/{activityId}`` → ``{"id"}``
* ``POST /v3/conversations`` → ``{"id", "activityId", "serviceUrl"}`` (a channel post); with
  ``"isGroup": false`` and one member, a 1:1 chat with that person → ``{"id": "a:1…"}``, or
  :attr:`FakeConnector.personal_chat_status` (e.g. 403 when the person has not got the app)

Conversation ids arrive with ``:@;=`` unencoded, so one catch-all route parses the path.
Set :attr:`FakeConnector.fail_status` to answer every call with that status instead.
Message turns reply after the bot's 202, so tests wait for them with :meth:`FakeConnector.wait_for`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

__all__ = ["ConnectorCall", "FakeConnector", "run_fake_connector"]

_PREFIX = "/v3/conversations"


@dataclass(frozen=True)
class ConnectorCall:
    """One request the bot made.

    Attributes:
        method: ``POST`` or ``PUT``.
        path: the path as received (regional prefix included).
        conversation_id: the conversation id in the path ("" for ``POST /v3/conversations``).
        activity_id: the reply-to / updated activity id, if the path had one.
        query: the query parameters (``isTargetedActivity``…).
        headers: the request headers.
        body: the JSON body.
    """

    method: str
    path: str
    conversation_id: str
    activity_id: str | None
    query: dict[str, str]
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def kind(self) -> str:
        """``send`` (new post), ``reply``, ``update`` or ``create``."""
        if not self.conversation_id:
            return "create"
        if self.method == "PUT":
            return "update"
        return "reply" if self.activity_id else "send"

    @property
    def cards(self) -> list[dict[str, Any]]:
        """The Adaptive Cards attached to the activity."""
        attachments = self.body.get("attachments") or []
        return [
            a["content"]
            for a in attachments
            if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
        ]

    @property
    def text(self) -> str:
        """The activity's text ("" when none)."""
        return str(self.body.get("text") or "")


@dataclass
class FakeConnector:
    """State of the fake; see the module docstring."""

    base_url: str = ""
    calls: list[ConnectorCall] = field(default_factory=list)
    fail_status: int | None = None
    personal_chat_status: int | None = None
    issued_ids: list[str] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    @property
    def service_url(self) -> str:
        """The serviceUrl to put on activities (with a regional path, as Teams does)."""
        return f"{self.base_url}/amer/"

    @property
    def last_id(self) -> str | None:
        """The activity id the fake handed out last."""
        return self.issued_ids[-1] if self.issued_ids else None

    def messages(self) -> list[ConnectorCall]:
        """Sent and reply activities of type message (typing and traces left out)."""
        return [c for c in self.calls if c.kind in ("send", "reply") and c.body.get("type") == "message"]

    async def record(self, call: ConnectorCall) -> None:
        """Record a call and wake :meth:`wait_for`."""
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    async def wait_for(self, predicate: Callable[[], object], *, timeout_s: float = 10.0) -> None:
        """Wait until ``predicate()`` is truthy, checked after every recorded call (bounded).

        Args:
            predicate: e.g. ``lambda: fake.messages()``.
            timeout_s: give up after this long (raises AssertionError).
        """
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(predicate), timeout_s)
            except TimeoutError:
                kinds = [(c.kind, c.body.get("type")) for c in self.calls]
                raise AssertionError(f"timed out waiting; calls so far: {kinds}") from None


def _parse(path: str) -> tuple[str, str | None] | None:
    start = path.find(_PREFIX)
    if start < 0:
        return None
    rest = path[start + len(_PREFIX) :]
    if rest in ("", "/"):
        return "", None
    conversation, sep, after = rest.lstrip("/").partition("/activities")
    if not sep:
        return None
    return conversation, after.strip("/") or None


def _app(fake: FakeConnector) -> web.Application:
    async def handle(request: web.Request) -> web.Response:
        parsed = _parse(request.path)
        if parsed is None or request.method not in ("POST", "PUT"):
            return web.json_response({"error": {"code": "NotFound"}}, status=404)
        raw = await request.read()
        body = json.loads(raw) if raw else {}
        conversation_id, activity_id = parsed
        call = ConnectorCall(
            method=request.method,
            path=request.path,
            conversation_id=conversation_id,
            activity_id=activity_id,
            query=dict(request.query),
            headers=dict(request.headers),
            body=body,
        )
        await fake.record(call)
        if fake.fail_status is not None:
            return web.json_response(
                {"error": {"code": "MessageWritesBlocked", "message": "blocked"}}, status=fake.fail_status
            )
        new_id = f"1700000000{next(fake._ids):03d}"
        fake.issued_ids.append(new_id)
        if call.kind == "create" and body.get("isGroup") is False:
            if fake.personal_chat_status is not None:  # e.g. 403: the person has not got the app
                return web.json_response(
                    {"error": {"code": "Forbidden", "message": "bot is not installed for the user"}},
                    status=fake.personal_chat_status,
                )
            member = (body.get("members") or [{}])[0].get("id", "user")
            return web.json_response({"id": f"a:1personal-{member}"}, status=201)
        if call.kind == "create":
            return web.json_response(
                {"id": f"19:new{new_id}@thread.tacv2", "activityId": new_id, "serviceUrl": fake.service_url},
                status=201,
            )
        if call.kind == "update":
            return web.json_response({"id": activity_id})
        return web.json_response({"id": new_id}, status=201)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


@asynccontextmanager
async def run_fake_connector() -> AsyncIterator[FakeConnector]:
    """Serve a fake Bot Connector on 127.0.0.1, port 0.

    Yields:
        The fake; put :attr:`FakeConnector.service_url` on the activities sent to the bot.
    """
    fake = FakeConnector()
    runner = web.AppRunner(_app(fake))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    fake.base_url = f"http://127.0.0.1:{port}"
    try:
        yield fake
    finally:
        await runner.cleanup()
