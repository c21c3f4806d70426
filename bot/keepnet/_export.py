"""Export bodies: checking, chunk by chunk, that they are the file asked for, and writing them to disk.

Keepnet's export answers with the raw file (CSV text or an XLSX zip); errors come back as a JSON
envelope. The body is never held in memory whole: it is streamed in 64 KiB chunks to a temporary
file, which is deleted again on any failure.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os
import tempfile
from pathlib import Path

import aiohttp

from bot.keepnet.errors import KeepnetResponseError
from bot.keepnet.models import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, ExportFile, ExportKind

CHUNK_SIZE = 64 * 1024
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


class ExportSniffer:
    """Checks, chunk by chunk, that an export body really is the requested file type.

    CSV must decode as UTF-8 (a BOM is allowed) and must not start like JSON (an error envelope)
    or with ``<`` (an HTML page such as a proxy's login page: a CSV header never does); Excel must be an
    XLSX zip (``PK\\x03\\x04``). Feed every chunk, then call :meth:`finish`.
    """

    def __init__(self, kind: ExportKind) -> None:
        self.kind = kind
        self.size = 0
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
        try:
            text = self._decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            raise KeepnetResponseError("Keepnet's CSV export is not UTF-8 text.") from exc
        if not self._first_char_seen and text.strip():
            self._first_char_seen = True
            first = text.lstrip()[0]
            if first in "{[":
                raise KeepnetResponseError("Keepnet's CSV export looks like JSON, not CSV.")
            if first == "<":
                raise html_error(self.kind)

    def finish(self) -> None:
        """Check the end of the body.

        Raises:
            KeepnetResponseError: the body was empty, ends mid-character, or is too short for XLSX.
        """
        if self.size == 0:
            raise KeepnetResponseError(f"Keepnet's {self.kind} export was empty.")
        if self.kind == "Excel":
            if self._head != XLSX_MAGIC:
                raise KeepnetResponseError("Keepnet's Excel export is not an XLSX file.")
            return
        try:
            self._decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise KeepnetResponseError(
                "Keepnet's CSV export ends in the middle of a UTF-8 character."
            ) from exc


async def stream_to_file(
    kind: ExportKind, first: bytes, resp: aiohttp.ClientResponse, *, filename: str, directory: Path | None
) -> ExportFile:
    """Write ``first`` and the rest of ``resp``'s body to a temporary file, checking it on the way.

    Raises:
        KeepnetResponseError: the bytes are not the requested kind of file (the file is deleted).
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
            sniffer.feed(first)
            out.write(first)
            async for chunk in resp.content.iter_chunked(CHUNK_SIZE):
                sniffer.feed(chunk)
                out.write(chunk)
        sniffer.finish()
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)
        raise
    content_type = CSV_CONTENT_TYPE if kind == "CSV" else XLSX_CONTENT_TYPE
    return ExportFile(
        path=Path(name), filename=filename, content_type=content_type, kind=kind, size=sniffer.size
    )
