"""Request handlers of the sandbox (wired up in :mod:`bot.sandbox.app`).

Every ``/api`` request passes the same gate, in this order: injected 429, injected 500, bearer
check (401, empty body, ``WWW-Authenticate: Bearer``), role check (403, ``ServiceResult`` with
status ``FAILED`` and a message — the notes only say "403"; a JSON envelope is what the UI's
error path expects), then body validation (400 ``INPUT_ERROR``). The fault counters therefore
count down on any ``/api`` request, whatever its token. Bodies that decode to a JSON object are
recorded in the stats before the gate, so tests can inspect what a rejected request sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import structlog
from aiohttp import web

from bot.sandbox._auth import bearer_is_valid, form_error, issue_token
from bot.sandbox._export import CHUNK_BYTES, CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, csv_chunks, write_xlsx
from bot.sandbox._search import (
    ExportQuery,
    InputError,
    SearchQuery,
    envelope,
    page_bounds,
    page_count,
    parse_export,
    parse_json_object,
    parse_search,
)
from bot.sandbox.state import SANDBOX_STATE, SandboxState

__all__ = ["handle_export", "handle_search", "handle_token", "latency_and_count"]

_log = structlog.get_logger()
_FORM = "application/x-www-form-urlencoded"
_ROLE_MESSAGE = "This operation is only available to Reseller accounts."


@web.middleware
async def latency_and_count(request: web.Request, handler: Any) -> web.StreamResponse:
    """Count the request by path, add the configured latency, and track ``/api`` requests in flight."""
    state = request.app[SANDBOX_STATE]
    stats = state.stats
    stats.requests[request.path] += 1
    api = request.path.startswith("/api/")
    if api:
        stats.in_flight += 1
        stats.max_in_flight = max(stats.max_in_flight, stats.in_flight)
    try:
        if state.faults.latency_ms > 0:
            await state.sleep(state.faults.latency_ms / 1000)
        response: web.StreamResponse = await handler(request)
        return response
    finally:
        if api:
            stats.in_flight -= 1


async def handle_token(request: web.Request) -> web.Response:
    """``POST /connect/token``: client-credentials grant, form-encoded only (JSON body -> 500)."""
    state = request.app[SANDBOX_STATE]
    if "json" in request.content_type:
        return web.Response(status=500)
    if request.content_type != _FORM:
        return _oauth_error("invalid_request")
    form = await request.post()
    error = form_error({key: form.get(key) for key in form}, state)
    if error is not None:
        _log.info("sandbox_token_refused", error=error)
        return _oauth_error(error)
    body = issue_token(state)
    return web.json_response(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


async def handle_search(request: web.Request) -> web.Response:
    """``POST /api/companies/search``: one page of the filtered, ordered companies."""
    state = request.app[SANDBOX_STATE]
    raw = await request.read()
    _record(raw, state.stats.search_bodies)
    refused = _gate(request, state)
    if refused is not None:
        return refused
    try:
        query = parse_search(parse_json_object(raw))
    except InputError as exc:
        return _input_error(exc)
    return web.json_response(envelope(search_page(state, query)))


def search_page(state: SandboxState, query: SearchQuery) -> dict[str, Any]:
    """The ``data`` of a search answer, consuming one ``shift_rows`` fault for pages > 1."""
    selection = state.select(query)
    rows = selection.rows
    size = min(query.page_size, state.faults.page_size_cap)
    shifted = query.page_number > 1 and state.faults.shift_rows > 0
    if shifted:
        state.faults.shift_rows -= 1
    start, end = page_bounds(total=len(rows), page_number=query.page_number, page_size=size, shifted=shifted)
    return {
        "results": list(rows[start:end]),
        "pageNumber": query.page_number,
        "pageSize": size,
        "totalNumberOfRecords": len(rows),
        "totalNumberOfPages": page_count(len(rows), size),
        "limitExceededCompanyCount": selection.over_limit_count,
    }


async def handle_export(request: web.Request) -> web.StreamResponse:
    """``POST /api/companies/search/export``: the raw CSV or XLSX bytes, streamed."""
    state = request.app[SANDBOX_STATE]
    raw = await request.read()
    _record(raw, state.stats.export_bodies)
    refused = _gate(request, state)
    if refused is not None:
        return refused
    try:
        query = parse_export(parse_json_object(raw))
    except InputError as exc:
        return _input_error(exc)
    rows = _export_rows(state, query)
    if query.export_type == "CSV":
        return await _stream_csv(request, rows)
    return await _stream_xlsx(request, rows)


def _export_rows(state: SandboxState, query: ExportQuery) -> Sequence[dict[str, Any]]:
    rows = state.select(query.search).rows
    if query.all_pages:
        return rows
    size = min(query.search.page_size, state.faults.page_size_cap)
    start, end = page_bounds(
        total=len(rows), page_number=query.search.page_number, page_size=size, shifted=False
    )
    return rows[start:end]


async def _stream_csv(request: web.Request, rows: Sequence[dict[str, Any]]) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Disposition": 'attachment; filename="Companies.csv"'})
    response.content_type = CSV_CONTENT_TYPE
    response.charset = "utf-8"
    response.enable_chunked_encoding()
    await response.prepare(request)
    for chunk in csv_chunks(rows):
        await response.write(chunk)
    await response.write_eof()
    return response


async def _stream_xlsx(request: web.Request, rows: Sequence[dict[str, Any]]) -> web.StreamResponse:
    path, size = await asyncio.to_thread(_build_xlsx, rows)
    try:
        response = web.StreamResponse(
            headers={"Content-Disposition": 'attachment; filename="Companies.xlsx"'}
        )
        response.content_type = XLSX_CONTENT_TYPE
        response.content_length = size
        await response.prepare(request)
        file = await asyncio.to_thread(path.open, "rb")
        try:
            while chunk := await asyncio.to_thread(file.read, CHUNK_BYTES):
                await response.write(chunk)
        finally:
            file.close()
        await response.write_eof()
        return response
    finally:
        await asyncio.to_thread(_remove, path)


def _build_xlsx(rows: Sequence[dict[str, Any]]) -> tuple[Path, int]:
    handle, name = tempfile.mkstemp(prefix="sandbox-export-", suffix=".xlsx")
    os.close(handle)
    path = Path(name)
    try:
        write_xlsx(rows, path)
    except BaseException:
        _remove(path)
        raise
    return path, path.stat().st_size


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _gate(request: web.Request, state: SandboxState) -> web.Response | None:
    faults = state.faults
    if faults.fail_429 > 0:
        faults.fail_429 -= 1
        headers = {"Retry-After": faults.retry_after} if faults.retry_after is not None else None
        body = envelope(None, status="FAILED", message="Too many requests. Please retry later.")
        return web.json_response(body, status=429, headers=headers)
    if faults.fail_5xx > 0:
        faults.fail_5xx -= 1
        body = envelope(None, status="INTERNAL_SERVER_ERROR", message="An unexpected error occurred.")
        return web.json_response(body, status=500)
    if not bearer_is_valid(request.headers.get("Authorization"), state):
        return web.Response(status=401, headers={"WWW-Authenticate": "Bearer"})
    if faults.role != "Reseller":
        return web.json_response(envelope(None, status="FAILED", message=_ROLE_MESSAGE), status=403)
    return None


def _record(raw: bytes, bodies: list[dict[str, Any]]) -> None:
    with contextlib.suppress(InputError):
        bodies.append(parse_json_object(raw))


def _input_error(exc: InputError) -> web.Response:
    body = envelope(
        None, status="INPUT_ERROR", message="One or more validation errors occurred.", validation=exc.messages
    )
    return web.json_response(body, status=400)


def _oauth_error(code: str) -> web.Response:
    return web.json_response({"error": code}, status=400, headers={"Cache-Control": "no-store"})
