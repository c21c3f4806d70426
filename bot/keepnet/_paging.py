"""Reading every page of an over-limit search into one complete, deduplicated list.

Page 1 comes first; it tells the page size the server really used (it may cap ours) and the page
count. The other pages are then read concurrently. When the distinct rows do not add up to the
server's ``totalNumberOfRecords`` (rows shift between pages of a non-unique sort), everything is
read again, one page after the other, fresh from page 1. A partial list is never returned.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable

import structlog

from bot.keepnet.errors import KeepnetIncompleteError
from bot.keepnet.models import Company, CompanyPage, OverLimitCompanies

SearchPage = Callable[[int, int], Awaitable[CompanyPage]]
"""``search(page_number, page_size)`` → one page (retries and typed errors are its business)."""

_log = structlog.get_logger(__name__)


async def fetch_complete(search: SearchPage, *, page_size: int, concurrency: int) -> OverLimitCompanies:
    """Read all pages; re-read sequentially once if the count does not match.

    Args:
        search: reads one page.
        page_size: the page size to ask for.
        concurrency: pages in flight at once after page 1.

    Returns:
        The complete list; ``pages_read`` counts every page request made.

    Raises:
        KeepnetIncompleteError: the pages never added up to the server's total.
        KeepnetError: a page failed for good.
    """
    pages = await read_pages(search, page_size=page_size, concurrency=concurrency)
    result = assemble(pages, reads=len(pages))
    if result is not None:
        return result
    _log.warning("keepnet_paging_mismatch", pages=len(pages), action="reread_sequentially")
    again = await read_pages(search, page_size=page_size, concurrency=1)
    result = assemble(again, reads=len(pages) + len(again))
    if result is None:
        raise KeepnetIncompleteError(
            f"Keepnet reported {again[0].total_number_of_records} companies over their limit, but paging "
            f"returned {len(dedupe(again))} distinct ones, even when read again page by page."
        )
    return result


async def read_pages(search: SearchPage, *, page_size: int, concurrency: int) -> list[CompanyPage]:
    """Page 1, then pages 2.. with the page size and page count the server echoed (in page order)."""
    first = await search(1, page_size)
    size = first.page_size if first.page_size > 0 else page_size
    count = first.total_number_of_pages or math.ceil(first.total_number_of_records / size)
    numbers = range(2, count + 1)
    if concurrency <= 1:
        return [first, *[await search(n, size) for n in numbers]]
    limit = asyncio.Semaphore(concurrency)

    async def one(number: int) -> CompanyPage:
        async with limit:
            return await search(number, size)

    tasks = [asyncio.ensure_future(one(n)) for n in numbers]
    try:
        return [first, *await asyncio.gather(*tasks)]
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


def dedupe(pages: list[CompanyPage]) -> list[Company]:
    """Rows in page order, then position; the first occurrence of each ``companyResourceId`` wins."""
    seen: dict[str, Company] = {}
    for page in pages:
        for company in page.results or ():
            seen.setdefault(company.company_resource_id, company)
    return list(seen.values())


def assemble(pages: list[CompanyPage], *, reads: int) -> OverLimitCompanies | None:
    """The complete result, or None when the distinct rows do not match the server's total."""
    total = pages[0].total_number_of_records
    companies = dedupe(pages)
    if len(companies) != total or any(p.total_number_of_records != total for p in pages):
        return None
    return OverLimitCompanies(companies=tuple(companies), total_records=total, pages_read=reads)
