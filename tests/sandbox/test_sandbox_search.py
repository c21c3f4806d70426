"""POST /api/companies/search of the sandbox: contract, pitfalls, filters, ordering, paging."""

from __future__ import annotations

import math
from typing import Any

import aiohttp
import pytest

from bot.keepnet._requests import search_filter
from bot.sandbox import RunningSandbox, is_over_limit
from tests.keepnet.openapi_contract import validate_search_request, validate_search_response
from tests.sandbox.sandbox_support import SEARCH_PATH, search_body


async def _search(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, auth: dict[str, str], **overrides: Any
) -> dict[str, Any]:
    body = search_body(**overrides)
    async with session.post(f"{sandbox.base_url}{SEARCH_PATH}", json=body, headers=auth) as response:
        assert response.status == 200, await response.text()
        payload: dict[str, Any] = await response.json()
    validate_search_response(payload)
    return payload["data"]  # type: ignore[no-any-return]


def _names(data: dict[str, Any]) -> list[str]:
    return [row["companyName"] for row in data["results"]]


async def test_documented_overage_request_returns_only_over_limit_rows(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, auth: dict[str, str]
) -> None:
    """The docs' overage request validates, and the answer lists exactly the over-limit companies."""
    validate_search_request(search_body())
    data = await _search(sandbox, session, auth, pageSize=1000)
    expected = {row["companyResourceId"] for row in sandbox.state.companies if is_over_limit(row)}
    assert {row["companyResourceId"] for row in data["results"]} == expected
    assert data["totalNumberOfRecords"] == data["limitExceededCompanyCount"] == len(expected)
    assert "Unlimited Mega Corp" not in _names(data)
    assert "Exact Fit Ltd" not in _names(data)
    assert "Mystery Limits Inc" not in _names(data)


async def test_all_companies_validate(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, auth: dict[str, str]
) -> None:
    """Without the overage flag every seeded company is listed and each row matches SearchCompanyDto."""
    data = await _search(sandbox, session, auth, pageSize=1000, isTargetUserCountExceededLimit=False)
    assert data["totalNumberOfRecords"] == len(sandbox.state.companies) == len(data["results"])


@pytest.mark.parametrize(
    "body",
    [
        search_body(filter=None),
        {k: v for k, v in search_body().items() if k != "filter"},
        search_body(orderBy=None),
        {k: v for k, v in search_body().items() if k != "orderBy"},
        {k: v for k, v in search_body().items() if k != "pageNumber"},
        {k: v for k, v in search_body().items() if k != "pageSize"},
        search_body(filter={"Condition": "AND", "SearchInputTextValue": None}),
        search_body(pageNumber=0),
        search_body(orderBy="NoSuchColumn"),
        {},
        [],
    ],
    ids=[
        "filter-null",
        "no-filter",
        "orderBy-null",
        "no-orderBy",
        "no-pageNumber",
        "no-pageSize",
        "text-null",
        "page-0",
        "bad-orderBy",
        "empty-object",
        "array",
    ],
)
async def test_pitfall_bodies_are_input_errors(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, auth: dict[str, str], body: Any
) -> None:
    """Each documented pitfall answers 400 with an INPUT_ERROR envelope and a validation message."""
    async with session.post(f"{sandbox.base_url}{SEARCH_PATH}", json=body, headers=auth) as response:
        assert response.status == 400
        payload = await response.json()
    assert payload["data"] is None
    assert payload["status"] == "INPUT_ERROR"
    assert payload["message"]
    assert payload["validationMessages"]
    assert all(isinstance(text, str) for text in payload["validationMessages"])


async def test_non_json_body_is_an_input_error(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, auth: dict[str, str]
) -> None:
    """A body that is not JSON answers 400 INPUT_ERROR."""
    headers = {**auth, "Content-Type": "application/json"}
    async with session.post(
        f"{sandbox.base_url}{SEARCH_PATH}", data=b"pageNumber=1", headers=headers
    ) as response:
        assert response.status == 400
        assert (await response.json())["status"] == "INPUT_ERROR"


async def test_filter_keys_bind_case_insensitively(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, auth: dict[str, str]
) -> None:
    """PascalCase and camelCase filter keys find the same companies by a name Contains item, any case."""
    pascal = await _search(sandbox, session, auth, filter=search_filter("MÜLLER"))
    camel_filter = {
        "condition": "and",
        "filterGroups": [
            {
                "condition": "or",
                "filterItems": [{"fieldName": "companyName", "operator": "contains", "value": "müller"}],
            }
        ],
    }
    camel = await _search(sandbox, session, auth, filter=camel_filter)
    assert _names(pascal) == _names(camel) == ["Müller GmbH"]


