"""A fake Slack: Web API, file upload URLs, ``response_url`` webhooks and a Socket Mode websocket.

A real aiohttp server on 127.0.0.1 port 0 that records every call and answers the way Slack does
for the methods the bot uses. slack_sdk sends some methods as JSON (``chat.postMessage``) and others
as query parameters (``files.getUploadURLExternal``, ``files.completeUploadExternal``,
``apps.connections.open``); :attr:`Call.args` merges query, form and JSON so tests need not care.

Failures are switches on the :class:`FakeSlack` object, flipped between calls:
``channel_errors`` (``chat.postMessage``/``files.completeUploadExternal`` error per channel),
``upload_failures`` + ``upload_status`` (the raw upload POST), ``ratelimited`` (429 + Retry-After
per method), ``non_members`` (``conversations.info`` ``is_member``) and ``scopes`` (the
``x-oauth-scopes`` header of ``auth.test``). ``chat.scheduleMessage`` fails like
``chat.postMessage`` for channels in ``channel_errors``. ``reject_tables`` makes ``chat.postMessage``
and ``chat.update`` answer ``invalid_blocks`` (with Slack's ``errors`` and ``response_metadata``
pointers) for a message holding a ``table`` block. ``conversations.history``: see ``_slack_parts``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes import _slack_parts as parts
from tests.fakes._slack_parts import BOT_USER_ID, Call, SharedFile

__all__ = ["BOT_USER_ID", "Call", "FakeSlack", "SharedFile", "run_fake_slack"]


@dataclass
class FakeSlack:
    """State and switches of the fake; see the module docstring."""

    root_url: str = ""
    calls: list[Call] = field(default_factory=list)
    files: list[SharedFile] = field(default_factory=list)
    posted: list[dict[str, Any]] = field(default_factory=list)
    socket_acks: list[dict[str, Any]] = field(default_factory=list)
    channel_errors: dict[str, str] = field(default_factory=dict)
    non_members: set[str] = field(default_factory=set)
    ratelimited: dict[str, int] = field(default_factory=dict)
    retry_after: str = "0"
    upload_failures: int = 0
    upload_status: int = 500
    scopes: str = "commands,chat:write,files:write"
    reject_tables: bool = False
    scheduled: dict[str, dict[str, Any]] = field(default_factory=dict)
    _pending: dict[str, parts._Pending] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)

    # --- addresses ---------------------------------------------------------------------------
    @property
    def api_url(self) -> str:
        """The Web API base URL to hand to ``AsyncWebClient(base_url=...)``."""
        return f"{self.root_url}/api/"

    def response_url(self, name: str = "cmd") -> str:
        """A ``response_url`` whose payloads are recorded as ``respond`` calls."""
        return f"{self.root_url}/respond/{name}"

    # --- queries -----------------------------------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        """The recorded calls of one method, oldest first."""
        return [call for call in self.calls if call.method == method]

    def messages(self) -> list[dict[str, Any]]:
        """Arguments of every ``chat.postMessage`` that succeeded (what people see in channels)."""
        return list(self.posted)

    def responses(self) -> list[dict[str, Any]]:
        """Payloads sent to ``response_url`` (what ``respond()`` showed the user)."""
        return [call.args for call in self.calls_to("respond")]

    async def wait_for(self, predicate: Callable[[], object], *, timeout_s: float = 5.0) -> None:
        """Poll until ``predicate()`` is truthy (bounded; raises AssertionError on timeout).

        Args:
            predicate: checked every 10 ms.
            timeout_s: give up after this long.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while not predicate():
            if loop.time() > deadline:
                raise AssertionError(f"timed out waiting; calls so far: {[c.method for c in self.calls]}")
            await asyncio.sleep(0.01)

    # --- Socket Mode -------------------------------------------------------------------------
    async def push_envelope(self, kind: str, payload: dict[str, Any]) -> str:
        """Send a Socket Mode envelope to every connected client; returns its envelope id.

        Args:
            kind: ``slash_commands``, ``interactive`` or ``events_api``.
            payload: the request payload (as Slack would POST it in HTTP mode).
        """
        envelope_id = f"env-{next(self._ids)}"
        message = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": True,
        }
        for ws in list(self._sockets):
            await ws.send_str(json.dumps(message))
        return envelope_id

    @property
    def socket_count(self) -> int:
        """How many Socket Mode websockets are open."""
        return sum(1 for ws in self._sockets if not ws.closed)

    # --- handlers ----------------------------------------------------------------------------
    def _next_ts(self) -> str:
        """A message ``ts`` as Slack makes them: the Unix time of the post, unique within the workspace."""
        return f"{int(time.time())}.{next(self._ids):06d}"

    async def _record(self, request: web.Request, method: str) -> Call:
        body = await request.read()
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json" and body:
            args.update(json.loads(body))
        elif request.content_type == "application/x-www-form-urlencoded":
            args.update((await request.post()).items())
        call = Call(method=method, args=args, headers=dict(request.headers), body=body)
        self.calls.append(call)
        return call

    async def api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        call = await self._record(request, method)
        if self.ratelimited.get(method, 0) > 0:
            self.ratelimited[method] -= 1
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": self.retry_after}
            )
        auth = call.headers.get("Authorization", "")
        if not auth.startswith(("Bearer xoxb-", "Bearer xapp-")):
            return web.json_response({"ok": False, "error": "not_authed"})
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        result: dict[str, Any] = handler(call.args)
        headers = {"x-oauth-scopes": self.scopes} if method == "auth.test" else None
        return web.json_response(result, headers=headers)

    def _m_auth_test(self, _: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://fake.slack.com/",
            "team": "Fake",
            "user": "overage-bot",
            "team_id": "T0FAKE",
            "user_id": BOT_USER_ID,
            "bot_id": "B0OVERAGE",
        }

    def _channel_error(self, channel: object) -> dict[str, Any] | None:
        if not isinstance(channel, str) or not channel:
            return {"ok": False, "error": "channel_not_found"}
        error = self.channel_errors.get(channel)
        return None if error is None else {"ok": False, "error": error}

    def _m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        error = self._channel_error(args.get("channel")) or self._blocks_error(args)
        if error is not None:
            return error
        if not args.get("text") and not args.get("blocks"):
            return {"ok": False, "error": "no_text"}
        ts = self._next_ts()
        self.posted.append({**args, "ts": ts})
        message = {"type": "message", "user": BOT_USER_ID, "ts": ts, "text": args.get("text", "")}
        return {"ok": True, "channel": args["channel"], "ts": ts, "message": message}

    def _blocks_error(self, args: dict[str, Any]) -> dict[str, Any] | None:
        return parts.blocks_error(args) if self.reject_tables else None

    def _m_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        return parts.history(args, posted=self.posted, scopes=self.scopes, channel_error=self._channel_error)

    def _m_chat_scheduleMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        error = self._channel_error(args.get("channel"))
        if error is not None:
            return error
        scheduled_id = f"Q{next(self._ids):08d}"
        self.scheduled[scheduled_id] = args
        return {"ok": True, "channel": args["channel"], "scheduled_message_id": scheduled_id}

    def _m_chat_deleteScheduledMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        if self.scheduled.pop(str(args.get("scheduled_message_id")), None) is None:
            return {"ok": False, "error": "invalid_scheduled_message_id"}
        return {"ok": True}

    def _m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        error = self._channel_error(args.get("channel"))
        return error or {"ok": True, "message_ts": self._next_ts()}

    def _m_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        error = self._blocks_error(args)
        if error is not None:
            return error
        return {
            "ok": True,
            "channel": args.get("channel"),
            "ts": args.get("ts"),
            "text": args.get("text", ""),
        }

    def _m_conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = args.get("channel")
        error = self._channel_error(channel)
        if error is not None:
            return error
        return {
            "ok": True,
            "channel": {"id": channel, "name": "overage", "is_member": channel not in self.non_members},
        }

    def _m_apps_connections_open(self, _: dict[str, Any]) -> dict[str, Any]:
        ws_url = self.root_url.replace("http://", "ws://", 1) + "/link"
        return {"ok": True, "url": ws_url}

    def _m_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        filename, length = args.get("filename"), args.get("length")
        if not filename or not str(length or "").isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._ids):08d}"
        self._pending[file_id] = parts._Pending(filename=str(filename), length=int(str(length)))
        return {"ok": True, "upload_url": f"{self.root_url}/upload/{file_id}", "file_id": file_id}

    def _m_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        return parts.complete_upload(
            args, pending=self._pending, files=self.files, channel_error=self._channel_error
        )

    async def upload(self, request: web.Request) -> web.Response:
        call = await self._record(request, "upload")
        if self.upload_failures > 0:
            self.upload_failures -= 1
            return web.Response(status=self.upload_status, text="upload failed")
        pending = self._pending.get(request.match_info["file_id"])
        if pending is None:
            return web.Response(status=404, text="unknown upload")
        if len(call.body) != pending.length:
            return web.Response(status=400, text="length mismatch")
        pending.data = call.body
        return web.Response(text=f"OK - {len(call.body)}")

    async def respond(self, request: web.Request) -> web.Response:
        await self._record(request, "respond")
        return web.Response(text="ok")

    async def link(self, request: web.Request) -> web.WebSocketResponse:
        return await parts.socket_link(request, sockets=self._sockets, acks=self.socket_acks)


def _build_app(fake: FakeSlack) -> web.Application:
    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.add_routes(
        [
            web.post("/api/{method}", fake.api),
            web.get("/api/{method}", fake.api),
            web.post("/upload/{file_id}", fake.upload),
            web.post("/respond/{name}", fake.respond),
            web.get("/link", fake.link),
        ]
    )
    return app


@asynccontextmanager
async def run_fake_slack() -> AsyncIterator[FakeSlack]:
    """Run the fake Slack on 127.0.0.1 (port 0) for the duration of the block."""
    fake = FakeSlack()
    runner = web.AppRunner(_build_app(fake), handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    fake.root_url = f"http://127.0.0.1:{port}"
    try:
        yield fake
    finally:
        for ws in list(fake._sockets):
            with suppress(ConnectionError):
                await ws.close()
        await runner.cleanup()
