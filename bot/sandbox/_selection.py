"""Memoised search selections of the sandbox, so paging does not re-sort the data on every page.

A :class:`SelectionCache` keeps, per ``(orderBy, ascending, over-limit flag, search text)``, the
filtered and ordered rows, and once per data set the number of over-limit companies. Everything
is dropped when the data changes: when ``companies`` is another list than last time, when its
length differs, or when the owner's version counter moved (see
:meth:`bot.sandbox.state.SandboxState.companies_changed`, for rows edited in place).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.sandbox._search import SearchQuery, select
from bot.sandbox.data import is_over_limit

__all__ = ["Selection", "SelectionCache"]

_Key = tuple[str, bool, bool, str]


@dataclass(frozen=True)
class Selection:
    """The rows a search matches, in server order, and the data set's over-limit count.

    Attributes:
        rows: the filtered, ordered rows (shared between requests: slice it, never change it).
        over_limit_count: over-limit companies in the whole data set (``limitExceededCompanyCount``).
    """

    rows: tuple[dict[str, Any], ...]
    over_limit_count: int


class SelectionCache:
    """Selections of one data set, computed on first use and reused until the data changes."""

    def __init__(self, *, max_entries: int = 64) -> None:
        """Create an empty cache.

        Args:
            max_entries: selections kept at most; the oldest is dropped beyond that.
        """
        self._max_entries = max_entries
        self._source: Sequence[dict[str, Any]] | None = None
        self._length = -1
        self._version = -1
        self._over_limit_count: int | None = None
        self._entries: dict[_Key, tuple[dict[str, Any], ...]] = {}

    def get(self, companies: Sequence[dict[str, Any]], query: SearchQuery, *, version: int) -> Selection:
        """The selection of ``companies`` for ``query`` (its paging fields are ignored).

        Args:
            companies: the data set, in "database" order (ties keep this order).
            query: the validated search.
            version: the owner's data version; a new value drops every cached selection.

        Returns:
            The cached or freshly computed selection.
        """
        if companies is not self._source or len(companies) != self._length or version != self._version:
            self._source, self._length, self._version = companies, len(companies), version
            self._over_limit_count = None
            self._entries.clear()
        if self._over_limit_count is None:
            self._over_limit_count = sum(1 for row in companies if is_over_limit(row))
        key: _Key = (query.order_by, query.ascending, query.over_only, query.text)
        rows = self._entries.get(key)
        if rows is None:
            if len(self._entries) >= self._max_entries:
                del self._entries[next(iter(self._entries))]
            rows = self._entries[key] = tuple(select(companies, query))
        return Selection(rows=rows, over_limit_count=self._over_limit_count)
