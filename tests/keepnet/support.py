"""Helpers for the Keepnet client tests: a recording sleep and a tiny recording fake server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class SleepRecorder:
    """An injected ``sleep`` that records the requested waits and returns at once."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@asynccontextmanager
async def serve_fake(routes: dict[str, Handler]) -> AsyncIterator[tuple[str, list[str]]]:
    """Serve handlers on 127.0.0.1:0; ``/connect/token`` answers a token unless overridden.

    Yields:
        The base URL and the list of request paths received, in order.
    """
    seen: list[str] = []

    async def token(_: web.Request) -> web.Response:
        return web.json_response({"access_token": "fake-access-token-123", "expires_in": 3600})

    @web.middleware
    async def record(request: web.Request, handler: Any) -> web.StreamResponse:
        seen.append(request.path)
        response: web.StreamResponse = await handler(request)
        return response

    app = web.Application(middlewares=[record])
    app.router.add_post("/connect/token", routes.get("/connect/token", token))
    for path, handler in routes.items():
        if path != "/connect/token":
            app.router.add_post(path, handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}", seen
    finally:
        await runner.cleanup()
