"""Corporate networks: a CA bundle added to the system CAs, certificate errors, HTTP(S)_PROXY and NO_PROXY."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from bot.cli.wiring import keepnet_settings
from bot.config import Settings
from bot.keepnet import KeepnetClient, KeepnetTLSError, KeepnetUnavailableError
from bot.sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, over_limit_companies, run_sandbox

from .conftest import MakeClient
from .net_support import make_ca, run_proxy, server_context
from .support import SleepRecorder

TOKEN = "/connect/token"
SEARCH = "/api/companies/search"
_PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture(name="no_proxy_env")
def _no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No proxy variable from the machine running the tests, in either case."""
    for name in _PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


class TestCABundle:
    """KEEPNET_CA_BUNDLE adds a private CA without dropping the system ones."""

    async def test_ca_bundle_makes_a_private_ca_trusted(
        self, make_client: MakeClient, tmp_path: Path
    ) -> None:
        """Keepnet behind a proxy CA: with KEEPNET_CA_BUNDLE set to that CA the report is read."""
        corp = make_ca(tmp_path, "corp-proxy-ca")
        tls = server_context(corp, tmp_path)
        async with (
            run_sandbox(companies=over_limit_companies(30), ssl_context=tls) as sandbox,
            make_client(sandbox, ca_bundle=corp.pem) as client,
        ):
            assert sandbox.base_url.startswith("https://127.0.0.1:")
            result = await client.fetch_over_limit()
        assert len(result.companies) == 30

    async def test_ca_bundle_keeps_the_system_cas(
        self, make_client: MakeClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """With KEEPNET_CA_BUNDLE set, servers signed by a system CA are still trusted (added, not replaced)."""
        public = make_ca(tmp_path, "public-root-ca")
        corp = make_ca(tmp_path, "corp-proxy-ca")
        monkeypatch.setenv("SSL_CERT_FILE", str(public.pem))  # stands in for the system store
        monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / "no-such-dir"))
        tls = server_context(public, tmp_path)
        async with (
            run_sandbox(companies=over_limit_companies(5), ssl_context=tls) as sandbox,
            make_client(sandbox, ca_bundle=corp.pem) as client,
        ):
            result = await client.fetch_over_limit()
        assert len(result.companies) == 5

    async def test_untrusted_certificate_is_a_typed_error_not_retried(
        self, make_client: MakeClient, sleeps: SleepRecorder, tmp_path: Path
    ) -> None:
        """An unknown CA fails at once with KeepnetTLSError whose remediation names KEEPNET_CA_BUNDLE."""
        corp = make_ca(tmp_path, "corp-proxy-ca")
        tls = server_context(corp, tmp_path)
        async with (
            run_sandbox(ssl_context=tls) as sandbox,
            make_client(sandbox) as client,
        ):
            with pytest.raises(KeepnetTLSError) as info:
                await client.fetch_over_limit()
            assert sandbox.stats.requests[TOKEN] == 0
        assert isinstance(info.value, KeepnetUnavailableError)
        assert "KEEPNET_CA_BUNDLE" in info.value.remediation
        assert "proxy's CA" in info.value.remediation
        assert "127.0.0.1" in info.value.message
        assert "certificate" in info.value.message
        assert sleeps.calls == []  # not retried


