"""The text of ``/overage history <text>``: each matching customer's run, trend, limit changes and decisions. Pure.

The renderers pass their own ``name`` (escaping for Slack, neutralizing for Teams) and ``strong``
(``*`` / ``**``) so the same words reach both edges.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, tzinfo

from bot.report.decisions import Decision
from bot.report.formatting import fmt_excess, fmt_int, fmt_limit, plural
from bot.report.history import HistoryPoint, limit_changes, sparkline, weeks_between
from bot.report.model import Offender

__all__ = ["HISTORY_MATCHES", "CustomerHistory", "history_text"]

HISTORY_MATCHES = 5
"""The most customers one answer describes; more matches are listed by name only."""


@dataclass(frozen=True)
class CustomerHistory:
    """What the bot knows of one over-limit customer.

    Attributes:
        offender: the customer as Keepnet reports it now.
        over_since: the first day of its current run over the limit.
        points: its last snapshots (at most 12), oldest first.
        decisions: its latest billing decisions (at most 5), newest first.
    """

    offender: Offender
    over_since: date
    points: Sequence[HistoryPoint]
    decisions: Sequence[Decision]


def _decision_line(decision: Decision, tz: tzinfo, name: Callable[[str], str]) -> str:
    when = decision.decided_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    what = {"billed": "billed", "snoozed": "snoozed", "ignored": "ignored", "reopened": "reopened"}[
        decision.decision
    ]
    if decision.decision == "billed" and decision.period is not None:
        what += f" for {decision.period.long}"
    if decision.decision == "snoozed" and decision.until is not None:
        what += f" until {decision.until.isoformat()}"
    return f"{what} by {name(decision.decided_by)}, {when}"


def _customer(
    entry: CustomerHistory, *, today: date, tz: tzinfo, name: Callable[[str], str], strong: str
) -> list[str]:
    o = entry.offender
    weeks = weeks_between(entry.over_since, today)
    run = f"over since {entry.over_since.isoformat()}" + (f" ({plural(weeks, 'week')})" if weeks else "")
    lines = [
        f"{strong}{name(o.name)}{strong} — {run} · limit {fmt_limit(o.limit)} · "
        f"{fmt_int(o.active_users)} active users · excess {fmt_excess(o.excess, o.excess_pct)}"
    ]
    points = list(entry.points)[-12:]
    if len(points) >= 2:
        first, last = points[0], points[-1]
        lines.append(
            f"Excess in the last {len(points)} snapshots: {sparkline([p.excess for p in points])} "
            f"{fmt_limit(first.excess)} ({first.day.isoformat()}) → {fmt_limit(last.excess)} ({last.day.isoformat()})"
        )
    elif points:
        lines.append(
            f"One snapshot so far: excess {fmt_limit(points[0].excess)} ({points[0].day.isoformat()})"
        )
    else:
        lines.append("No snapshot of it yet: the history starts with the next full report.")
    changes = limit_changes(points)
    if changes:
        shown = ", ".join(
            f"{fmt_limit(a)} → {fmt_limit(b)} ({day.isoformat()})" for day, a, b in changes[-5:]
        )
        lines.append(f"License limit changes: {shown}")
    else:
        lines.append("No license limit change seen.")
    if entry.decisions:
        lines.append("Decisions: " + " · ".join(_decision_line(d, tz, name) for d in entry.decisions[:5]))
    else:
        lines.append("No billing decision recorded.")
    return lines


def history_text(
    query: str,
    entries: Sequence[CustomerHistory],
    *,
    more: Sequence[str],
    today: date,
    tz: tzinfo,
    name: Callable[[str], str],
    strong: str = "*",
) -> str:
    """The whole answer.

    Args:
        query: the search text (already safe for the chat).
        entries: the described customers (at most :data:`HISTORY_MATCHES`).
        more: when more customers match, all their names (then ``entries`` is empty).
        today: the reseller's today.
        tz: the reseller's time zone.
        name: makes a name from Keepnet safe for the chat.
        strong: the chat's bold markup.
    """
    if more:
        names = ", ".join(name(n) for n in more[:40])
        rest = f" …and {fmt_int(len(more) - 40)} more" if len(more) > 40 else ""
        return (
            f"{fmt_int(len(more))} customers over the limit match “{query}”: {names}{rest}. "
            f"Narrow the search to at most {HISTORY_MATCHES}."
        )
    if not entries:
        return f"No customer over the license limit matches “{query}”."
    blocks = ["\n".join(_customer(e, today=today, tz=tz, name=name, strong=strong)) for e in entries]
    return "\n\n".join(blocks)