async def test_search_input_text_value_alone_filters_nothing(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, auth: dict[str, str]
) -> None:
    """The API gives SearchInputTextValue no meaning: alone it narrows nothing (a client relying on it fails)."""
    everyone = await _search(sandbox, session, auth)
    alone = await _search(
        sandbox, session, auth, filter={"Condition": "AND", "SearchInputTextValue": "MÜLLER"}
    )
    assert alone["totalNumberOfRecords"] == everyone["totalNumberOfRecords"] > 1


async def test_no_match_gives_zero_pages(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, auth: dict[str, str]
) -> None:
    """A search that matches nothing reports 0 records, 0 pages and an empty list."""
    data = await _search(sandbox, session, auth, filter=search_filter("zzz-none"))
    assert (data["totalNumberOfRecords"], data["totalNumberOfPages"], data["results"]) == (0, 0, [])


async def test_page_size_is_capped_and_echoed(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, auth: dict[str, str]
) -> None:
    """A pageSize above the server cap is cut to the cap, and the answer echoes the capped size."""
    sandbox.faults.page_size_cap = 30
    data = await _search(sandbox, session, auth, pageNumber=2, pageSize=500)
    assert (data["pageNumber"], data["pageSize"], len(data["results"])) == (2, 30, 30)
    assert data["totalNumberOfPages"] == math.ceil(data["totalNumberOfRecords"] / 30)


async def test_walking_pages_sees_every_row_once(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, auth: dict[str, str]
) -> None:
    """Reading pages 1..totalNumberOfPages returns every matching row exactly once; past the end is empty."""
    first = await _search(sandbox, session, auth, pageSize=7)
    ids = [row["companyResourceId"] for row in first["results"]]
    for page in range(2, first["totalNumberOfPages"] + 1):
        data = await _search(sandbox, session, auth, pageNumber=page, pageSize=7)
        assert data["pageNumber"] == page
        ids += [row["companyResourceId"] for row in data["results"]]
    assert len(ids) == len(set(ids)) == first["totalNumberOfRecords"]
    beyond = await _search(sandbox, session, auth, pageNumber=first["totalNumberOfPages"] + 1, pageSize=7)
    assert beyond["results"] == []
    assert beyond["totalNumberOfRecords"] == first["totalNumberOfRecords"]


async def test_shift_rows_duplicates_one_row_and_misses_another(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, auth: dict[str, str]
) -> None:
    """With shift_rows=1, page 2 starts with page 1's last row once, then pages are normal again."""
    page1 = await _search(sandbox, session, auth, pageSize=10)
    sandbox.faults.shift_rows = 1
    shifted = await _search(sandbox, session, auth, pageNumber=2, pageSize=10)
    normal = await _search(sandbox, session, auth, pageNumber=2, pageSize=10)
    assert shifted["results"][0] == page1["results"][-1]
    assert shifted["results"][1:] == normal["results"][:-1]
    assert normal["results"][-1] not in shifted["results"]
    assert sandbox.faults.shift_rows == 0


async def test_order_is_deterministic_despite_shared_create_times(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, auth: dict[str, str]
) -> None:
    """CreateTime ordering (any case) is monotonic and ties keep the data's own order on every call."""
    ascending = await _search(sandbox, session, auth, pageSize=1000, orderBy="createtime", ascending=True)
    again = await _search(sandbox, session, auth, pageSize=1000, orderBy="CreateTime", ascending=True)
    assert ascending["results"] == again["results"]
    times = [row["createTime"] for row in ascending["results"]]
    assert times == sorted(times)
    assert len(set(times)) < len(times)
    position = {row["companyResourceId"]: i for i, row in enumerate(sandbox.state.companies)}
    for before, after in zip(ascending["results"], ascending["results"][1:], strict=False):
        if before["createTime"] == after["createTime"]:
            assert position[before["companyResourceId"]] < position[after["companyResourceId"]]


async def test_order_by_target_user_count_descending(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, auth: dict[str, str]
) -> None:
    """orderBy TargetUserCount with ascending=false lists the largest counts first."""
    data = await _search(sandbox, session, auth, pageSize=1000, orderBy="TargetUserCount", ascending=False)
    counts = [row["targetUserCount"] for row in data["results"]]
    assert counts == sorted(counts, reverse=True)
