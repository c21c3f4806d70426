"""The sandbox's memoised searches: one sort per search, and fresh answers once the data changes."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import aiohttp
import pytest

from bot.keepnet._requests import search_filter
from bot.sandbox import RunningSandbox, is_over_limit, over_limit_companies
from bot.sandbox._search import SearchQuery, select
from tests.sandbox.sandbox_support import SEARCH_PATH, search_body


async def _search(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, auth: dict[str, str], **overrides: Any
) -> dict[str, Any]:
    body = search_body(**overrides)
    async with session.post(f"{sandbox.base_url}{SEARCH_PATH}", json=body, headers=auth) as response:
        assert response.status == 200, await response.text()
        payload: dict[str, Any] = await response.json()
    return payload["data"]  # type: ignore[no-any-return]


def _ids(data: dict[str, Any]) -> list[str]:
    return [row["companyResourceId"] for row in data["results"]]


async def test_pages_of_one_search_are_cut_from_one_sort(
    sandbox: RunningSandbox,
    session: aiohttp.ClientSession,
    auth: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Reading page after page sorts the data once; another search text sorts once more."""
    calls: list[SearchQuery] = []

    def counting(companies: Sequence[dict[str, Any]], query: SearchQuery) -> list[dict[str, Any]]:
        calls.append(query)
        return select(companies, query)

    monkeypatch.setattr("bot.sandbox._selection.select", counting)
    pages = [_ids(await _search(sandbox, session, auth, pageNumber=n, pageSize=10)) for n in (1, 2, 3)]
    everything = _ids(await _search(sandbox, session, auth, pageSize=30))
    assert [row_id for page in pages for row_id in page] == everything
    assert len(calls) == 1
    await _search(sandbox, session, auth, filter=search_filter("a"))
    assert len(calls) == 2


async def test_replaced_companies_are_served_at_once(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, auth: dict[str, str]
) -> None:
    """Assigning another list to state.companies changes the next answer, even at the same length."""
    before = await _search(sandbox, session, auth, pageSize=1000, isTargetUserCountExceededLimit=False)
    replacement = over_limit_companies(len(sandbox.state.companies), seed=99)
    sandbox.state.companies = replacement
    after = await _search(sandbox, session, auth, pageSize=1000, isTargetUserCountExceededLimit=False)
    assert _ids(after) != _ids(before)
    assert set(_ids(after)) == {row["companyResourceId"] for row in replacement}
    assert after["limitExceededCompanyCount"] == len(replacement)


async def test_appended_company_is_counted_and_listed(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, auth: dict[str, str]
) -> None:
    """A company appended to the live list shows up in the totals and the over-limit count."""
    before = await _search(sandbox, session, auth, pageSize=1000)
    extra = copy.deepcopy(next(row for row in sandbox.state.companies if is_over_limit(row)))
    extra["companyResourceId"] = "appended-company"
    sandbox.state.companies.append(extra)
    after = await _search(sandbox, session, auth, pageSize=1000)
    assert after["totalNumberOfRecords"] == before["totalNumberOfRecords"] + 1
    assert after["limitExceededCompanyCount"] == before["limitExceededCompanyCount"] + 1
    assert "appended-company" in _ids(after)


async def test_rows_edited_in_place_show_after_companies_changed(
    sandbox: RunningSandbox, session: aiohttp.ClientSession, auth: dict[str, str]
) -> None:
    """A row edited in place, announced with companies_changed(), is re-filtered and re-counted."""
    before = await _search(sandbox, session, auth, pageSize=1000)
    row = next(row for row in sandbox.state.companies if is_over_limit(row))
    row["isNumberOfUsersLimited"] = False
    sandbox.state.companies_changed()
    after = await _search(sandbox, session, auth, pageSize=1000)
    assert row["companyResourceId"] not in _ids(after)
    assert after["totalNumberOfRecords"] == before["totalNumberOfRecords"] - 1
    assert after["limitExceededCompanyCount"] == before["limitExceededCompanyCount"] - 1
