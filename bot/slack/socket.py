"""Slack's Socket Mode: one websocket to Slack, opened with the app-level token (``xapp-…``)."""

from __future__ import annotations

import structlog
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from bot.slack.app import close_web_session, open_web_session

__all__ = ["SlackSocket"]

log = structlog.get_logger(__name__)


class SlackSocket:
    """The Socket Mode connection of the Bolt app (reconnects on its own).

    Args:
        app: the Bolt app from :func:`bot.slack.app.create_app`.
        app_token: the app-level token with ``connections:write``.
        proxy: the outbound proxy (``HTTPS_PROXY``), if any.
        ping_interval_s: seconds between websocket pings.
    """

    def __init__(
        self, app: AsyncApp, *, app_token: str, proxy: str | None = None, ping_interval_s: float = 10.0
    ) -> None:
        self._handler = AsyncSocketModeHandler(
            app, app_token=app_token, proxy=proxy, ping_interval=ping_interval_s
        )

    @property
    def handler(self) -> AsyncSocketModeHandler:
        """Bolt's handler (its ``client`` is the Socket Mode client)."""
        return self._handler

    async def start(self) -> None:
        """Open the Web API session and the connection (``apps.connections.open``, then the websocket).

        Does not block; Bolt's Socket Mode client reconnects on its own afterwards.
        """
        await open_web_session(self._handler.app)
        await self._handler.connect_async()  # type: ignore[no-untyped-call]
        log.info("slack_socket_connected")

    async def stop(self) -> None:
        """Close the connection and the Web API session."""
        await self._handler.close_async()  # type: ignore[no-untyped-call]
        await close_web_session(self._handler.app)
        log.info("slack_socket_closed")

    def is_connected(self) -> bool:
        """Whether the websocket is open (for ``/healthz``)."""
        client = self._handler.client
        session = client.current_session
        return not client.closed and not client.stale and session is not None and not session.closed
