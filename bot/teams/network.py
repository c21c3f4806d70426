"""Every outbound call of the Teams edge through the configured proxy and trusted CAs.

The Agents SDK makes three kinds of calls, each with its own HTTP library: the Bot Connector
(aiohttp, a new session per conversation, without ``trust_env``), Entra ID token requests (MSAL over
``requests``) and the Bot Framework signing-key fetch (PyJWT over ``urllib``). Each is given
``HTTPS_PROXY`` / ``NO_PROXY`` and ``CA_BUNDLE`` here:

* the proxy settings are put into the process environment (when they came from ``.env``), where
  ``requests``, ``urllib`` and aiohttp's ``trust_env`` read them, so ``NO_PROXY`` works alike for all;
* the Connector's session is rebuilt with ``trust_env`` and the TLS context (system store +
  ``CA_BUNDLE``); MSAL gets a ``requests`` session whose adapter uses that context; the key fetch
  client gets it as its ``ssl_context``.
"""

from __future__ import annotations

import os
import ssl
import threading
from typing import Any

import aiohttp
import requests
from jwt import PyJWKClient
from microsoft_agents.authentication.msal import MsalAuth, MsalConnectionManager
from microsoft_agents.hosting.core import (
    AgentAuthConfiguration,
    ConnectionManager,
    RestChannelServiceClientFactory,
)
from microsoft_agents.hosting.core.authorization import AuthTypes
from microsoft_agents.hosting.core.authorization.jwt import jwt_token_validator
from microsoft_agents.hosting.core.connector import ConnectorClientBase
from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient
from msal import ConfidentialClientApplication  # type: ignore[import-untyped]
from requests.adapters import HTTPAdapter

from bot.config import Settings

__all__ = [
    "ProxiedClientFactory",
    "apply_network_settings",
    "build_msal_connection_manager",
    "requests_session",
]


def _export_proxy_environment(settings: Settings) -> None:
    """Make ``HTTPS_PROXY``/``NO_PROXY`` read from ``.env`` visible to every HTTP library."""
    for name, value in (("HTTPS_PROXY", settings.https_proxy), ("NO_PROXY", settings.no_proxy)):
        if value and not (os.environ.get(name) or os.environ.get(name.lower())):
            os.environ[name] = value


class _ContextAdapter(HTTPAdapter):
    """A ``requests`` adapter verifying servers with our TLS context (direct and through a proxy)."""

    def __init__(self, context: ssl.SSLContext) -> None:
        self._context = context
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["ssl_context"] = self._context
        super().init_poolmanager(*args, **kwargs)

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        kwargs["ssl_context"] = self._context
        return super().proxy_manager_for(proxy, **kwargs)


def requests_session(settings: Settings) -> requests.Session:
    """A ``requests`` session honouring the proxy environment and trusting ``CA_BUNDLE`` too."""
    session = requests.Session()
    session.mount("https://", _ContextAdapter(settings.ssl_context()))
    return session


class _NetworkMsalAuth(MsalAuth):
    """The SDK's MSAL provider, with its HTTP client going through our proxy and CAs."""

    def __init__(self, configuration: AgentAuthConfiguration, settings: Settings) -> None:
        super().__init__(configuration)
        self._settings = settings

    def _create_client_application(self, tenant_id: str | None = None) -> Any:
        config = self._msal_configuration
        if AuthTypes.client_secret != config.AUTH_TYPE:
            return super()._create_client_application(tenant_id)
        return ConfidentialClientApplication(
            client_id=config.CLIENT_ID,
            authority=MsalAuth._resolve_authority(config, tenant_id),
            client_credential=config.CLIENT_SECRET,
            azure_region=MsalAuth._resolve_azure_region(config),
            http_client=requests_session(self._settings),
        )


class _NetworkMsalConnectionManager(MsalConnectionManager):
    """The SDK's MSAL connection manager, its providers being :class:`_NetworkMsalAuth`."""

    def __init__(self, settings: Settings, connections: dict[str, AgentAuthConfiguration]) -> None:
        ConnectionManager.__init__(  # MsalConnectionManager only fixes the provider to plain MsalAuth
            self,
            provider_factory=lambda config: _NetworkMsalAuth(config, settings),
            connections_configurations=connections,
        )


def build_msal_connection_manager(
    settings: Settings, connections: dict[str, AgentAuthConfiguration]
) -> MsalConnectionManager:
    """The SDK's MSAL connection manager, whose token requests use the proxy and ``CA_BUNDLE``."""
    return _NetworkMsalConnectionManager(settings, connections)


class ProxiedClientFactory(RestChannelServiceClientFactory):
    """The SDK's Connector client factory, whose sessions honour the proxy and ``CA_BUNDLE``."""

    def __init__(self, connection_manager: Any, settings: Settings) -> None:
        super().__init__(connection_manager)
        self._context = settings.ssl_context()

    async def create_connector_client(self, *args: Any, **kwargs: Any) -> ConnectorClientBase:
        """The SDK's client, its session replaced by one with ``trust_env`` and our TLS context."""
        client = await super().create_connector_client(*args, **kwargs)
        if type(client) is not TeamsConnectorClient:
            return client
        old: aiohttp.ClientSession = client.client
        base_url = str(old._base_url) if old._base_url is not None else ""
        authorization = old.headers.get("Authorization")
        await old.close()
        session = aiohttp.ClientSession(
            base_url=base_url, trust_env=True, connector=aiohttp.TCPConnector(ssl=self._context)
        )
        if authorization:
            session.headers["Authorization"] = authorization
        return TeamsConnectorClient(endpoint=base_url, token="", session=session)


class _TlsJwkClientManager(jwt_token_validator._JwkClientManager):
    """The SDK's signing-key client cache, its clients trusting ``CA_BUNDLE`` too."""

    def __init__(self, context: ssl.SSLContext) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._context = context

    def _get_jwk_client(self, jwks_uri: str) -> Any:
        if jwks_uri not in self._cache:
            self._cache[jwks_uri] = jwt_token_validator._JwkClientCacheEntry(
                PyJWKClient(jwks_uri, ssl_context=self._context), threading.Lock()
            )
        return self._cache[jwks_uri]


def apply_network_settings(settings: Settings) -> None:
    """Route the SDK's key fetch and every library's proxy lookup through our settings (process-wide)."""
    _export_proxy_environment(settings)
    jwt_token_validator.JwtTokenValidator._jwk_client_manager = _TlsJwkClientManager(settings.ssl_context())