class TestProxy:
    """HTTPS proxies from the environment or settings are used, NO_PROXY is honoured."""

    async def test_env_proxy_is_used(self, make_client: MakeClient, no_proxy_env: pytest.MonkeyPatch) -> None:
        """With HTTP(S)_PROXY set, the token and search requests go through the proxy."""
        async with run_proxy() as proxy, run_sandbox(companies=over_limit_companies(3)) as sandbox:
            no_proxy_env.setenv("HTTP_PROXY", proxy.url)
            no_proxy_env.setenv("HTTPS_PROXY", proxy.url)
            async with make_client(sandbox) as client:
                result = await client.fetch_over_limit()
        assert len(result.companies) == 3
        assert proxy.seen == [sandbox.base_url + TOKEN, sandbox.base_url + SEARCH]

    async def test_env_proxy_credentials_are_sent(
        self, make_client: MakeClient, no_proxy_env: pytest.MonkeyPatch
    ) -> None:
        """HTTP_PROXY=http://user:pass@host: every request carries Basic proxy credentials, none leak into the URL."""
        async with run_proxy() as proxy, run_sandbox(companies=over_limit_companies(3)) as sandbox:
            with_login = proxy.url.replace("http://", "http://ops:s3cret@")
            no_proxy_env.setenv("HTTP_PROXY", with_login)
            no_proxy_env.setenv("HTTPS_PROXY", with_login)
            async with make_client(sandbox) as client:
                await client.fetch_over_limit()
                await client.fetch_over_limit()
        expected = "Basic " + base64.b64encode(b"ops:s3cret").decode()
        assert proxy.credentials == [expected] * 3  # token, then two searches
        assert all("s3cret" not in url for url in proxy.seen)

    async def test_no_proxy_host_goes_direct(
        self, make_client: MakeClient, no_proxy_env: pytest.MonkeyPatch
    ) -> None:
        """NO_PROXY=127.0.0.1 keeps the requests away from the proxy."""
        async with run_proxy() as proxy, run_sandbox(companies=over_limit_companies(3)) as sandbox:
            no_proxy_env.setenv("HTTP_PROXY", proxy.url)
            no_proxy_env.setenv("HTTPS_PROXY", proxy.url)
            no_proxy_env.setenv("NO_PROXY", "127.0.0.1")
            async with make_client(sandbox) as client:
                await client.fetch_over_limit()
            assert sandbox.stats.requests[SEARCH] == 1
        assert proxy.seen == []

    async def test_trust_env_false_ignores_the_env_proxy(
        self, make_client: MakeClient, no_proxy_env: pytest.MonkeyPatch
    ) -> None:
        """trust_env=False (the in-process sandbox) never sends a request to the environment's proxy."""
        async with run_proxy() as proxy, run_sandbox(companies=over_limit_companies(3)) as sandbox:
            no_proxy_env.setenv("HTTP_PROXY", proxy.url)
            no_proxy_env.setenv("HTTPS_PROXY", proxy.url)
            async with make_client(sandbox, trust_env=False) as client:
                await client.fetch_over_limit()
            assert sandbox.stats.requests[SEARCH] == 1
        assert proxy.seen == []

    async def test_explicit_proxy_is_used_and_no_proxy_still_wins(
        self, make_client: MakeClient, no_proxy_env: pytest.MonkeyPatch
    ) -> None:
        """proxy= is used without any env proxy; NO_PROXY naming the host still sends it direct."""
        async with run_proxy() as proxy, run_sandbox(companies=over_limit_companies(3)) as sandbox:
            async with make_client(sandbox, proxy=proxy.url) as client:
                await client.check_access()
            assert proxy.seen == [sandbox.base_url + TOKEN, sandbox.base_url + SEARCH]
            no_proxy_env.setenv("NO_PROXY", "localhost,127.0.0.1")
            async with make_client(sandbox, proxy=proxy.url) as client:
                await client.check_access()
            assert sandbox.stats.requests[SEARCH] == 2
        assert len(proxy.seen) == 2

    async def test_from_settings_passes_https_proxy_unless_trust_env_is_off(
        self, no_proxy_env: pytest.MonkeyPatch
    ) -> None:
        """from_settings uses settings.https_proxy; with trust_env=False it uses no proxy at all."""
        async with run_proxy() as proxy, run_sandbox(companies=over_limit_companies(3)) as sandbox:
            settings = Settings(https_proxy=proxy.url)
            async with KeepnetClient.from_settings(
                keepnet_settings(settings),
                base_url=sandbox.base_url,
                client_id=SANDBOX_CLIENT_ID,
                client_secret=SANDBOX_CLIENT_SECRET,
            ) as client:
                await client.check_access()
            assert len(proxy.seen) == 2
            async with KeepnetClient.from_settings(
                keepnet_settings(settings),
                base_url=sandbox.base_url,
                client_id=SANDBOX_CLIENT_ID,
                client_secret=SANDBOX_CLIENT_SECRET,
                trust_env=False,
            ) as client:
                await client.check_access()
            assert sandbox.stats.requests[SEARCH] == 2
        assert len(proxy.seen) == 2
