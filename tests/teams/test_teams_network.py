"""Every outbound Teams call honours HTTPS_PROXY / NO_PROXY: Bot Connector, Entra ID (MSAL), key fetch.

A loopback proxy records the CONNECT lines it receives and refuses the tunnel (nothing here may
reach Microsoft); the call then fails, but the proxy shows where it was going.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from microsoft_agents.hosting.core import ClaimsIdentity
from microsoft_agents.hosting.core.authorization.jwt import jwt_token_validator

from bot.config import load_settings
from bot.teams.entra import EntraUnreachableError, acquire_app_token
from bot.teams.network import ProxiedClientFactory, apply_network_settings
from bot.teams.sdk_config import build_connection_manager
from tests.teams.test_teams_checks import CREDENTIALS

CONNECTOR_URL = "https://smba.trafficmanager.net/amer/"
KEYS_URL = "https://login.botframework.com/v1/.well-known/keys"


class RecordingProxy:
    """An HTTP proxy on loopback that records ``CONNECT host:port`` and answers 502."""

    def __init__(self) -> None:
        self.connects: list[str] = []
        self.url = ""

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(Exception):
            line = (await reader.readline()).decode("latin-1").strip()
            while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                pass
            method, _, rest = line.partition(" ")
            if method == "CONNECT":
                self.connects.append(rest.split(" ")[0])
            writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await writer.drain()
        writer.close()


@pytest.fixture(name="proxy")
async def _proxy() -> AsyncIterator[RecordingProxy]:
    proxy = RecordingProxy()
    server = await asyncio.start_server(proxy._handle, "127.0.0.1", 0)
    proxy.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    try:
        yield proxy
    finally:
        server.close()


@contextlib.contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Set (or clear, with "") proxy variables for the test and restore them after, whatever the code set."""
    names = ("HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy")
    saved = {name: os.environ.get(name) for name in names}
    for name in names:
        os.environ.pop(name, None)
    os.environ.update({k: v for k, v in values.items() if v})
    try:
        yield
    finally:
        for name, value in saved.items():
            os.environ.pop(name, None)
            if value is not None:
                os.environ[name] = value


async def test_connector_msal_and_key_fetch_go_through_the_proxy(proxy: RecordingProxy) -> None:
    """With HTTPS_PROXY set, the Connector, the token request and the key fetch each CONNECT through it."""
    with _environment(HTTPS_PROXY=proxy.url):
        settings = load_settings(**CREDENTIALS)
        connections = build_connection_manager(settings)

        # Entra ID token request (MSAL over requests)
        with contextlib.suppress(EntraUnreachableError):
            await acquire_app_token(settings, timeout_s=15)
        assert "login.microsoftonline.com:443" in proxy.connects

        # Bot Connector (the SDK's aiohttp session, rebuilt by our factory)
        factory = ProxiedClientFactory(connections, settings)
        client: Any = await factory.create_connector_client(
            None,
            ClaimsIdentity({}, "anonymous"),
            CONNECTOR_URL,
            "https://api.botframework.com",
            use_anonymous=True,
        )
        try:
            with pytest.raises(Exception):  # noqa: B017, PT011 - the proxy refuses the tunnel
                async with client.client.get("v3/conversations") as response:
                    response.raise_for_status()
        finally:
            await client.client.close()
        assert "smba.trafficmanager.net:443" in proxy.connects

        # Bot Framework signing keys (PyJWT over urllib)
        manager = jwt_token_validator.JwtTokenValidator._jwk_client_manager
        with pytest.raises(Exception):  # noqa: B017, PT011
            await manager.get_signing_key(KEYS_URL, {"kid": "some-key"})
        assert "login.botframework.com:443" in proxy.connects


async def test_no_proxy_goes_direct(proxy: RecordingProxy, monkeypatch: pytest.MonkeyPatch) -> None:
    """A host listed in NO_PROXY is not sent to the proxy (here: its DNS lookup fails instead)."""
    import socket

    real = socket.getaddrinfo

    def offline(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host in ("127.0.0.1", "localhost"):
            return real(host, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", offline)
    with _environment(HTTPS_PROXY=proxy.url, NO_PROXY="login.botframework.com"):
        apply_network_settings(load_settings(**CREDENTIALS))
        manager = jwt_token_validator.JwtTokenValidator._jwk_client_manager
        with pytest.raises(Exception):  # noqa: B017, PT011
            await manager.get_signing_key(KEYS_URL, {"kid": "some-key"})
    assert proxy.connects == []


def test_proxy_from_dotenv_reaches_every_library(proxy: RecordingProxy) -> None:
    """HTTPS_PROXY / NO_PROXY read from .env (not the process environment) are made visible to all clients."""
    with _environment():
        apply_network_settings(
            load_settings(**CREDENTIALS, https_proxy=proxy.url, no_proxy="internal.example")
        )
        assert os.environ["HTTPS_PROXY"] == proxy.url
        assert os.environ["NO_PROXY"] == "internal.example"


def test_key_fetch_trusts_ca_bundle() -> None:
    """The key fetch client is given the TLS context carrying CA_BUNDLE's CAs."""
    with _environment():
        settings = load_settings(**CREDENTIALS, ca_bundle="/etc/ssl/certs/ca-certificates.crt")
        apply_network_settings(settings)
        entry = jwt_token_validator.JwtTokenValidator._jwk_client_manager._get_jwk_client(KEYS_URL + "?ca")
        assert entry.jwk_client.ssl_context is not None
        assert entry.jwk_client.ssl_context.cert_store_stats()["x509_ca"] > 0
