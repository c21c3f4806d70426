"""Message turns that run after ``POST /api/messages`` has answered 202.

Teams waits only 10–15 s for the HTTP answer to a message; an ``overage`` turn fetches from Keepnet
(with retries) before it replies, so it runs in a background task and replies through the Bot
Connector like any other turn. :class:`BackgroundTurns` keeps strong references to those tasks,
logs any failure that escaped the turn's own error reply, and drains them on shutdown.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import structlog
from microsoft_agents.hosting.core import Agent, HttpAdapterBase
from microsoft_agents.hosting.core.authorization import ClaimsIdentity
from microsoft_agents.hosting.core.http import HttpRequestProtocol, HttpResponse

from bot.background import BackgroundTasks

__all__ = ["BackgroundTurns", "ReadRequest"]

log = structlog.get_logger(__name__)


class ReadRequest(HttpRequestProtocol):
    """An already-read, already-authenticated ``POST /api/messages``, as the SDK's adapter takes it.

    The aiohttp request is gone once the 202 is sent; this keeps what the SDK reads from it.
    """

    def __init__(
        self, body: dict[str, Any], *, claims_identity: ClaimsIdentity | None, headers: Mapping[str, str]
    ) -> None:
        self._body = body
        self._claims_identity = claims_identity
        self._headers = dict(headers)

    @property
    def method(self) -> str:
        """Always ``POST``."""
        return "POST"

    @property
    def headers(self) -> Mapping[str, str]:
        """A copy of the request headers."""
        return self._headers

    async def json(self) -> dict[str, Any]:
        """The activity as read."""
        return self._body

    def get_claims_identity(self) -> ClaimsIdentity | None:
        """The JWT check's claims (``None`` in anonymous mode: the SDK then uses anonymous claims)."""
        return self._claims_identity

    def get_path_param(self, name: str) -> str:
        """``/api/messages`` has no path parameters."""
        raise KeyError(name)


class BackgroundTurns:
    """Turns started after the HTTP answer (a :class:`bot.background.BackgroundTasks`)."""

    def __init__(self) -> None:
        self._tasks = BackgroundTasks()

    def __len__(self) -> int:
        return len(self._tasks)

    def start(self, adapter: HttpAdapterBase, agent: Agent, request: ReadRequest) -> asyncio.Task[None]:
        """Run the turn for ``request`` now, in the background.

        Args:
            adapter: the SDK adapter (validates the activity, runs the turn, sends the replies).
            agent: the SDK application.
            request: the read request.

        Returns:
            The task (tests may await it).
        """
        return self._tasks.start(
            _run_turn(adapter, agent, request), name="teams-turn", on_failure=_failed, on_cancel=_cancelled
        )

    async def drain(self) -> None:
        """Wait until every started turn has finished (its replies sent or its failure logged)."""
        await self._tasks.drain()


def _cancelled() -> None:
    log.warning("teams_turn_cancelled")


def _failed(error: BaseException) -> None:
    # The turn's error handler already tried to reply; this is what even that could not handle.
    log.error("teams_background_turn_failed", error=type(error).__name__, exc_info=error)


async def _run_turn(adapter: HttpAdapterBase, agent: Agent, request: ReadRequest) -> None:
    response: HttpResponse = await adapter.process_request(request, agent)
    if response.status_code >= 400:
        log.warning("teams_turn_refused", status=int(response.status_code))
