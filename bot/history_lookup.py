"""``/overage history <text>`` (Slack) and ``history <text>`` (Teams): gather a customer's history.

The matches come from Keepnet's own name search (the same as ``find``), so only customers over the
limit now are described; their history comes from the state store's snapshots and decisions.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.deps import Deps
from bot.report.history_text import HISTORY_MATCHES, CustomerHistory

__all__ = ["HistoryAnswer", "lookup_history"]


@dataclass(frozen=True)
class HistoryAnswer:
    """What to say: up to five customers' histories, or the names when more match."""

    entries: tuple[CustomerHistory, ...]
    more: tuple[str, ...]


async def lookup_history(deps: Deps, query: str) -> HistoryAnswer:
    """Find the over-limit customers matching ``query`` and read their history.

    Raises:
        KeepnetError: Keepnet could not answer the search.
        StoreError: the state database could not be read.
    """
    report = await deps.service.report(query=query)
    matches = report.offenders
    if len(matches) > HISTORY_MATCHES:
        return HistoryAnswer(entries=(), more=tuple(o.name for o in matches))
    today = report.generated_at.astimezone(deps.settings.tz).date()
    entries = []
    for offender in matches:
        if deps.store is None or not offender.company_id:
            entries.append(CustomerHistory(offender, today, (), ()))
            continue
        since = await deps.store.history.over_since([offender.company_id], today=today)
        points = await deps.store.history.points(offender.company_id, limit=12)
        decisions = await deps.store.decisions.recent(offender.company_id, limit=5)
        entries.append(CustomerHistory(offender, since[offender.company_id], tuple(points), tuple(decisions)))
    return HistoryAnswer(entries=tuple(entries), more=())
