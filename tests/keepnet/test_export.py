"""Exports: streamed to a temporary file, checked to be CSV/XLSX, and never left behind on failure."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from aiohttp import web

from bot.keepnet import KeepnetNotResellerError, KeepnetRequestError, KeepnetResponseError
from bot.keepnet._export import ExportSniffer
from bot.keepnet.models import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, ExportKind
from bot.sandbox import Faults, over_limit_companies, run_sandbox
from tests.keepnet.openapi_contract import validate_export_request

from .conftest import MakeClient
from .support import SleepRecorder, serve_fake

EXPORT = "/api/companies/search/export"


def _files(folder: Path) -> list[Path]:
    return sorted(folder.iterdir())


@pytest.fixture(name="out")
def _out(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


class TestSandboxExports:
    """CSV and Excel exports stream to disk and open as real files."""

    async def test_csv_streams_to_disk_and_reads_back(self, make_client: MakeClient, out: Path) -> None:
        """A CSV export lands in the folder as UTF-8 CSV with a header and one row per company."""
        rows = over_limit_companies(250)
        async with run_sandbox(companies=rows) as sandbox, make_client(sandbox) as client:
            export = await client.export("CSV", filename="overage-2026-11-26.csv", directory=out)
            bodies = sandbox.stats.export_bodies
        assert export.path.parent == out
        assert (export.filename, export.kind, export.content_type) == (
            "overage-2026-11-26.csv",
            "CSV",
            CSV_CONTENT_TYPE,
        )
        assert export.size == export.path.stat().st_size > 0
        with export.path.open(encoding="utf-8-sig", newline="") as handle:
            table = list(csv.reader(handle))
        assert table[0][0] == "Company Name"
        assert len(table) == 1 + 250
        assert {r[0] for r in table[1:]} == {str(r["companyName"]) for r in rows}
        validate_export_request(bodies[0])
        assert bodies[0]["exportType"] == "CSV"
        assert bodies[0]["reportAllPages"] is True
        assert bodies[0]["isTargetUserCountExceededLimit"] is True

    async def test_xlsx_streams_to_disk_and_opens(self, make_client: MakeClient, out: Path) -> None:
        """An Excel export is a real workbook with one row per company."""
        async with run_sandbox(companies=over_limit_companies(40)) as sandbox, make_client(sandbox) as client:
            export = await client.export("Excel", text="", filename="overage.xlsx", directory=out)
            validate_export_request(sandbox.stats.export_bodies[0])
        assert (export.kind, export.content_type) == ("Excel", XLSX_CONTENT_TYPE)
        workbook = openpyxl.load_workbook(export.path, read_only=True)
        try:
            assert sum(1 for _ in workbook.active.iter_rows()) == 1 + 40
        finally:
            workbook.close()

    async def test_json_error_on_export_is_typed_and_leaves_no_file(
        self, make_client: MakeClient, out: Path
    ) -> None:
        """A 403 JSON envelope on export is KeepnetNotResellerError and the folder stays empty."""
        async with run_sandbox(faults=Faults(role="CompanyAdmin")) as sandbox, make_client(sandbox) as client:
            with pytest.raises(KeepnetNotResellerError):
                await client.export("CSV", filename="x.csv", directory=out)
        assert _files(out) == []

    async def test_export_retries_a_5xx(
        self, make_client: MakeClient, out: Path, sleeps: SleepRecorder
    ) -> None:
        """A 500 on export is retried and the second answer is saved."""
        faults = Faults(fail_5xx=1)
        async with (
            run_sandbox(companies=over_limit_companies(10), faults=faults) as sandbox,
            make_client(sandbox) as client,
        ):
            export = await client.export("CSV", filename="x.csv", directory=out)
        assert len(sleeps.calls) == 1
        assert _files(out) == [export.path]


_PROXY_LOGIN = b"<!DOCTYPE html>\n<html><head><title>Proxy login</title></head><body>Sign in</body></html>"


def _fake_export(body: bytes, *, content_type: str, status: int = 200) -> web.Response:
    return web.Response(body=body, status=status, headers={"Content-Type": content_type})


class TestBadBodies:
    """An export body that is not the asked-for file is rejected and leaves no file."""

    @pytest.mark.parametrize(
        ("body", "content_type", "error"),
        [
            (
                json.dumps({"status": "SUCCESS", "data": None}).encode(),
                "application/json",
                KeepnetResponseError,
            ),
            (
                b'{"status": "INPUT_ERROR", "validationMessages": ["Bad type."]}',
                "text/csv",
                KeepnetRequestError,
            ),
            (b'\xef\xbb\xbf[{"a": 1}]', "text/csv", KeepnetResponseError),
            (b"", "text/csv", KeepnetResponseError),
            (_PROXY_LOGIN, "text/html; charset=utf-8", KeepnetResponseError),
            (_PROXY_LOGIN, "text/csv", KeepnetResponseError),
            (
                b"\xef\xbb\xbf\r\n  <html><body>Blocked</body></html>",
                "application/octet-stream",
                KeepnetResponseError,
            ),
        ],
        ids=[
            "200-json",
            "json-as-csv",
            "json-list",
            "empty",
            "html-type",
            "html-as-csv",
            "html-bom",
        ],
    )
    async def test_rejected_and_no_file_left(
        self, make_client: MakeClient, out: Path, body: bytes, content_type: str, error: type[Exception]
    ) -> None:
        """JSON, HTML or empty bodies are typed errors and no temporary file remains."""

        async def answer(_: web.Request) -> web.Response:
            return _fake_export(body, content_type=content_type)

        async with serve_fake({EXPORT: answer}) as (url, _), make_client(url) as client:
            with pytest.raises(error):
                await client.export("CSV", filename="x.csv", directory=out)
        assert _files(out) == []

    @pytest.mark.parametrize("kind", ["CSV", "Excel"])
    async def test_proxy_login_page_is_named_as_html(
        self, make_client: MakeClient, out: Path, kind: ExportKind
    ) -> None:
        """A 200 text/html "Proxy login" page is rejected as an HTML page, with a proxy hint, no file left."""

        async def answer(_: web.Request) -> web.Response:
            return _fake_export(_PROXY_LOGIN, content_type="text/html")

        async with serve_fake({EXPORT: answer}) as (url, _), make_client(url) as client:
            with pytest.raises(KeepnetResponseError, match="HTML page") as info:
                await client.export(kind, filename="x", directory=out)
        assert "HTTPS_PROXY" in info.value.remediation
        assert _files(out) == []

    async def test_csv_asked_but_zip_received(self, make_client: MakeClient, out: Path) -> None:
        """An Excel export whose bytes are not a zip is rejected."""

        async def answer(_: web.Request) -> web.Response:
            return _fake_export(b"Company Name\r\nA\r\n", content_type=XLSX_CONTENT_TYPE)

        async with serve_fake({EXPORT: answer}) as (url, _), make_client(url) as client:
            with pytest.raises(KeepnetResponseError, match="not an XLSX"):
                await client.export("Excel", filename="x.xlsx", directory=out)
        assert _files(out) == []


class TestSniffer:
    """ExportSniffer tells a real CSV or XLSX from an error page, chunk by chunk."""

    def test_bom_and_split_multibyte_character_are_fine(self) -> None:
        """A BOM and a UTF-8 character split across two chunks are valid CSV."""
        data = "\ufeffName\r\nMüller 東京\r\n".encode()
        sniffer = ExportSniffer("CSV")
        cut = data.index("東".encode()) + 1
        sniffer.feed(data[:cut])
        sniffer.feed(data[cut:])
        sniffer.finish()
        assert sniffer.size == len(data)

    def test_bytes_that_are_not_utf8_are_windows_1252(self) -> None:
        """Excel's CSV default (Windows-1252) is accepted, not refused; so is a cut last character."""
        sniffer = ExportSniffer("CSV")
        sniffer.feed(b"Company Name\r\nM\xfcller \x80 GmbH\r\n")
        sniffer.finish()
        assert sniffer.encoding == "cp1252"
        cut = ExportSniffer("CSV")
        cut.feed("a,東".encode()[:-1])
        cut.finish()
        assert cut.encoding == "cp1252"

    def test_xlsx_magic_over_tiny_chunks(self) -> None:
        """The zip signature is recognised even when it arrives one byte at a time."""
        sniffer = ExportSniffer("Excel")
        for byte in b"PK\x03\x04rest":
            sniffer.feed(bytes([byte]))
        sniffer.finish()
        assert sniffer.size == 8

    def test_csv_starting_with_html_is_rejected(self) -> None:
        """A CSV whose first character (after a BOM and spaces) is '<' is an HTML page, not a file."""
        with pytest.raises(KeepnetResponseError, match="HTML page"):
            ExportSniffer("CSV").feed("\ufeff \n<!DOCTYPE html>".encode())

    def test_csv_starting_with_json_is_rejected(self) -> None:
        """A CSV whose first character (after spaces) is '{' is an error envelope, not a file."""
        with pytest.raises(KeepnetResponseError, match="JSON"):
            ExportSniffer("CSV").feed(b"  \n{")
