"""What a chat edge (Slack, Teams) gives the server, in one shape, so the CLI wires a list of them.

An edge package exposes an :class:`EdgePlug` (whether it is on, its start-up checks, how to build it);
the built :class:`Edge` brings its routes, its start and stop hooks, the weekly destinations it serves
and its part of ``/healthz``. ``bot/cli/run.py`` only loops over them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from aiohttp import web

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.deps import Deps
    from bot.weekly.types import Destination

__all__ = ["Edge", "EdgeHealth", "EdgePlug", "OffEdge"]


@dataclass(frozen=True)
class EdgeHealth:
    """An edge's part of ``/healthz``.

    Attributes:
        section: the JSON object shown under the edge's name.
        problem: set when the edge is down (``/healthz`` then answers 503 with it as ``status``).
    """

    section: dict[str, Any]
    problem: str | None = None


class Edge(Protocol):
    """One chat edge, as the server and the weekly job see it."""

    @property
    def name(self) -> str:
        """Its key in ``/healthz`` and in the ``server_started`` log line (``slack``, ``teams``)."""

    @property
    def summary(self) -> object:
        """What ``server_started`` logs for it (e.g. ``"socket"``, ``True``)."""

    def routes(self) -> Sequence[web.AbstractRouteDef]:
        """The aiohttp routes it serves on the bot's server."""

    def install(self, web_app: web.Application) -> None:
        """Put on the server application what its routes read (called once, before it starts)."""

    async def start(self) -> None:
        """Start its connections (called when the server starts)."""

    async def stop(self) -> None:
        """Finish its running work and close its connections (on shutdown, after the scheduler)."""

    def destinations(self) -> Sequence[Destination]:
        """The weekly post's destinations it serves (none when its channel is not set)."""

    def health(self) -> EdgeHealth:
        """Its part of ``/healthz``."""


@dataclass(frozen=True)
class OffEdge:
    """An edge that is turned off: it serves nothing and says so in ``/healthz``."""

    name: str
    summary: object
    section: dict[str, Any] = field(default_factory=dict)

    def routes(self) -> Sequence[web.AbstractRouteDef]:
        """None."""
        return ()

    def install(self, web_app: web.Application) -> None:
        """Nothing to install."""

    async def start(self) -> None:
        """Nothing to start."""

    async def stop(self) -> None:
        """Nothing to stop."""

    def destinations(self) -> Sequence[Destination]:
        """None."""
        return ()

    def health(self) -> EdgeHealth:
        """The off section (e.g. ``{"mode": "off", "connected": null}``)."""
        return EdgeHealth(dict(self.section))


@dataclass(frozen=True)
class EdgePlug:
    """How the CLI finds an edge before building anything.

    Attributes:
        name: the edge's name.
        needs: what turns it on, for the "nothing to serve" message (e.g. ``SLACK_BOT_TOKEN (Slack)``).
        enabled: whether the settings turn it on.
        check: start-up checks of its settings (raises ``ConfigError``), run before anything is opened.
        build: builds the edge (an :class:`OffEdge` when it is off), imported only when called.
    """

    name: str
    needs: str
    enabled: Callable[[Settings], bool]
    check: Callable[[Settings], None]
    build: Callable[[Settings, Deps], Edge]
