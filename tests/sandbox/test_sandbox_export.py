"""POST /api/companies/search/export of the sandbox: CSV and XLSX bodies, validation errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from openpyxl import load_workbook

from bot.sandbox import RunningSandbox, is_over_limit, over_limit_companies
from bot.sandbox._export import EXPORT_HEADERS, csv_chunks
from tests.keepnet.openapi_contract import validate_export_request
from tests.sandbox.sandbox_support import EXPORT_PATH, search_body


def export_body(**overrides: Any) -> dict[str, Any]:
    """The documented overage export body, every page, as CSV unless overridden."""
    return search_body(**{"exportType": "CSV", "reportAllPages": True, "isClustered": False, **overrides})


async def _export(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, auth: dict[str, str], **overrides: Any
) -> tuple[str, bytes]:
    body = export_body(**overrides)
    async with session.post(f"{sandbox.base_url}{EXPORT_PATH}", json=body, headers=auth) as response:
        assert response.status == 200, await response.text()
        return response.headers["Content-Type"], await response.read()


def _csv_rows(raw: bytes) -> list[list[str]]:
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def _over_names(sandbox: RunningSandbox) -> list[str]:
    return [row["companyName"] for row in sandbox.state.companies if is_over_limit(row)]


async def test_csv_export_of_all_pages(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, auth: dict[str, str]
) -> None:
    """An all-pages CSV export has one header row and one row per over-limit company, names intact."""
    validate_export_request(export_body())
    content_type, raw = await _export(sandbox, session, auth)
    assert content_type == "text/csv; charset=utf-8"
    rows = _csv_rows(raw)
    assert tuple(rows[0]) == EXPORT_HEADERS
    assert sorted(row[0] for row in rows[1:]) == sorted(_over_names(sandbox))
    names = {row[0] for row in rows[1:]}
    assert {
        'Smith, Jones & "Partners"',
        '=HYPERLINK("http://x")',
        "Café ☕ Ltd 🚀",
        "<!channel> Corp",
    } <= names
    assert all(len(row) == len(EXPORT_HEADERS) for row in rows)


async def test_csv_export_of_one_page_matches_the_search_page(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, auth: dict[str, str]
) -> None:
    """reportAllPages=false exports only the requested page, in the search order."""
    async with session.post(
        f"{sandbox.base_url}/api/companies/search", json=search_body(pageNumber=2, pageSize=10), headers=auth
    ) as response:
        page = [row["companyName"] for row in (await response.json())["data"]["results"]]
    _type, raw = await _export(sandbox, session, auth, pageNumber=2, pageSize=10, reportAllPages=False)
    assert [row[0] for row in _csv_rows(raw)[1:]] == page


async def test_xlsx_export_opens_with_openpyxl(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, auth: dict[str, str], tmp_path: Path
) -> None:
    """exportType "excel" returns a real workbook whose formula-like names stay text."""
    content_type, raw = await _export(sandbox, session, auth, exportType="excel")
    assert content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    path = tmp_path / "companies.xlsx"
    path.write_bytes(raw)
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == EXPORT_HEADERS
    assert sorted(str(row[0]) for row in rows[1:]) == sorted(_over_names(sandbox))
    formula_cells = [row[0] for row in sheet.iter_rows(min_row=2) if row[0].value == '=HYPERLINK("http://x")']
    assert [cell.data_type for cell in formula_cells] == ["s"]


@pytest.mark.parametrize(
    "body",
    [export_body(exportType="PDF"), export_body(exportType=None), export_body(filter=None), {}],
    ids=["pdf", "no-type", "filter-null", "empty"],
)
async def test_bad_export_requests_are_json_input_errors(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, auth: dict[str, str], body: dict[str, Any]
) -> None:
    """Unsupported exportType or a pitfall body answers 400 INPUT_ERROR as application/json."""
    async with session.post(f"{sandbox.base_url}{EXPORT_PATH}", json=body, headers=auth) as response:
        assert response.status == 400
        assert response.content_type == "application/json"
        payload = await response.json()
    assert payload["status"] == "INPUT_ERROR"
    assert payload["validationMessages"]


async def test_large_csv_export_is_streamed(session: aiohttp.ClientSession) -> None:
    """A 20,000-row export arrives chunked (not buffered with a length) and holds every row."""
    from bot.sandbox import run_sandbox

    async with run_sandbox(companies=over_limit_companies(20_000)) as sandbox:
        form = {"grant_type": "client_credentials", "scope": "api1"}
        form |= {"client_id": sandbox.state.client_id, "client_secret": sandbox.state.client_secret}
        async with session.post(f"{sandbox.base_url}/connect/token", data=form) as response:
            auth = {"Authorization": f"Bearer {(await response.json())['access_token']}"}
        async with session.post(
            f"{sandbox.base_url}{EXPORT_PATH}", json=export_body(), headers=auth
        ) as response:
            assert response.headers.get("Transfer-Encoding") == "chunked"
            raw = await response.read()
    assert len(_csv_rows(raw)) == 20_001


def test_csv_chunks_are_bounded() -> None:
    """csv_chunks yields many small chunks rather than one file-sized string."""
    chunks = list(csv_chunks(over_limit_companies(3000), chunk_bytes=8192))
    assert len(chunks) > 10
    assert max(len(chunk) for chunk in chunks) < 8192 + 2048
