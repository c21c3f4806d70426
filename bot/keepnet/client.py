"""Thin aiohttp client for the three Keepnet calls a Reseller needs: token, search, export.

The wire (bodies, status → typed error, Retry-After) is in the pure :mod:`bot.keepnet._wire`, file
checks in ``_export``, retries in ``_retry`` (tenacity), proxies and CAs in ``_network``, paging in
``_paging``. One semaphore per client caps the ``/api`` requests in flight across all calls.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import aiohttp
import structlog

from bot.clock import utc_now
from bot.keepnet import _export, _network, _paging, _retry, _wire
from bot.keepnet._retry import MAX_RETRY_AFTER_S
from bot.keepnet._search_page import decode_search
from bot.keepnet.auth import TokenCache
from bot.keepnet.errors import KeepnetConfigError
from bot.keepnet.models import (
    CompanyPage,
    ExportFile,
    ExportKind,
    OverLimitCompanies,
    TokenResponse,
)
from bot.keepnet.settings import KeepnetSettings
from bot.logging import register_secret

__all__ = ["MAX_RETRY_AFTER_S", "KeepnetClient"]

_log = structlog.get_logger(__name__)
_T = TypeVar("_T")


class KeepnetClient:
    """Async Keepnet REST client (one ``aiohttp.ClientSession`` per client).

    Args:
        base_url: e.g. ``https://api.keepnetlabs.com`` (no ``/api``).
        client_id: REST API client id.
        client_secret: REST API client secret (registered for log redaction).
        page_size: rows asked per search page (the server may cap it).
        concurrency: ``/api`` requests in flight at once, across all calls on this client.
        timeout_s: per-request timeout (for exports: per connect and per read).
        max_tries: tries per request for 429, 5xx, timeouts and connection errors.
        ca_bundle: a PEM file of CAs to trust in addition to the system store.
        trust_env: read ``HTTP(S)_PROXY`` / ``NO_PROXY`` (and netrc) from the environment; off for
            the in-process sandbox, whose loopback traffic must never go to a proxy.
        proxy: an explicit proxy URL, used instead of the environment's; hosts in ``NO_PROXY``
            still go direct while ``trust_env`` is on.
        session: an existing session to use (not closed by :meth:`close`).
        sleep, clock, rng: waits between tries, monotonic seconds for token expiry, backoff jitter
            (tests inject their own).
        max_pages, max_response_bytes, max_export_bytes, export_timeout_s: the bounds on Keepnet's
            answers (see :class:`bot.keepnet.settings.KeepnetSettings`).
    """

    def __init__(
        self,
        *,
        base_url: str,
        client_id: str,
        client_secret: str,
        page_size: int = 500,
        concurrency: int = 4,
        timeout_s: float = 30.0,
        max_tries: int = 4,
        ca_bundle: Path | None = None,
        trust_env: bool = True,
        proxy: str | None = None,
        session: aiohttp.ClientSession | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        max_pages: int = 2000,
        max_response_bytes: int = 50 * 1024 * 1024,
        max_export_bytes: int = 500 * 1024 * 1024,
        export_timeout_s: float = 300.0,
    ) -> None:
        if not client_id or not client_secret:
            raise KeepnetConfigError("No Keepnet credential is configured.")
        register_secret(client_secret)
        self._base = base_url.rstrip("/")
        self._client_id = client_id
        self._client_secret = client_secret
        self._page_size = max(1, page_size)
        self._concurrency = max(1, concurrency)
        self._timeout_s = timeout_s
        self._session = session
        self._owns_session = session is None
        self._ssl = _network.ssl_context(ca_bundle)
        self._trust_env = trust_env
        self._proxy = proxy or None
        self._route: _network.Route | None = None
        self._slots = asyncio.Semaphore(self._concurrency)
        self._max_pages = max(1, max_pages)
        self._max_response_bytes = max(1, max_response_bytes)
        self._max_export_bytes = max(1, max_export_bytes)
        self._export_timeout_s = export_timeout_s
        self._retrying = _retry.Retrier(
            max_tries=max(1, max_tries),
            timeout_s=timeout_s,
            sleep=sleep,
            rng=rng if rng is not None else random.Random(),
            now=utc_now,
        )
        self._tokens = TokenCache(self._request_token, clock=clock)

    @classmethod
    def from_settings(
        cls,
        settings: KeepnetSettings,
        *,
        base_url: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        trust_env: bool = True,
    ) -> KeepnetClient:
        """Build a client from :class:`KeepnetSettings`; the keyword arguments override single values.

        ``settings.proxy`` is the explicit proxy, unless ``trust_env`` is False (the in-process
        sandbox): then no proxy at all is used.

        Raises:
            KeepnetConfigError: no client id or secret.
        """
        return cls(
            base_url=base_url or settings.base_url,
            client_id=client_id or settings.client_id,
            client_secret=client_secret or settings.client_secret,
            page_size=settings.page_size,
            concurrency=settings.concurrency,
            timeout_s=settings.timeout_s,
            max_tries=settings.max_tries,
            ca_bundle=settings.ca_bundle,
            trust_env=trust_env,
            proxy=settings.proxy if trust_env else None,
            max_pages=settings.max_pages,
            max_response_bytes=settings.max_response_bytes,
            max_export_bytes=settings.max_export_bytes,
            export_timeout_s=settings.export_timeout_s,
        )

    async def __aenter__(self) -> KeepnetClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the session if this client created it."""
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    # --- public calls ------------------------------------------------------------------------

    async def fetch_over_limit(self, text: str = "") -> OverLimitCompanies:
        """All companies over their licence limit, complete and deduplicated, or an error.

        Page 1 first, then the others concurrently (bounded); a count mismatch reads them again one
        by one (see :mod:`bot.keepnet._paging`).

        Raises:
            KeepnetIncompleteError: the pages never added up to the server's total.
            KeepnetError: any other typed failure (never a partial list).
        """

        async def search(number: int, size: int) -> CompanyPage:
            return await self._search(page_number=number, page_size=size, text=text, over_limit=True)

        keep = lambda size: setattr(self, "_page_size", size)  # noqa: E731 - a 400 on big pages: keep 100
        size, workers, most = self._page_size, self._concurrency, self._max_pages
        result = await _paging.fetch_complete(
            search, page_size=size, concurrency=workers, max_pages=most, on_smaller_pages=keep
        )
        _paging.check_name_filter(result, text, _wire.search_body(page_number=1, page_size=1, text=text))
        return result

    async def count_customers(self, text: str = "") -> int:
        """How many customer companies match ``text`` (no overage filter; one row asked)."""
        page = await self._search(page_number=1, page_size=1, text=text, over_limit=False)
        return page.total_number_of_records

    async def check_access(self) -> None:
        """Prove the credential can list over-limit companies (one-row search); raises typed errors."""
        await self._search(page_number=1, page_size=1, text="", over_limit=True)

    async def export(
        self, kind: ExportKind, *, text: str = "", filename: str, directory: Path | None = None
    ) -> ExportFile:
        """Stream Keepnet's ``kind`` export of the over-limit companies matching ``text`` to a temp file.

        ``filename`` is the name shown to people; ``directory`` where the file goes (default: the
        system temp folder). The caller deletes ``.path``. Raises a typed KeepnetError on failure (a
        size or deadline bound is never retried), leaving no temporary file behind.
        """
        body = _wire.export_body(kind, page_size=self._page_size, text=text)
        return await self._retrying(
            lambda: self._export_once(kind, body, filename=filename, directory=directory)
        )

    async def _search(self, *, page_number: int, page_size: int, text: str, over_limit: bool) -> CompanyPage:
        body = _wire.search_body(
            page_number=page_number, page_size=page_size, text=text, over_limit=over_limit
        )
        return await self._retrying(lambda: self._api(_wire.SEARCH_PATH, body, decode_search))

    # --- transport ---------------------------------------------------------------------------

    async def _api(self, path: str, body: dict[str, Any], decode: Callable[..., _T]) -> _T:
        limits = aiohttp.ClientTimeout(total=self._timeout_s)
        async with self._slots, await self._send(path, body, limits=limits) as resp:
            raw = await _export.read_bounded(resp, self._max_response_bytes)
            return decode(resp.status, resp.headers, raw, now=utc_now())

    async def _send(
        self, path: str, body: dict[str, Any], *, limits: aiohttp.ClientTimeout
    ) -> aiohttp.ClientResponse:
        """POST ``body`` with the bearer token; on 401 renew the token once and repeat."""
        token = await self._tokens.get()
        resp = await self._post(path, json=body, headers={"Authorization": f"Bearer {token}"}, limits=limits)
        if resp.status == 401:
            resp.release()
            self._tokens.invalidate(token)
            token = await self._tokens.get()
            resp = await self._post(
                path, json=body, headers={"Authorization": f"Bearer {token}"}, limits=limits
            )
        return resp

    async def _request_token(self) -> TokenResponse:
        form = _wire.token_form(self._client_id, self._client_secret)
        limits = aiohttp.ClientTimeout(total=self._timeout_s)
        async with await self._post(_wire.TOKEN_PATH, data=form, limits=limits) as resp:
            raw = await _export.read_bounded(resp, self._max_response_bytes)
            return _wire.decode_token(resp.status, resp.headers, raw, now=utc_now())

    async def _post(
        self, path: str, *, limits: aiohttp.ClientTimeout, **kwargs: Any
    ) -> aiohttp.ClientResponse:
        """One HTTP request, logged as one line (never its headers or body)."""
        if self._route is None:  # once per client: aiohttp would look the environment up on every request
            self._route = await asyncio.to_thread(_network.route, self._base, self._proxy, self._trust_env)
        if self._session is None:
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=self._ssl))
        url = self._base + path
        kwargs.update(self._route.options())
        started = time.perf_counter()
        status: int | None = None
        error: str | None = None
        try:
            resp = await self._session.post(url, timeout=limits, ssl=self._ssl, **kwargs)
            status = resp.status
            return resp
        except aiohttp.ClientConnectorCertificateError as exc:
            error = type(exc).__name__
            raise _network.tls_error(exc, url=url) from exc
        except (TimeoutError, aiohttp.ClientError) as exc:
            error = type(exc).__name__
            raise
        finally:
            _log.info(
                "keepnet_request",
                method="POST",
                path=path,
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
                attempt=_retry.attempt.get(),
                **({"error": error} if error else {}),
            )

    # --- export ------------------------------------------------------------------------------

    async def _export_once(
        self, kind: ExportKind, body: dict[str, Any], *, filename: str, directory: Path | None
    ) -> ExportFile:
        limits = aiohttp.ClientTimeout(total=None, sock_connect=self._timeout_s, sock_read=self._timeout_s)
        async with self._slots:  # the deadline counts from the request, not from the wait for a slot
            deadline = asyncio.timeout(self._export_timeout_s)
            try:
                async with deadline, await self._send(_wire.EXPORT_PATH, body, limits=limits) as resp:
                    return await _export.receive(
                        kind, resp, filename=filename, directory=directory, max_bytes=self._max_export_bytes
                    )
            except TimeoutError:
                if not deadline.expired():
                    raise  # a stalled socket: retried like any timeout
                raise _export.too_slow(kind, self._export_timeout_s) from None
