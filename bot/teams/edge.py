"""The Teams edge: the Agents SDK application, adapter and connection, built from our settings.

:func:`create_teams_edge` builds everything once; :func:`bot.teams.routes.teams_routes` gives the
aiohttp routes and :func:`install_teams` puts on the server application what the SDK's JWT
decorator reads from it (``app["agent_configuration"]``) and the shutdown hook that drains the
message turns still running in the background (:meth:`TeamsEdge.drain`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import structlog
from aiohttp import web
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import (
    AgentApplication,
    AgentAuthConfiguration,
    ApplicationOptions,
    Connections,
    MemoryStorage,
    OutboundHostValidator,
    TurnState,
)

from bot.config import ConfigError, Settings
from bot.deps import Deps
from bot.edge import EdgeHealth
from bot.teams.handlers import register_handlers
from bot.teams.links import ExportLinks
from bot.teams.network import ProxiedClientFactory
from bot.teams.sdk_config import build_connection_manager, build_host_validator
from bot.teams.turns import BackgroundTurns
from bot.weekly.types import Destination

__all__ = [
    "AGENT_CONFIGURATION_KEY",
    "TEAMS_EDGE",
    "TeamsEdge",
    "create_teams_edge",
    "install_teams",
    "resolve_public_url",
]

AGENT_CONFIGURATION_KEY = "agent_configuration"
"""The (string) key under which the SDK's ``jwt_authorization_decorator`` looks up its settings."""

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class TeamsEdge:
    """Everything the Teams routes and the channel poster work with.

    Attributes:
        settings: the configuration.
        deps: the service, store and clock.
        connections: the SDK connection manager (MSAL, or anonymous).
        auth_configuration: the default connection's settings (read by the JWT check).
        adapter: the SDK's aiohttp adapter.
        agent_app: the SDK application with our handlers.
        links: the export link minter/verifier.
        host_validator: which serviceUrls the bot talks to.
        public_url: the bot's public address (export links start with it).
        turns: message turns running after their 202 (see :mod:`bot.teams.turns`).
    """

    settings: Settings
    deps: Deps
    connections: Connections
    auth_configuration: AgentAuthConfiguration
    adapter: CloudAdapter
    agent_app: AgentApplication[TurnState]
    links: ExportLinks
    host_validator: OutboundHostValidator
    public_url: str
    turns: BackgroundTurns = field(default_factory=BackgroundTurns, compare=False, repr=False)

    @property
    def anonymous(self) -> bool:
        """True in ``TEAMS_ALLOW_ANONYMOUS`` mode (no tokens either way)."""
        return self.settings.teams_allow_anonymous

    async def drain(self) -> None:
        """Wait for the message turns still running in the background (on shutdown)."""
        if self.turns:
            log.info("teams_turns_draining", in_flight=len(self.turns))
        await self.turns.drain()

    # The Edge protocol (bot.edge): what the server and the weekly job see of Teams.

    @property
    def name(self) -> str:
        """``teams``."""
        return "teams"

    @property
    def summary(self) -> bool:
        """``server_started`` logs ``teams=true``."""
        return True

    def routes(self) -> Sequence[web.AbstractRouteDef]:
        """``POST /api/messages``, ``GET /exports/{token}``, ``GET /privacy`` and ``GET /terms``."""
        from bot.teams.routes import teams_routes

        return teams_routes(self)

    def install(self, web_app: web.Application) -> None:
        """Set ``web_app["agent_configuration"]`` (the SDK's JWT decorator reads that plain string key)
        and ``web_app[TEAMS_EDGE]``."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", web.NotAppKeyWarning)
            web_app[AGENT_CONFIGURATION_KEY] = self.auth_configuration
        web_app[TEAMS_EDGE] = self

    async def start(self) -> None:
        """Nothing to start: Teams calls us."""

    async def stop(self) -> None:
        """Wait for the message turns still running (the server has stopped taking requests by then)."""
        await self.drain()

    def destinations(self) -> Sequence[Destination]:
        """``TEAMS_CHANNEL``, when set."""
        from bot.teams.poster import TeamsChannelPoster

        channel = self.settings.teams_channel
        return [TeamsChannelPoster(channel, self.deps, self)] if channel else []

    def health(self) -> EdgeHealth:
        """``{"enabled": true}``."""
        return EdgeHealth({"enabled": True})


TEAMS_EDGE = web.AppKey("teams_edge", TeamsEdge)
"""Where :func:`install_teams` keeps the edge on the server application."""


def resolve_public_url(settings: Settings) -> str:
    """The bot's public base URL, as export links use it.

    Args:
        settings: the configuration.

    Returns:
        ``PUBLIC_URL``, or ``http://HOST:PORT`` in anonymous mode when it is unset.

    Raises:
        ConfigError: ``PUBLIC_URL`` is unset, or not https, outside anonymous mode.
    """
    if settings.public_url:
        if not settings.teams_allow_anonymous and not settings.public_url.lower().startswith("https://"):
            raise ConfigError(
                f"PUBLIC_URL must be https://… (got {settings.public_url}) — Teams opens download links in a "
                "browser and the token must not travel in clear text"
            )
        return settings.public_url
    if settings.teams_allow_anonymous:
        return f"http://{settings.host}:{settings.port}"
    raise ConfigError(
        "PUBLIC_URL: not set; Teams needs the bot's public https address (e.g. https://overage.example.com) "
        "for the messaging endpoint and the private export links"
    )


def create_teams_edge(settings: Settings, deps: Deps, *, links: ExportLinks | None = None) -> TeamsEdge:
    """Build the Teams edge.

    Args:
        settings: the configuration (``TEAMS_*``, ``PUBLIC_URL``, ``EXPORT_LINK_SECRET``).
        deps: what the handlers work with.
        links: the export link minter (tests inject one with their own clock).

    Returns:
        The edge; mount it with :func:`install_teams` and :func:`bot.teams.routes.teams_routes`.

    Raises:
        ConfigError: Teams credentials or ``PUBLIC_URL`` are missing, or ``PUBLIC_URL`` is not https
            outside anonymous mode.
    """
    public_url = resolve_public_url(settings)
    connections = build_connection_manager(settings)
    auth_configuration = connections.get_default_connection_configuration()
    host_validator = build_host_validator(settings)
    adapter = CloudAdapter(
        connection_manager=connections,
        channel_service_client_factory=ProxiedClientFactory(connections, settings),
        host_validator=host_validator,
    )
    agent_app: AgentApplication[TurnState] = AgentApplication[TurnState](
        ApplicationOptions(storage=MemoryStorage(), start_typing_timer=False),
        connection_manager=connections,
    )
    link_minter = links or ExportLinks.from_settings(settings, base_url=public_url, clock=deps.clock)
    register_handlers(agent_app, deps=deps, links=link_minter)
    log.info("teams_edge_ready", anonymous=settings.teams_allow_anonymous, public_url=public_url)
    return TeamsEdge(
        settings=settings,
        deps=deps,
        connections=connections,
        auth_configuration=auth_configuration,
        adapter=adapter,
        agent_app=agent_app,
        links=link_minter,
        host_validator=host_validator,
        public_url=public_url,
    )


def install_teams(web_app: web.Application, edge: TeamsEdge) -> None:
    """Put on the server application what the Teams routes need; call before the server starts.

    Sets ``web_app["agent_configuration"]`` (a plain string key: the SDK's JWT decorator reads it
    that way) and ``web_app[TEAMS_EDGE]``, and appends to ``web_app.on_cleanup`` a hook that waits
    for the message turns still running (the server has stopped taking requests by then).

    Args:
        web_app: the bot's aiohttp application.
        edge: the Teams edge.
    """
    edge.install(web_app)

    async def drain_turns(_: web.Application) -> None:
        await edge.stop()

    web_app.on_cleanup.append(drain_turns)
