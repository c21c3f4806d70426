"""``GET /exports/<token>``: a fresh Keepnet export (or the billing statement) behind a private, short-lived link.

A bad, tampered or expired token gets a bare 404 (empty body). A good one fetches the export from
Keepnet now (CSV formula cells already neutralized by the service) and streams it as an
attachment with ``Cache-Control: no-store``; a Keepnet failure gives a short plain-text 502/503
with the remediation. The token never appears in a log line or an error page.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import BinaryIO

import structlog
from aiohttp import web

from bot.deps import Deps
from bot.keepnet.errors import KeepnetError, KeepnetUnavailableError
from bot.statement_files import statement_file
from bot.teams.links import ExportLinks

__all__ = ["export_route"]

_CHUNK = 256 * 1024
_NO_STORE = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

log = structlog.get_logger(__name__)


def _not_found() -> web.Response:
    return web.Response(status=404, headers=_NO_STORE)


def _failure_page(err: KeepnetError) -> web.Response:
    status = 503 if isinstance(err, KeepnetUnavailableError) else 502
    text = f"The export could not be fetched from Keepnet.\n\n{err.message}\n{err.remediation}\n"
    return web.Response(status=status, text=text, content_type="text/plain", headers=_NO_STORE)


def _read_chunk(handle: BinaryIO) -> bytes:
    return handle.read(_CHUNK)


async def _stream(request: web.Request, path: Path, response: web.StreamResponse) -> None:
    await response.prepare(request)
    handle = await asyncio.to_thread(path.open, "rb")
    try:
        while chunk := await asyncio.to_thread(_read_chunk, handle):
            await response.write(chunk)
    finally:
        await asyncio.to_thread(handle.close)
    await response.write_eof()


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _download_statement(request: web.Request, deps: Deps, *, tenant: str) -> web.StreamResponse:
    """The billing statement of the current report, built now, as an XLSX attachment."""
    try:
        async with statement_file(deps.service, tz=deps.settings.tz) as made:
            size = (await asyncio.to_thread(made.path.stat)).st_size
            response = web.StreamResponse(
                status=200,
                headers={
                    **_NO_STORE,
                    "Content-Type": _XLSX,
                    "Content-Disposition": f'attachment; filename="{made.filename}"',
                    "Content-Length": str(size),
                },
            )
            await _stream(request, made.path, response)
    except KeepnetError as err:
        log.warning("teams_export_failed", kind="Statement", error=type(err).__name__, detail=err.message)
        return _failure_page(err)
    log.info("teams_export_downloaded", kind="Statement", size=size, tenant=tenant)
    return response


def export_route(links: ExportLinks, deps: Deps) -> web.RouteDef:
    """The download route.

    Args:
        links: verifies the tokens.
        deps: the report service (fetches the export).

    Returns:
        ``GET /exports/{token}`` (no HEAD: only a real download fetches from Keepnet).
    """

    async def download(request: web.Request) -> web.StreamResponse:
        claims = links.verify(request.match_info["token"])
        if claims is None:
            log.info("teams_export_link_rejected")
            return _not_found()
        if claims.kind == "Statement":
            return await _download_statement(request, deps, tenant=claims.tenant)
        try:
            async with deps.service.export_file(claims.kind, query=claims.query, fresh=True) as export:
                response = web.StreamResponse(
                    status=200,
                    headers={
                        **_NO_STORE,
                        "Content-Type": export.content_type,
                        "Content-Disposition": f'attachment; filename="{export.filename}"',
                        "Content-Length": str(export.size),
                    },
                )
                await _stream(request, export.path, response)
        except KeepnetError as err:
            log.warning("teams_export_failed", kind=claims.kind, error=type(err).__name__, detail=err.message)
            return _failure_page(err)
        log.info("teams_export_downloaded", kind=claims.kind, size=export.size, tenant=claims.tenant)
        return response

    return web.get("/exports/{token}", download, allow_head=False)
