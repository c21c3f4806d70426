"""The Keepnet sandbox: an aiohttp app that answers like the Keepnet API, for offline runs and tests.

Routes: ``POST /connect/token``, ``POST /api/companies/search``, ``POST /api/companies/search/export``.
The rules each route follows are described in :mod:`bot.sandbox._handlers`, :mod:`bot.sandbox._search`,
:mod:`bot.sandbox._auth` and :mod:`bot.sandbox._export`. Faults and data live in the app's
:class:`SandboxState` (``app[SANDBOX_STATE]``) and may be changed while it runs.

Example:
    >>> async with run_sandbox(companies=over_limit_companies(250)) as sandbox:  # doctest: +SKIP
    ...     sandbox.faults.fail_429 = 1
    ...     ...  # point a KeepnetClient at sandbox.base_url
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import structlog
from aiohttp import web

from bot.sandbox._handlers import handle_export, handle_search, handle_token, latency_and_count
from bot.sandbox.data import seed_companies
from bot.sandbox.faults import Faults
from bot.sandbox.state import SANDBOX_STATE, SandboxState, SandboxStats

__all__ = [
    "SANDBOX_CLIENT_ID",
    "SANDBOX_CLIENT_SECRET",
    "SANDBOX_STATE",
    "RunningSandbox",
    "SandboxState",
    "SandboxStats",
    "create_sandbox_app",
    "run_sandbox",
    "serve_sandbox",
]

SANDBOX_CLIENT_ID = "sandbox-reseller"
SANDBOX_CLIENT_SECRET = "sandbox-secret-not-for-production"  # a published test value, not a secret

_log = structlog.get_logger()


def create_sandbox_app(
    *,
    companies: list[dict[str, Any]] | None = None,
    faults: Faults | None = None,
    client_id: str = SANDBOX_CLIENT_ID,
    client_secret: str = SANDBOX_CLIENT_SECRET,
    clock: Callable[[], float] = time.time,
) -> web.Application:
    """Build the sandbox application.

    Args:
        companies: the rows to serve (``seed_companies()`` when None); kept by reference.
        faults: the fault switches (a default :class:`Faults` when None); kept by reference.
        client_id: the accepted OAuth2 client id.
        client_secret: the accepted OAuth2 client secret.
        clock: seconds since the epoch, deciding token expiry (inject a fake one in tests).

    Returns:
        The app; its state is ``app[SANDBOX_STATE]``.
    """
    app = web.Application(middlewares=[latency_and_count])
    app[SANDBOX_STATE] = SandboxState(
        faults=faults if faults is not None else Faults(),
        companies=companies if companies is not None else seed_companies(),
        client_id=client_id,
        client_secret=client_secret,
        clock=clock,
    )
    app.router.add_post("/connect/token", handle_token)
    app.router.add_post("/api/companies/search", handle_search)
    app.router.add_post("/api/companies/search/export", handle_export)
    return app


@dataclass
class RunningSandbox:
    """A sandbox listening on loopback.

    Attributes:
        base_url: e.g. ``http://127.0.0.1:54321`` (no trailing slash).
        state: the app's live state.
    """

    base_url: str
    state: SandboxState

    @property
    def faults(self) -> Faults:
        """The live fault switches."""
        return self.state.faults

    @property
    def stats(self) -> SandboxStats:
        """What the sandbox has received."""
        return self.state.stats


@asynccontextmanager
async def run_sandbox(
    *,
    companies: list[dict[str, Any]] | None = None,
    faults: Faults | None = None,
    client_id: str = SANDBOX_CLIENT_ID,
    client_secret: str = SANDBOX_CLIENT_SECRET,
    clock: Callable[[], float] = time.time,
    ssl_context: ssl.SSLContext | None = None,
) -> AsyncIterator[RunningSandbox]:
    """Run a sandbox on 127.0.0.1 on a free port for the duration of the ``async with`` block.

    Args:
        companies: as for :func:`create_sandbox_app`.
        faults: as for :func:`create_sandbox_app`.
        client_id: as for :func:`create_sandbox_app`.
        client_secret: as for :func:`create_sandbox_app`.
        clock: as for :func:`create_sandbox_app`.
        ssl_context: serve HTTPS with this server context (``base_url`` then starts ``https://``).

    Yields:
        The running sandbox.
    """
    app = create_sandbox_app(
        companies=companies, faults=faults, client_id=client_id, client_secret=client_secret, clock=clock
    )
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ssl_context)
        await site.start()
        host, port = runner.addresses[0][:2]
        scheme = "https" if ssl_context is not None else "http"
        yield RunningSandbox(base_url=f"{scheme}://{host}:{port}", state=app[SANDBOX_STATE])
    finally:
        await runner.cleanup()


async def serve_sandbox(*, host: str, port: int, faults: Faults, companies: int) -> None:
    """Serve a sandbox with ``companies`` seeded rows on ``host:port`` until cancelled.

    Prints the URL and the sandbox credentials (they are public test values, not secrets).

    Args:
        host: interface to bind, e.g. ``127.0.0.1``.
        port: TCP port (0 picks a free one; the printed URL shows which).
        faults: the fault switches.
        companies: how many companies :func:`seed_companies` should build.
    """
    app = create_sandbox_app(companies=seed_companies(total=companies), faults=faults)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound_host, bound_port = runner.addresses[0][:2]
        url = f"http://{bound_host}:{bound_port}"
        print(
            f"Keepnet sandbox listening on {url}\n"
            f"  KEEPNET_BASE_URL={url}\n"
            f"  KEEPNET_CLIENT_ID={SANDBOX_CLIENT_ID}\n"
            f"  KEEPNET_CLIENT_SECRET={SANDBOX_CLIENT_SECRET}",
            flush=True,
        )
        _log.info(
            "sandbox_started", url=url, client_id=SANDBOX_CLIENT_ID, companies=companies, faults=str(faults)
        )
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
