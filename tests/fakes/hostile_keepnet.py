"""A deliberately broken Keepnet: answers that claim too much, never end, or carry impossible numbers.

A real aiohttp server on loopback (like the sandbox), separate from it so the sandbox stays a
faithful stand-in. Set :attr:`HostileKeepnet.search_mode` / :attr:`export_mode` per test; every
request is counted per path, and the most searches in flight at once is recorded.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

__all__ = ["HostileKeepnet", "run_hostile_keepnet"]

_TOKEN = {"access_token": "hostile-token", "expires_in": 3600, "token_type": "Bearer"}


def _row(i: int, users: object = "100", active: object = 150) -> dict[str, Any]:
    return {
        "companyResourceId": f"h{i}",
        "companyName": f"Hostile {i}",
        "isNumberOfUsersLimited": True,
        "numberOfUsers": users,
        "targetUserCount": active,
    }


@dataclass
class HostileKeepnet:
    """The server's state: what it does next, and what it saw."""

    base_url: str = ""
    search_mode: str = "normal"
    export_mode: str = "normal"
    body_bytes: int = 2 * 1024 * 1024
    pages: int = 1
    requests: Counter[str] = field(default_factory=Counter)
    in_flight: int = 0
    max_in_flight: int = 0

    def page(self, number: int, size: int) -> dict[str, Any] | str:
        """The search answer's ``data`` (or raw JSON text) for the current mode."""
        mode = self.search_mode
        if mode == "billion_pages":
            return {
                "results": [_row(i) for i in range(size)],
                "pageNumber": 1,
                "pageSize": size,
                "totalNumberOfRecords": 10**9,
                "totalNumberOfPages": 10**9,
            }
        if mode == "zero_page_size":
            return {
                "results": [_row(1)],
                "pageNumber": 1,
                "pageSize": 0,
                "totalNumberOfRecords": 1_000_000,
                "totalNumberOfPages": 0,
            }
        if mode == "pages_beyond_records":
            return {
                "results": [_row(1)],
                "pageNumber": 1,
                "pageSize": 100,
                "totalNumberOfRecords": 150,
                "totalNumberOfPages": 50,
            }
        if mode == "null_ids":
            rows = [
                {**_row(0), "companyResourceId": None, "companyName": "Nameless A"},
                {**_row(0), "companyResourceId": None, "companyName": "Nameless B"},
                _row(1),
            ]
            return {
                "results": rows,
                "pageNumber": 1,
                "pageSize": 100,
                "totalNumberOfRecords": 3,
                "totalNumberOfPages": 1,
            }
        if mode == "odd_numbers":
            texts = [
                json.dumps(_row(1, "1e309")),
                json.dumps(_row(2, "inf")),
                json.dumps(_row(3, "9" * 5000)),
                json.dumps(_row(4, "100", 150)).replace('"numberOfUsers": "100"', '"numberOfUsers": 1e309'),
                json.dumps(_row(5, "100", 150)).replace('"targetUserCount": 150', '"targetUserCount": 1e300'),
            ]
            return (
                '{"results": [' + ", ".join(texts) + '], "pageNumber": 1, "pageSize": 100, '
                '"totalNumberOfRecords": 5, "totalNumberOfPages": 1}'
            )
        # normal: ``pages`` pages of ``size`` rows
        total = self.pages * size
        start = (number - 1) * size
        return {
            "results": [_row(i) for i in range(start, min(start + size, total))],
            "pageNumber": number,
            "pageSize": size,
            "totalNumberOfRecords": total,
            "totalNumberOfPages": self.pages,
        }


def _app(state: HostileKeepnet) -> web.Application:
    async def token(request: web.Request) -> web.Response:
        state.requests["token"] += 1
        return web.json_response(_TOKEN)

    async def search(request: web.Request) -> web.StreamResponse:
        state.requests["search"] += 1
        state.in_flight += 1
        state.max_in_flight = max(state.max_in_flight, state.in_flight)
        try:
            body = await request.json()
            if state.search_mode == "huge_body":
                response = web.StreamResponse(headers={"Content-Type": "application/json"})
                await response.prepare(request)
                await response.write(b'{"data": {"results": [' + b" " * state.body_bytes)
                return response
            await asyncio.sleep(0.005)
            data = state.page(int(body.get("pageNumber", 1)), int(body.get("pageSize", 100)))
            if isinstance(data, str):
                return web.Response(
                    text='{"status": "SUCCESS", "data": ' + data + "}", content_type="application/json"
                )
            return web.json_response({"status": "SUCCESS", "data": data})
        finally:
            state.in_flight -= 1

    async def export(request: web.Request) -> web.StreamResponse:
        state.requests["export"] += 1
        response = web.StreamResponse(headers={"Content-Type": "text/csv"})
        await response.prepare(request)
        await response.write(b"Company Name,Number Of Users\r\n")
        if state.export_mode == "trickle":
            while True:  # a few bytes now and then, forever: only a total deadline ends it
                await asyncio.sleep(0.2)
                await response.write(b"x")
        if state.export_mode == "endless":
            chunk = b"Acme,1\r\n" * 8192
            while True:
                await response.write(chunk)
        await response.write(b"Acme,1\r\n")
        await response.write_eof()
        return response

    app = web.Application()
    app.router.add_post("/connect/token", token)
    app.router.add_post("/api/companies/search", search)
    app.router.add_post("/api/companies/search/export", export)
    return app


@asynccontextmanager
async def run_hostile_keepnet() -> AsyncIterator[HostileKeepnet]:
    """Serve a hostile Keepnet on a free loopback port."""
    state = HostileKeepnet()
    runner = web.AppRunner(_app(state), shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    state.base_url = f"http://127.0.0.1:{port}"
    try:
        yield state
    finally:
        await runner.cleanup()
