"""GET /readyz with a real database: PostgreSQL reached through a link the test can cut and mend.

The fakes in ``tests/test_readiness.py`` prove the HTTP side; this proves that the real store's ping
notices a PostgreSQL that went away (503, with the reason, within the connect timeout) and one that
came back (200), on the same pooled engine, as a replica behind a load balancer would see it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine

from bot.server import HealthState, create_web_app
from bot.store.database import Store
from tests.store.fixtures import postgres_unreachable, postgres_url

pytestmark = pytest.mark.postgres


class Link:
    """A TCP relay on 127.0.0.1 to PostgreSQL; :meth:`cut` drops every connection and refuses new ones."""

    def __init__(self, host: str, port: int) -> None:
        self._target = (host, port)
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.StreamWriter] = set()
        self.port = 0

    async def mend(self) -> None:
        """Listen (again) on the same port."""
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        """Stop listening and reset every open connection, as a database host that went down."""
        assert self._server is not None
        self._server.close()
        for writer in list(self._pipes):
            writer.transport.abort()
        await self._server.wait_closed()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self._target)
        self._pipes.update({writer, up_writer})

        async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError, asyncio.IncompleteReadError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.transport.abort()

        try:
            await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer))
        finally:
            self._pipes.difference_update({writer, up_writer})


@pytest.fixture(name="linked_store")
async def _linked_store() -> AsyncIterator[tuple[Store, Link]]:
    """A Store on a fresh PostgreSQL schema, reached through a :class:`Link`."""
    url = make_url(postgres_url())
    schema = f"overage_ready_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT", connect_args={"timeout": 5})
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except (OSError, SQLAlchemyError) as exc:
        await admin.dispose()
        postgres_unreachable(str(url), exc)
    link = Link(url.host or "127.0.0.1", url.port or 5432)
    await link.mend()
    linked = url.set(host="127.0.0.1", port=link.port).render_as_string(hide_password=False)
    store = await Store.open(linked, schema_name=schema)
    try:
        yield store, link
    finally:
        await store.close()
        with contextlib.suppress(AssertionError):
            await link.cut()
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await admin.dispose()


async def _readyz(client: TestClient[Any, Any]) -> tuple[int, Any]:
    response = await client.get("/readyz")
    return response.status, await response.json()


async def test_readyz_follows_a_real_postgresql(linked_store: tuple[Store, Link]) -> None:
    """200 → the database host goes away → 503 naming the database, within seconds → back → 200."""
    store, link = linked_store
    app = create_web_app(health=HealthState(edges=[], store=store))
    async with TestClient(TestServer(app)) as client:
        assert await _readyz(client) == (200, {"status": "ready"})
        await link.cut()
        started = time.monotonic()
        status, body = await _readyz(client)
        assert time.monotonic() - started < 15  # bounded by the connect timeout, never hanging
        assert status == 503
        [reason] = body["reasons"]
        assert reason.startswith("database: "), reason
        await link.mend()
        assert await _readyz(client) == (200, {"status": "ready"})
