"""Parts of the fake Slack: its records, ``conversations.history`` and a workspace refusing table blocks.

``conversations.history`` (GET or POST) needs ``channels:history`` for a ``C…`` channel and
``groups:history`` for a ``G…`` one in ``scopes`` (else ``missing_scope`` with ``needed`` and
``provided``); it returns the channel's top-level messages newest first, after ``oldest``, paged by
``limit`` and ``cursor`` (``has_more``, ``response_metadata.next_cursor``), and a message's
``metadata`` only with ``include_all_metadata`` — the less convenient reading of Slack's docs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import WSMsgType, web

__all__ = ["BOT_USER_ID", "Call", "SharedFile", "blocks_error", "complete_upload", "history", "socket_link"]

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
    initial_comment: str | None = None
    """The message text posted with the file (``files.completeUploadExternal``'s ``initial_comment``)."""


@dataclass
class _Pending:
    filename: str
    length: int
    data: bytes | None = None


def blocks_error(args: dict[str, Any]) -> dict[str, Any] | None:
    """Slack's ``invalid_blocks`` answer for a message holding a ``table`` block (None when it has none)."""
    blocks = args.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if not isinstance(blocks, list):
        return None
    bad = [i for i, block in enumerate(blocks) if isinstance(block, dict) and block.get("type") == "table"]
    if not bad:
        return None
    pointers = [f"[ERROR] unsupported type: table [json-pointer:/blocks/{i}/type]" for i in bad]
    return {
        "ok": False,
        "error": "invalid_blocks",
        "errors": [f"unsupported type: table [json-pointer:/blocks/{i}/type]" for i in bad],
        "response_metadata": {"messages": pointers},
    }


def history(
    args: dict[str, Any],
    *,
    posted: list[dict[str, Any]],
    scopes: str,
    channel_error: Callable[[object], dict[str, Any] | None],
) -> dict[str, Any]:
    """``conversations.history``: scope check, top-level messages newest first, paging, metadata on request."""
    channel = str(args.get("channel") or "")
    needed = "groups:history" if channel.startswith("G") else "channels:history"
    granted = {scope.strip() for scope in scopes.split(",")}
    if needed not in granted:
        return {"ok": False, "error": "missing_scope", "needed": needed, "provided": scopes}
    error = channel_error(channel)
    if error is not None:
        return error
    oldest = float(args.get("oldest") or 0)
    with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
    top_level = [
        m
        for m in reversed(posted)
        if m.get("channel") == channel and not m.get("thread_ts") and float(m["ts"]) > oldest
    ]
    limit = max(1, min(int(args.get("limit") or 100), 999))
    start = int(str(args.get("cursor") or "off:0").removeprefix("off:") or 0)
    page = top_level[start : start + limit]
    messages: list[dict[str, Any]] = []
    for item in page:
        message = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": "B0OVERAGE",
            "text": item.get("text", ""),
            "ts": item["ts"],
        }
        if with_metadata and isinstance(item.get("metadata"), dict):
            message["metadata"] = item["metadata"]
        messages.append(message)
    more = start + limit < len(top_level)
    return {
        "ok": True,
        "messages": messages,
        "has_more": more,
        "response_metadata": {"next_cursor": f"off:{start + limit}" if more else ""},
    }


def complete_upload(
    args: dict[str, Any],
    *,
    pending: dict[str, _Pending],
    files: list[SharedFile],
    channel_error: Callable[[object], dict[str, Any] | None],
) -> dict[str, Any]:
    """``files.completeUploadExternal``: share the uploaded files (in a channel's thread when given)."""
    channel = args.get("channel_id")
    if channel is not None:
        error = channel_error(channel)
        if error is not None:
            return error
    thread_ts = args.get("thread_ts")
    if thread_ts is not None and channel is None:
        return {"ok": False, "error": "invalid_arguments"}
    done = []
    for item in json.loads(str(args.get("files", "[]"))):
        upload = pending.get(str(item.get("id")))
        if upload is None or upload.data is None:
            return {"ok": False, "error": "file_not_found"}
        title = str(item.get("title") or upload.filename)
        comment = args.get("initial_comment")
        files.append(
            SharedFile(str(item["id"]), upload.filename, title, channel, thread_ts, upload.data, comment)
        )
        done.append({"id": item["id"], "title": title, "name": upload.filename})
    return {"ok": True, "files": done}


async def socket_link(
    request: web.Request, *, sockets: list[web.WebSocketResponse], acks: list[dict[str, Any]]
) -> web.WebSocketResponse:
    """The Socket Mode websocket: ``hello``, then every envelope acknowledgement is recorded in ``acks``."""
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    sockets.append(ws)
    await ws.send_str(json.dumps({"type": "hello", "num_connections": 1}))
    try:
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                data = json.loads(message.data)
                if "envelope_id" in data:
                    acks.append(data)
    finally:
        sockets.remove(ws)
    return ws
