"""A wrong KEEPNET_BASE_URL, host or proxy gets a fix naming the setting, not "try again later"."""

from __future__ import annotations

import socket
from typing import NamedTuple

import aiohttp
import pytest

from bot.keepnet import KeepnetResponseError, KeepnetUnavailableError
from bot.keepnet._retry import unreachable
from bot.sandbox import run_sandbox

from .conftest import MakeClient
from .support import SleepRecorder, serve_fake

FIX = "check KEEPNET_BASE_URL, the network and HTTPS_PROXY"


class _Key(NamedTuple):
    """The fields of aiohttp's connection key that the error reads."""

    host: str
    port: int | None
    is_ssl: bool
    ssl: bool = True


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_token_endpoint_404_names_the_base_url(make_client: MakeClient) -> None:
    """KEEPNET_BASE_URL with a path (…/api/v1): the 404 says it must be the API host root; no retries."""
    async with serve_fake({}) as (url, seen), make_client(f"{url}/api/v1") as client:
        with pytest.raises(KeepnetResponseError) as info:
            await client.check_access()
    assert seen == ["/api/v1/connect/token"]
    assert info.value.status == 404
    assert "KEEPNET_BASE_URL" in info.value.remediation
    assert "API host root, e.g. https://api.keepnetlabs.com" in info.value.remediation
    assert "/connect/token" in info.value.remediation
    assert "try again" not in str(info.value).lower()


async def test_closed_port_names_the_host_and_the_base_url(
    make_client: MakeClient, sleeps: SleepRecorder
) -> None:
    """Connection refused after every retry: the message names host:port, the fix KEEPNET_BASE_URL."""
    port = _closed_port()
    async with make_client(f"http://127.0.0.1:{port}") as client:
        with pytest.raises(KeepnetUnavailableError) as info:
            await client.check_access()
    assert info.value.tries == 4
    assert len(sleeps.calls) == 3
    assert f"127.0.0.1:{port}" in info.value.message
    assert "after 4 tries" in info.value.message
    assert info.value.remediation == f"Keepnet could not be reached at http://127.0.0.1:{port}: {FIX}."


async def test_https_to_a_plain_http_server_is_called_a_scheme_problem(make_client: MakeClient) -> None:
    """https:// where the server speaks plain HTTP: the message asks about the scheme."""
    async with run_sandbox() as sandbox:
        url = sandbox.base_url.replace("http://", "https://")
        async with make_client(url, max_tries=2) as client:
            with pytest.raises(KeepnetUnavailableError) as info:
                await client.check_access()
    assert "does not speak HTTPS" in info.value.message
    assert info.value.remediation.startswith(f"Keepnet could not be reached at {url}: ")


async def test_unreachable_proxy_names_https_proxy(make_client: MakeClient) -> None:
    """A proxy nobody listens on: the error names the proxy and HTTPS_PROXY, not Keepnet."""
    port = _closed_port()
    async with (
        run_sandbox() as sandbox,
        make_client(sandbox, proxy=f"http://127.0.0.1:{port}", trust_env=False, max_tries=2) as client,
    ):
        with pytest.raises(KeepnetUnavailableError) as info:
            await client.check_access()
    assert f"proxy 127.0.0.1:{port}" in info.value.message
    assert "HTTPS_PROXY" in info.value.remediation


def test_dns_failure_names_the_host_and_the_base_url() -> None:
    """An unknown host name: the message says it could not be resolved; the fix names the URL."""
    exc = aiohttp.ClientConnectorDNSError(
        _Key("keepnet.example.invalid", 443, True),  # type: ignore[arg-type]
        OSError(-2, "Name or service not known"),
    )
    error = unreachable(exc, tries=4)
    assert "the host name keepnet.example.invalid could not be resolved" in error.message
    assert error.remediation == f"Keepnet could not be reached at https://keepnet.example.invalid: {FIX}."
    assert error.tries == 4
