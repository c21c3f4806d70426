"""Reading every page of an over-limit search into one complete, deduplicated list.

Page 1 comes first; it tells the page size the server really used (it may cap ours) and the page
count. The other pages are then read concurrently. When the distinct rows do not add up to the
server's ``totalNumberOfRecords`` (rows shift between pages of a non-unique sort), everything is
read again, one page after the other, fresh from page 1. A partial list is never returned.

Page 1's numbers are untrusted: a page size ≤ 0 with more rows to read, a negative count, or more
pages than ``max_pages`` or ``ceil(totalNumberOfRecords / pageSize) + 1`` is refused at once
(:class:`KeepnetLimitError`), before any further request. The other pages are read by at most
``concurrency`` workers pulling page numbers in turn — never one task per page up front.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import structlog

from bot.keepnet.errors import (
    KeepnetFilterIgnoredError,
    KeepnetIncompleteError,
    KeepnetLimitError,
    KeepnetRequestError,
)
from bot.keepnet.models import Company, CompanyPage, OverLimitCompanies

FALLBACK_PAGE_SIZE = 100
"""The page size asked again when a larger first page is refused with 400 (Keepnet's UI uses 100)."""

SearchPage = Callable[[int, int], Awaitable[CompanyPage]]
"""``search(page_number, page_size)`` → one page (retries and typed errors are its business)."""

_log = structlog.get_logger(__name__)


async def fetch_complete(
    search: SearchPage,
    *,
    page_size: int,
    concurrency: int,
    max_pages: int = 2000,
    on_smaller_pages: Callable[[int], None] | None = None,
) -> OverLimitCompanies:
    """Read all pages; re-read sequentially once if the count does not match.

    Args:
        search: reads one page.
        page_size: the page size to ask for.
        concurrency: pages in flight at once after page 1.
        max_pages: the most pages one listing may take (``KEEPNET_MAX_PAGES``).
        on_smaller_pages: told the page size that worked after a first page above
            :data:`FALLBACK_PAGE_SIZE` was refused with 400 (the client keeps it from then on).

    Returns:
        The complete list; ``pages_read`` counts every page request made.

    Raises:
        KeepnetIncompleteError: the pages never added up to the server's total.
        KeepnetLimitError: page 1 claims a page size, count or number of pages that cannot be true.
        KeepnetError: a page failed for good.
    """
    try:
        pages = await read_pages(search, page_size=page_size, concurrency=concurrency, max_pages=max_pages)
    except KeepnetRequestError:
        if page_size <= FALLBACK_PAGE_SIZE:
            raise
        _log.warning("keepnet_page_size_fallback", refused=page_size, now=FALLBACK_PAGE_SIZE)
        page_size = FALLBACK_PAGE_SIZE
        if on_smaller_pages is not None:
            on_smaller_pages(page_size)
        pages = await read_pages(search, page_size=page_size, concurrency=concurrency, max_pages=max_pages)
    result = assemble(pages, reads=len(pages))
    if result is not None:
        _warn_unreadable(result)
        return result
    _log.warning("keepnet_paging_mismatch", pages=len(pages), action="reread_sequentially")
    again = await read_pages(search, page_size=page_size, concurrency=1, max_pages=max_pages)
    result = assemble(again, reads=len(pages) + len(again))
    if result is None:
        raise KeepnetIncompleteError(
            f"Keepnet reported {again[0].total_number_of_records} companies over their limit, but paging "
            f"returned {len(dedupe(again))} distinct ones, even when read again page by page."
        )
    _warn_unreadable(result)
    return result


def _warn_unreadable(result: OverLimitCompanies) -> None:
    """One warning for companies whose license limit could not be read, one for those without an id."""
    without_id = [c.company_name[:80] for c in result.companies if not c.company_resource_id]
    if without_id:
        _log.warning("keepnet_company_without_id", count=len(without_id), companies=without_id[:10])
    odd = [c for c in result.companies if c.limit_unreadable]
    if odd:
        _log.warning(
            "keepnet_unreadable_limits",
            count=len(odd),
            companies=[c.company_name[:80] for c in odd[:5]],
            values=[c.limit_text for c in odd[:5]],
        )


def page_count(first: CompanyPage, *, max_pages: int) -> tuple[int, int]:
    """The page size and number of pages to read, judged from page 1.

    Raises:
        KeepnetLimitError: a count that cannot be true, or more pages than the bounds allow.
    """
    total, rows = first.total_number_of_records, len(first.results or ())
    if total < 0 or first.total_number_of_pages < 0:
        raise KeepnetLimitError(
            f"Keepnet reported {total} companies in {first.total_number_of_pages} pages — refusing to read "
            "a count that cannot be true."
        )
    if total <= rows:
        return max(first.page_size, rows, 1), 1
    size = first.page_size
    if size <= 0:
        raise KeepnetLimitError(
            f"Keepnet reported a page size of {size} for {total:,} companies — refusing to read pages "
            "of no rows."
        )
    expected = math.ceil(total / size)
    count = first.total_number_of_pages or expected
    bound = min(max_pages, expected + 1)
    if count > bound:
        raise KeepnetLimitError(
            f"Keepnet reported {count:,} pages of {size} for {total:,} companies — refusing to read more "
            f"than {bound:,} pages (KEEPNET_MAX_PAGES is {max_pages:,})."
        )
    return size, count


async def read_pages(
    search: SearchPage, *, page_size: int, concurrency: int, max_pages: int = 2000
) -> list[CompanyPage]:
    """Page 1, then pages 2.. with the page size and page count the server echoed (in page order)."""
    first = await search(1, page_size)
    size, count = page_count(first, max_pages=max_pages)
    numbers = iter(range(2, count + 1))
    pages: dict[int, CompanyPage] = {1: first}

    async def worker() -> None:
        for number in numbers:  # shared iterator: each page is taken by exactly one worker
            pages[number] = await search(number, size)

    workers = max(1, min(concurrency, count - 1))
    if count > 1:
        try:
            async with asyncio.TaskGroup() as group:  # a failing page cancels the other workers
                for _ in range(workers):
                    group.create_task(worker())
        except BaseExceptionGroup as failed:  # callers expect the typed error itself
            raise failed.exceptions[0] from None
    return [pages[n] for n in range(1, count + 1)]


def dedupe(pages: list[CompanyPage]) -> list[Company]:
    """Rows in page order, then position; the first occurrence of each ``companyResourceId`` wins.

    A row without an id (the spec allows it) is kept as it is: it cannot be told apart from another.
    """
    seen: dict[object, Company] = {}
    for page in pages:
        for index, company in enumerate(page.results or ()):
            key = company.company_resource_id or ("no-id", page.page_number, index)
            seen.setdefault(key, company)
    return list(seen.values())


def assemble(pages: list[CompanyPage], *, reads: int) -> OverLimitCompanies | None:
    """The complete result, or None when the distinct rows do not match the server's total."""
    total = pages[0].total_number_of_records
    companies = dedupe(pages)
    if len(companies) != total or any(p.total_number_of_records != total for p in pages):
        return None
    return OverLimitCompanies(companies=tuple(companies), total_records=total, pages_read=reads)


def check_name_filter(result: OverLimitCompanies, text: str, body: Mapping[str, Any]) -> None:
    """Refuse a ``find`` result holding a name that does not contain ``text`` (case-insensitively).

    Keepnet's filtering by name is unproven live: a list it did not filter must never be shown as
    the match. The request's shape (not the text) is logged for the maintainers.

    Raises:
        KeepnetFilterIgnoredError: some company does not match.
    """
    needle = text.strip().casefold()
    if not needle:
        return
    strays = sum(1 for c in result.companies if needle not in c.company_name.casefold())
    if strays:
        _log.warning(
            "keepnet_name_filter_ignored",
            strays=strays,
            companies=len(result.companies),
            filter_keys=sorted(body.get("filter", {})),
            groups=len(body.get("filter", {}).get("FilterGroups", [])),
        )
        raise KeepnetFilterIgnoredError()
