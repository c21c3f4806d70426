"""How the client reaches Keepnet on a corporate network: trusted CAs, proxies, certificate errors.

- CAs: the system store, plus ``CA_BUNDLE`` (alias ``KEEPNET_CA_BUNDLE``) when set (a proxy that inspects HTTPS signs
  with its own CA; the public CAs must keep working too).
- Proxies: with ``trust_env`` the environment's ``HTTP(S)_PROXY`` (and its netrc credentials) is
  used and ``NO_PROXY`` honoured, the way aiohttp reads them. An explicit proxy (e.g.
  ``HTTPS_PROXY`` read from ``.env`` by the settings) replaces the environment's proxy URL, but
  hosts listed in ``NO_PROXY`` still go direct while ``trust_env`` is on. The client talks to one
  host, so this is decided once (:func:`route`), not looked up again in a thread on every request.
- A certificate that cannot be verified becomes :class:`KeepnetTLSError`, which is never retried.
"""

from __future__ import annotations

import ssl
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp.helpers import get_env_proxy_for_url
from yarl import URL

from bot.keepnet.errors import KeepnetConfigError, KeepnetTLSError

__all__ = ["Route", "proxy_for", "route", "ssl_context", "tls_error"]


def ssl_context(ca_bundle: Path | None) -> ssl.SSLContext | bool:
    """The TLS setting for the session: the system store, plus ``ca_bundle``'s CAs when given.

    Args:
        ca_bundle: a PEM file of extra CAs to trust, or None.

    Returns:
        ``True`` (aiohttp's default verification) or a context trusting both stores.

    Raises:
        KeepnetConfigError: the file cannot be read as PEM CAs.
    """
    if ca_bundle is None:
        return True
    context = ssl.create_default_context()  # loads the system store
    try:
        context.load_verify_locations(cafile=str(ca_bundle))  # ... and adds ours to it
    except (OSError, ssl.SSLError) as exc:
        raise KeepnetConfigError(
            f"CA_BUNDLE {ca_bundle} cannot be read as a PEM CA bundle.",
            remediation="Point CA_BUNDLE (or KEEPNET_CA_BUNDLE) at a readable PEM file, or unset it.",
        ) from exc
    return context


def proxy_for(url: str, *, proxy: str | None, trust_env: bool) -> str | None:
    """The explicit proxy to pass for ``url``, or None to go direct (or via the environment's proxy).

    Args:
        url: the request URL.
        proxy: the explicit proxy URL, if any.
        trust_env: whether the environment (``NO_PROXY``) counts.

    Returns:
        ``proxy``, unless ``trust_env`` is on and ``NO_PROXY`` names the host.
    """
    if proxy is None:
        return None
    host = URL(url).host
    if trust_env and host and urllib.request.proxy_bypass(host):
        return None
    return proxy


@dataclass(frozen=True)
class Route:
    """How every request of one client reaches Keepnet: directly, or through one proxy."""

    proxy: str | URL | None = None
    """The proxy URL, with its credentials (from the URL or netrc) as aiohttp expects them."""

    def options(self) -> dict[str, Any]:
        """The keyword arguments that send a request this way (none when going direct)."""
        return {} if self.proxy is None else {"proxy": self.proxy}


def route(base_url: str, proxy: str | None, trust_env: bool) -> Route:
    """The way to ``base_url``: the explicit proxy, else (with ``trust_env``) the environment's.

    Blocking (it may read ``~/.netrc``): call it in a thread, once per client.
    """
    explicit = proxy_for(base_url, proxy=proxy, trust_env=trust_env)
    if explicit is not None or proxy is not None or not trust_env:
        return Route(explicit)
    try:
        found, auth = get_env_proxy_for_url(URL(base_url))
    except LookupError:  # NO_PROXY names the host, or no proxy is set for its scheme
        return Route()
    if auth is not None:  # aiohttp strips them from the environment's URL; they go back in the URL
        found = found.with_user(auth.login).with_password(auth.password)
    return Route(found)


def tls_error(exc: aiohttp.ClientConnectorCertificateError, *, url: str) -> KeepnetTLSError:
    """The typed, non-retried error for a certificate that could not be verified."""
    reason = getattr(exc.certificate_error, "verify_message", None) or str(exc.certificate_error)
    host = URL(url).host or url
    return KeepnetTLSError(f"The TLS certificate of {host} could not be verified ({reason}).", tries=1)
