"""Our ``TEAMS_*`` settings turned into the Agents SDK's configuration, in code.

The SDK's samples read ``CONNECTIONS__SERVICE_CONNECTION__SETTINGS__…`` variables; this bot has one
reader of the environment (:mod:`bot.config`), so the connection is built here instead:

* credentials set: an MSAL client-secret connection (single-tenant app registration), incoming
  tokens checked, outgoing tokens fetched from Entra ID, serviceUrls held to the Bot Framework's hosts;
* ``TEAMS_ALLOW_ANONYMOUS=true`` (loopback only, refused elsewhere by the settings): no incoming
  token check and no outgoing token (anonymous provider), with a loud warning.
"""

from __future__ import annotations

from typing import Any

import structlog
from microsoft_agents.hosting.core import (
    AgentAuthConfiguration,
    AnonymousTokenProvider,
    ConnectionManager,
    Connections,
    OutboundHostValidator,
)
from microsoft_agents.hosting.core.authorization import AuthTypes

from bot.config import ConfigError, Settings

__all__ = [
    "SERVICE_CONNECTION",
    "build_auth_configuration",
    "build_connection_manager",
    "build_host_validator",
]

SERVICE_CONNECTION = "SERVICE_CONNECTION"
"""The SDK's name for the default connection."""

log = structlog.get_logger(__name__)


def build_auth_configuration(settings: Settings) -> AgentAuthConfiguration:
    """The SDK's connection settings for our app registration.

    Args:
        settings: the configuration.

    Returns:
        Anonymous settings when ``TEAMS_ALLOW_ANONYMOUS`` is on, else client-secret settings.

    Raises:
        ConfigError: Teams is neither configured nor in anonymous mode.
    """
    if settings.teams_allow_anonymous:
        return AgentAuthConfiguration(connection_name=SERVICE_CONNECTION, anonymous_allowed=True)
    if not settings.teams_client_id or settings.teams_client_secret is None or not settings.teams_tenant_id:
        raise ConfigError(
            "TEAMS_CLIENT_ID: Teams is not configured: set TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and "
            "TEAMS_TENANT_ID from the Azure Bot's app registration"
        )
    return AgentAuthConfiguration(
        AuthTypes.client_secret,
        settings.teams_client_id,
        settings.teams_tenant_id,
        settings.teams_client_secret.get_secret_value(),
        connection_name=SERVICE_CONNECTION,
        anonymous_allowed=False,
    )


def _anonymous_provider(_: AgentAuthConfiguration) -> AnonymousTokenProvider:
    return AnonymousTokenProvider()


def build_connection_manager(settings: Settings) -> Connections:
    """The connection manager handed to the adapter and the AgentApplication.

    Args:
        settings: the configuration.

    Returns:
        An MSAL connection manager, or an anonymous one in anonymous mode (with a warning logged).

    Raises:
        ConfigError: Teams is neither configured nor in anonymous mode.
    """
    config = build_auth_configuration(settings)
    connections: dict[str, Any] = {SERVICE_CONNECTION: config}
    if settings.teams_allow_anonymous:
        log.warning(
            "teams_anonymous_mode",
            detail="TEAMS_ALLOW_ANONYMOUS=true: /api/messages accepts requests WITHOUT a Bot Framework "
            "token and replies are sent without one. For local testing only; never expose this port.",
        )
        return ConnectionManager(provider_factory=_anonymous_provider, connections_configurations=connections)
    from bot.teams.network import apply_network_settings, build_msal_connection_manager

    apply_network_settings(settings)  # the key fetch and every library's proxy lookup
    return build_msal_connection_manager(settings, connections)


def build_host_validator(settings: Settings) -> OutboundHostValidator:
    """Which serviceUrls the bot talks to (and sends its token to).

    Outside anonymous mode only https URLs on the Bot Framework's hosts pass (the SDK's list:
    ``*.botframework.com``, ``smba.trafficmanager.net``, ``*.teams.microsoft.com``…). Anonymous mode
    sends no token, so the check is off (tests point serviceUrl at a local fake Connector).

    Args:
        settings: the configuration.

    Returns:
        The validator (``enabled`` False in anonymous mode).
    """
    return OutboundHostValidator(enabled=not settings.teams_allow_anonymous)
