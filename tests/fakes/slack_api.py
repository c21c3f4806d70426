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
pointers) for a message holding a ``table`` block, as a workspace or client without tables may.

``conversations.history`` (GET or POST) needs ``channels:history`` for a ``C…`` channel and
``groups:history`` for a ``G…`` one in ``scopes`` (else ``missing_scope`` with ``needed`` and
``provided``); it returns the channel's top-level messages newest first, after ``oldest``, paged by
``limit`` and ``cursor`` (``has_more``, ``response_metadata.next_cursor``), and a message's
``metadata`` only with ``include_all_metadata`` — the less convenient reading of Slack's docs.
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

from aiohttp import WSMsgType, web

__all__ = ["BOT_USER_ID", "Call", "FakeSlack", "SharedFile", "run_fake_slack"]

BOT_USER_ID = "U0OVERAGE"


@dataclass(frozen=True)
class Call:
    """One recorded request to the fake.

    Attributes:
        method: the Web API method (``chat.postMessage``), ``upload`` or ``respond``.
        args: query, form and JSON arguments merged.
        headers: the request headers.
        body: the raw request body.
    """

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class SharedFile:
    """A file completed with ``files.completeUploadExternal``: what a person would see."""

    file_id: str
    filename: str
    title: str
    channel: str | None
    thread_ts: str | None
    data: bytes


@dataclass
class _Pending:
    filename: str
    length: int
    data: bytes | None = None


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
    _pending: dict[str, _Pending] = field(default_factory=dict)
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

    def _blocks_error(self, args: dict[str, Any]) -> dict[str, Any] | None:
        blocks = args.get("blocks")
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        if not self.reject_tables or not isinstance(blocks, list):
            return None
        bad = [
            i for i, block in enumerate(blocks) if isinstance(block, dict) and block.get("type") == "table"
        ]
        if not bad:
            return None
        pointers = [f"[ERROR] unsupported type: table [json-pointer:/blocks/{i}/type]" for i in bad]
        return {
            "ok": False,
            "error": "invalid_blocks",
            "errors": [f"unsupported type: table [json-pointer:/blocks/{i}/type]" for i in bad],
            "response_metadata": {"messages": pointers},
        }

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

    def _m_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        needed = "groups:history" if channel.startswith("G") else "channels:history"
        granted = {scope.strip() for scope in self.scopes.split(",")}
        if needed not in granted:
            return {"ok": False, "error": "missing_scope", "needed": needed, "provided": self.scopes}
        error = self._channel_error(channel)
        if error is not None:
            return error
        oldest = float(args.get("oldest") or 0)
        with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        top_level = [
            m
            for m in reversed(self.posted)
            if m.get("channel") == channel and not m.get("thread_ts") and float(m["ts"]) > oldest
        ]
        limit = max(1, min(int(args.get("limit") or 100), 999))
        start = int(str(args.get("cursor") or "off:0").removeprefix("off:") or 0)
        page = top_level[start : start + limit]
        messages = []
        for posted in page:
            message = {
                "type": "message",
                "user": BOT_USER_ID,
                "bot_id": "B0OVERAGE",
                "text": posted.get("text", ""),
                "ts": posted["ts"],
            }
            if with_metadata and isinstance(posted.get("metadata"), dict):
                message["metadata"] = posted["metadata"]
            messages.append(message)
        more = start + limit < len(top_level)
        return {
            "ok": True,
            "messages": messages,
            "has_more": more,
            "response_metadata": {"next_cursor": f"off:{start + limit}" if more else ""},
        }

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
        self._pending[file_id] = _Pending(filename=str(filename), length=int(str(length)))
        return {"ok": True, "upload_url": f"{self.root_url}/upload/{file_id}", "file_id": file_id}

    def _m_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = args.get("channel_id")
        if channel is not None:
            error = self._channel_error(channel)
            if error is not None:
                return error
        thread_ts = args.get("thread_ts")
        if thread_ts is not None and channel is None:
            return {"ok": False, "error": "invalid_arguments"}
        done = []
        for item in json.loads(str(args.get("files", "[]"))):
            pending = self._pending.get(str(item.get("id")))
            if pending is None or pending.data is None:
                return {"ok": False, "error": "file_not_found"}
            title = str(item.get("title") or pending.filename)
            self.files.append(
                SharedFile(str(item["id"]), pending.filename, title, channel, thread_ts, pending.data)
            )
            done.append({"id": item["id"], "title": title, "name": pending.filename})
        return {"ok": True, "files": done}

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
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1}))
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    data = json.loads(message.data)
                    if "envelope_id" in data:
                        self.socket_acks.append(data)
        finally:
            self._sockets.remove(ws)
        return ws


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
