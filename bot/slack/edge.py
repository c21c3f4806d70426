"""The Slack edge: the Bolt app served over HTTP (``/slack/events``) or Socket Mode, as one :class:`Edge`."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from contextlib import suppress
from typing import Protocol

import aiohttp
import structlog
from aiohttp import web
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.deps import Deps
from bot.edge import EdgeHealth
from bot.slack.app import build_web_client, close_web_session, create_app, open_web_session
from bot.slack.http import slack_routes
from bot.slack.listeners import BackgroundWork
from bot.slack.poster import SlackChannelPoster
from bot.slack.socket import SlackSocket
from bot.weekly.types import Destination

__all__ = ["SlackEdge", "slack_health"]

log = structlog.get_logger(__name__)


class _Connection(Protocol):
    def is_connected(self) -> bool: ...


def slack_health(mode: str, socket: _Connection | None = None) -> EdgeHealth:
    """Slack's part of ``/healthz``: its mode, and in Socket Mode whether the websocket is up.

    Args:
        mode: ``socket``, ``http`` or ``off``.
        socket: the Socket Mode connection (anything with ``is_connected()``), when used.

    Returns:
        ``{"mode": …, "connected": …}``; a Socket Mode connection that is down is a problem (503).
    """
    connected = socket.is_connected() if socket is not None else None
    problem = "slack socket disconnected" if mode == "socket" and not connected else None
    return EdgeHealth({"mode": mode, "connected": connected}, problem)


class SlackEdge:
    """The Bolt app, its Web API client, its background work and (in Socket Mode) its connection.

    Args:
        settings: the configuration (``SLACK_*``, ``OVERAGE_CHANNEL``, ``HTTPS_PROXY``).
        deps: what the listeners work with.
        client: a ready Web API client (tests); built from ``settings`` when None.

    Raises:
        ConfigError: the bot token, or in HTTP mode the signing secret, is missing.
    """

    name = "slack"

    def __init__(self, settings: Settings, deps: Deps, *, client: AsyncWebClient | None = None) -> None:
        self.settings = settings
        self.deps = deps
        self.web_client = client if client is not None else build_web_client(settings)
        self.background = BackgroundWork()
        self.bolt = create_app(settings, deps, client=self.web_client, background=self.background)
        self.socket: SlackSocket | None = None
        if settings.slack_socket_mode:
            assert settings.slack_app_token is not None
            self.socket = SlackSocket(
                self.bolt, app_token=settings.slack_app_token.get_secret_value(), proxy=settings.https_proxy
            )
        self._connecting: list[asyncio.Task[None]] = []

    @property
    def summary(self) -> str:
        """``socket`` or ``http``."""
        return "socket" if self.socket is not None else "http"

    def routes(self) -> Sequence[web.AbstractRouteDef]:
        """``POST /slack/events`` in HTTP mode; nothing in Socket Mode."""
        return () if self.socket is not None else slack_routes(self.bolt)

    def install(self, web_app: web.Application) -> None:
        """Nothing: the routes carry what they need."""

    async def start(self) -> None:
        """HTTP mode: open the shared Web API session. Socket Mode: connect in the background.

        ``/healthz`` answers 503 while Slack is unreachable, and SIGTERM still stops the process.
        """
        if self.socket is None:
            await open_web_session(self.bolt)
            return
        self._connecting.append(asyncio.create_task(_connect_socket(self.socket)))

    async def stop(self) -> None:
        """Let running requests finish and close the connection and the Web API session."""
        if self.socket is None:
            await self.background.drain()
            await close_web_session(self.bolt)
            return
        for task in self._connecting:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
        await self.socket.stop()
        await self.background.drain()

    def destinations(self) -> Sequence[Destination]:
        """``OVERAGE_CHANNEL``, when set."""
        channel = self.settings.overage_channel
        return [SlackChannelPoster(self.web_client, self.deps, channel=channel)] if channel else []

    def health(self) -> EdgeHealth:
        """The mode, and whether the Socket Mode connection is up."""
        return slack_health(self.summary, self.socket)


async def _connect_socket(socket: SlackSocket) -> None:
    """Open the Socket Mode connection; a refusal (e.g. a bad app token) is logged with its fix."""
    try:
        await socket.start()
    except SlackApiError as exc:
        log.error(
            "slack_socket_refused",
            error=exc.response.get("error"),
            fix="check SLACK_APP_TOKEN: an app-level token (xapp-…) with the connections:write scope",
        )
    except (SlackClientError, aiohttp.ClientError, OSError) as exc:
        log.error("slack_socket_unreachable", error=str(exc), fix="check the network / HTTPS_PROXY")
