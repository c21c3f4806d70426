"""Export bodies: checking, chunk by chunk, that they are the file asked for, and writing them to disk.

Keepnet's export answers with the raw file (CSV text or an XLSX zip); errors come back as a JSON
envelope. The body is never held in memory whole: it is streamed in 64 KiB chunks to a temporary
file, which is deleted again on any failure.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import errno
import os
import tempfile
from pathlib import Path

import aiohttp

from bot.clock import utc_now
from bot.keepnet import _wire
from bot.keepnet.errors import ExportDiskFullError, KeepnetLimitError, KeepnetResponseError
from bot.keepnet.models import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, ExportFile, ExportKind

CHUNK_SIZE = 64 * 1024
MAX_ERROR_BODY = 1024 * 1024
"""The most of an error body read (its JSON envelope says what went wrong)."""
XLSX_MAGIC = b"PK\x03\x04"


def looks_like_json(head: bytes) -> bool:
    """True when ``head`` (the first bytes of a body) starts with ``{`` or ``[`` after a BOM/spaces."""
    return head.removeprefix(codecs.BOM_UTF8).lstrip()[:1] in (b"{", b"[")


def is_html_type(content_type: str) -> bool:
    """True for ``text/html`` or ``application/xhtml+xml`` (a login or block page, never an export)."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media in ("text/html", "application/xhtml+xml")


def html_error(kind: ExportKind) -> KeepnetResponseError:
    """The error for an HTML page received where an export file was expected."""
    return KeepnetResponseError(
        f"Keepnet's {kind} export came back as an HTML page, not a file.",
        remediation=(
            "A proxy or login page may be answering instead of Keepnet: check HTTPS_PROXY and "
            "KEEPNET_BASE_URL, then try again."
        ),
    )


def _mb(size: float) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def too_large(what: str, limit: int, setting: str) -> KeepnetLimitError:
    """The error for a body beyond its size bound (never retried)."""
    return KeepnetLimitError(
        f"Keepnet's {what} is larger than {_mb(limit)} — stopped reading it.",
        remediation=f"Narrow the search, or raise {setting} if this size is expected.",
    )


def too_slow(kind: ExportKind, seconds: float) -> KeepnetLimitError:
    """The error for an export whose body did not arrive within its total deadline (never retried)."""
    return KeepnetLimitError(
        f"Keepnet did not finish sending the {kind} export within {seconds:,.0f} seconds.",
        remediation="Try again later, or raise KEEPNET_EXPORT_TIMEOUT_S if Keepnet is known to be this slow.",
    )


async def read_bounded(resp: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    """The whole body, read in chunks and refused as soon as it passes ``max_bytes``.

    Raises:
        KeepnetLimitError: the body (or its announced ``Content-Length``) is larger than ``max_bytes``.
    """
    if resp.content_length is not None and resp.content_length > max_bytes:
        raise too_large("search answer", max_bytes, "KEEPNET_MAX_RESPONSE_MB")
    parts: list[bytes] = []
    size = 0
    async for chunk in resp.content.iter_chunked(CHUNK_SIZE):
        size += len(chunk)
        if size > max_bytes:
            raise too_large("search answer", max_bytes, "KEEPNET_MAX_RESPONSE_MB")
        parts.append(chunk)
    return b"".join(parts)


class ExportSniffer:
    """Checks, chunk by chunk, that an export body really is the requested file type.

    CSV must be text — UTF-8 (a BOM is allowed), or else Windows-1252 (Excel's CSV default), never
    refused for its encoding — and must not start like JSON (an error envelope) or with ``<`` (an
    HTML page such as a proxy's login page: a CSV header never does); Excel must be an XLSX zip
    (``PK\\x03\\x04``). Feed every chunk, then call :meth:`finish`.
    """

    def __init__(self, kind: ExportKind) -> None:
        self.kind = kind
        self.size = 0
        self.encoding = "utf-8"
        self._head = b""
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self._first_char_seen = False

    def feed(self, chunk: bytes) -> None:
        """Check one more chunk.

        Raises:
            KeepnetResponseError: the bytes cannot be the requested kind of file.
        """
        self.size += len(chunk)
        if len(self._head) < len(XLSX_MAGIC):
            self._head += chunk[: len(XLSX_MAGIC) - len(self._head)]
        if self.kind == "Excel":
            if len(self._head) == len(XLSX_MAGIC) and self._head != XLSX_MAGIC:
                raise KeepnetResponseError("Keepnet's Excel export is not an XLSX file.")
            return
        text = self._decode(chunk)
        if not self._first_char_seen and text.strip():
            self._first_char_seen = True
            first = text.lstrip()[0]
            if first in "{[":
                raise KeepnetResponseError("Keepnet's CSV export looks like JSON, not CSV.")
            if first == "<":
                raise html_error(self.kind)

    def _decode(self, chunk: bytes) -> str:
        if self.encoding == "utf-8":
            try:
                return self._decoder.decode(chunk)
            except UnicodeDecodeError:
                self.encoding = "cp1252"  # not UTF-8: Excel's own CSV encoding, kept as it came
        return chunk.decode("cp1252", errors="replace")

    def finish(self) -> None:
        """Check the end of the body.

        Raises:
            KeepnetResponseError: the body was empty, or is too short for XLSX.
        """
        if self.size == 0:
            raise KeepnetResponseError(f"Keepnet's {self.kind} export was empty.")
        if self.kind == "Excel":
            if self._head != XLSX_MAGIC:
                raise KeepnetResponseError("Keepnet's Excel export is not an XLSX file.")
            return
        if self.encoding == "utf-8":
            try:
                self._decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                self.encoding = "cp1252"  # the last character was cut: not UTF-8 after all


async def stream_to_file(
    kind: ExportKind,
    first: bytes,
    resp: aiohttp.ClientResponse,
    *,
    filename: str,
    directory: Path | None,
    max_bytes: int = 500 * 1024 * 1024,
) -> ExportFile:
    """Write ``first`` and the rest of ``resp``'s body to a temporary file, checking it on the way.

    Raises:
        KeepnetResponseError: the bytes are not the requested kind of file (the file is deleted).
        KeepnetLimitError: the body passed ``max_bytes`` (stopped there; the file is deleted).
    """
    suffix = ".csv" if kind == "CSV" else ".xlsx"
    # Creating the file touches the disk's metadata, which can stall under contention: off the loop.
    handle, name = await asyncio.to_thread(
        tempfile.mkstemp, prefix="keepnet-export-", suffix=suffix, dir=directory
    )
    sniffer = ExportSniffer(kind)
    try:
        # 64 KiB writes land in the page cache in microseconds; a thread hop per chunk costs more.
        with os.fdopen(handle, "wb") as out:
            if resp.content_length is not None and resp.content_length > max_bytes:
                raise too_large(f"{kind} export", max_bytes, "KEEPNET_MAX_EXPORT_MB")
            sniffer.feed(first)
            out.write(first)
            async for chunk in resp.content.iter_chunked(CHUNK_SIZE):
                sniffer.feed(chunk)
                if sniffer.size > max_bytes:
                    raise too_large(f"{kind} export", max_bytes, "KEEPNET_MAX_EXPORT_MB")
                out.write(chunk)
        sniffer.finish()
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise ExportDiskFullError() from exc
        raise
    content_type = CSV_CONTENT_TYPE if kind == "CSV" else XLSX_CONTENT_TYPE
    return ExportFile(
        path=Path(name), filename=filename, content_type=content_type, kind=kind, size=sniffer.size
    )


async def receive(
    kind: ExportKind,
    resp: aiohttp.ClientResponse,
    *,
    filename: str,
    directory: Path | None,
    max_bytes: int,
) -> ExportFile:
    """Judge an export response and stream its file to disk.

    Raises:
        KeepnetError: an error envelope or status (typed by :mod:`bot.keepnet._wire`), an HTML page,
            a body that is not the requested file, or one larger than ``max_bytes``.
    """
    if resp.status != 200 or _wire.is_json_type(resp.headers):
        raw = await resp.content.read(MAX_ERROR_BODY)
        raise _wire.decode_export_error(resp.status, resp.headers, raw, now=utc_now())
    if is_html_type(resp.headers.get("Content-Type", "")):
        raise html_error(kind)
    first = await resp.content.read(CHUNK_SIZE)
    if looks_like_json(first):
        raw = first + await resp.content.read(MAX_ERROR_BODY)
        raise _wire.decode_export_error(resp.status, resp.headers, raw, now=utc_now())
    return await stream_to_file(
        kind, first, resp, filename=filename, directory=directory, max_bytes=max_bytes
    )
