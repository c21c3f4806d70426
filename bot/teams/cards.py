"""Adaptive Cards (1.5) for Teams: pure, data in and card dicts out.

The report card carries the same content as the Slack message: counts, excess, true-up,
week-over-week, the top offenders as a ``Table`` (≤ 25 offenders under a header row), the generated time and the source.
Whatever the report holds, the serialized card stays under :data:`CARD_MAX_BYTES` (28 KB, the
long-cited Bot Framework limit): the table and the name lists shrink until it fits.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from bot.report.formatting import (
    change_headline,
    fmt_age,
    fmt_generated,
    fmt_int,
    fmt_true_up,
    no_match_over_sentence,
    over_limit_sentence,
    plural,
)
from bot.report.history import over_since_texts
from bot.report.model import OverageReport, WeekChange
from bot.report.states import decision_summary
from bot.teams._card_decisions import needs_action_items
from bot.teams._card_parts import join_neutral, neutral, offenders_table, rich, run, text_block
from bot.teams.links import LinkKind

__all__ = [
    "CARD_MAX_BYTES",
    "CARD_SCHEMA",
    "MAX_TABLE_ROWS",
    "VERB_EXPORT_CSV",
    "VERB_EXPORT_STATEMENT",
    "VERB_EXPORT_XLSX",
    "build_link_card",
    "build_report_card",
    "build_statement_prompt_card",
    "build_text_card",
    "card_size",
]

CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_MAX_BYTES = 28 * 1024
_TARGET_BYTES = 27_000
MAX_TABLE_ROWS = 25
"""Offenders shown in the table (data rows; the header row comes on top), so ``top 25`` shows 25."""
VERB_EXPORT_CSV = "export_csv"
VERB_EXPORT_XLSX = "export_xlsx"
VERB_EXPORT_STATEMENT = "export_statement"
TITLE = "License overage report"
_NAME_MAX = 60
_QUERY_MAX = 100
_SOURCE_MAX = 200
_TEXT_CARD_MAX = 5000
# (name list budget, longest name) tried in turn before rows are dropped
_LIST_STEPS = ((1200, _NAME_MAX), (600, 40), (200, 40))


def card_size(card: dict[str, Any]) -> int:
    """Serialized size in bytes (the larger of ASCII-escaped and raw UTF-8 JSON)."""
    escaped = len(json.dumps(card).encode("utf-8"))
    raw = len(json.dumps(card, ensure_ascii=False).encode("utf-8"))
    return max(escaped, raw)


def _card(body: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": CARD_SCHEMA,
        "version": "1.5",
        "msteams": {"width": "Full"},
        "body": body,
    }
    if actions:
        card["actions"] = actions
    return card


def _title(query: str) -> dict[str, Any]:
    runs = [run(TITLE, weight="Bolder", size="Large")]
    if query:
        runs.append(run(f" — find: {neutral(query, _QUERY_MAX)}", weight="Bolder", size="Large"))
    return rich(*runs)


def _summary(report: OverageReport) -> list[dict[str, Any]]:
    if report.over_count == 0:
        if report.query:
            text = f"✅ {no_match_over_sentence(neutral(report.query, _QUERY_MAX), report.customer_count)}."
        elif report.customer_count == 0:
            text = "✅ No customers found, so nobody is over a license limit."
        else:
            text = f"✅ All {fmt_int(report.customer_count)} customers are within their license limit."
        return [text_block(text)]
    sentence = over_limit_sentence(report.over_count, report.customer_count, strong=lambda s: f"**{s}**")
    excess_word = "excess user" if report.total_excess == 1 else "excess users"
    items = [text_block(f"{sentence} — **{fmt_int(report.total_excess)}** {excess_word}")]
    true_up = fmt_true_up(report)
    if true_up is not None:
        money, covers = neutral(true_up[0]), neutral(true_up[1])
        items.append(rich(run("Estimated true-up ≈ "), run(money, weight="Bolder"), run(f" {covers}")))
    if report.decisions is not None and not report.query:
        items.append(text_block(decision_summary(report.decisions.counts, strong="**")))
    if report.unknown_excess_count:
        count = fmt_int(report.unknown_excess_count)
        items.append(text_block(f"{count} with an unreadable license limit (excess unknown)", isSubtle=True))
    return items


def _bold(text: str) -> str:
    return f"**{text}**"


def _change(change: WeekChange, *, budget: int, name_max: int) -> list[dict[str, Any]]:
    headline = change_headline(change.customers_delta, change.excess_delta, change.since, strong=_bold)
    items = [text_block(headline, spacing="Medium")]
    for label, names in (("Newly over: ", change.newly_over), ("No longer over: ", change.no_longer_over)):
        if names:
            text = join_neutral(names, budget=budget, name_max=name_max)
            items.append(rich(run(label, weight="Bolder"), run(text)))
    return items


def _footer(report: OverageReport, *, tz: tzinfo, now: datetime, cached: bool) -> dict[str, Any]:
    text = (
        f"Generated {fmt_generated(report.generated_at, tz)} · Source: {neutral(report.source, _SOURCE_MAX)}"
    )
    if cached:
        text += f" · cached, {fmt_age((now - report.generated_at).total_seconds())} old"
    return rich(run(text, isSubtle=True, size="Small"), spacing="Medium")


def _export_action(verb: str, title: str, query: str) -> dict[str, Any]:
    return {
        "type": "Action.Execute",
        "title": title,
        "verb": verb,
        "data": {"q": query},
        "fallback": {"type": "Action.Submit", "title": title, "data": {"verb": verb, "q": query}},
    }


@dataclass(frozen=True)
class _Layout:
    cached: bool
    weekly: bool
    since: datetime | None
    notice: str | None


def _report_card(
    report: OverageReport, *, tz: tzinfo, now: datetime, layout: _Layout, rows: int, step: tuple[int, int]
) -> dict[str, Any]:
    budget, name_max = step
    decided = report.decisions if not report.query else None
    needs_action = []
    if decided is not None:
        needs_action = needs_action_items(
            decided, report.offenders, since=layout.since, name_max=name_max, positive_line=layout.weekly
        )
    body = [_title(report.query)]
    if layout.notice:
        body.append(text_block(neutral(layout.notice, 600), color="Attention", weight="Bolder"))
    if layout.weekly:
        body.extend(needs_action)
    body.extend(_summary(report))
    if report.change is not None:
        body.extend(_change(report.change, budget=budget, name_max=name_max))
    if not layout.weekly:
        body.extend(needs_action)
    if rows:
        states = decided.states if decided is not None else None
        since = over_since_texts(report, tz)
        body.append(offenders_table(report.top[:rows], name_max=name_max, states=states, since=since))
    hidden = report.over_count - rows
    if report.over_count and hidden:
        body.append(text_block(f"…and {fmt_int(hidden)} more in the export", isSubtle=True))
    body.append(_footer(report, tz=tz, now=now, cached=layout.cached))
    actions = None
    if report.over_count:
        query = report.query[:500]
        actions = [
            _export_action(VERB_EXPORT_CSV, "CSV", query),
            _export_action(VERB_EXPORT_XLSX, "Excel export", query),
            _export_action(VERB_EXPORT_STATEMENT, "Statement", ""),
        ]
    return _card(body, actions)


def build_report_card(
    report: OverageReport,
    *,
    tz: tzinfo,
    now: datetime,
    cached: bool = False,
    weekly: bool = False,
    since: datetime | None = None,
    notice: str | None = None,
) -> dict[str, Any]:
    """Render the report as an Adaptive Card.

    Unfiltered reports with billing states get the summary's decision line, a State column and the
    Needs action rows with their ``Decide…`` menu (first in the weekly post).

    Args:
        report: the report to show.
        tz: the time zone for the "Generated" time.
        now: the current time (for the "cached, 42 s old" label).
        cached: whether the report came from the cache.
        weekly: the weekly post's layout (needs action first; a positive line when none).
        since: after a decision: rows decided from then on stay in the Needs action part.
        notice: a line for the person who clicked (a refusal), shown under the title.

    Returns:
        An Adaptive Card 1.5 dict with "CSV" and "Excel export" buttons (``Action.Execute`` with an
        ``Action.Submit`` fallback), at most :data:`CARD_MAX_BYTES` when serialized.
    """
    rows = min(len(report.top), MAX_TABLE_ROWS)
    while True:
        for step in _LIST_STEPS:
            layout = _Layout(cached=cached, weekly=weekly, since=since, notice=notice)
            card = _report_card(report, tz=tz, now=now, layout=layout, rows=rows, step=step)
            if card_size(card) <= _TARGET_BYTES:
                return card
        if rows == 0:
            return card  # every part is bounded; with no table the card is far below the limit
        rows = max(0, rows - max(1, rows // 4))


def build_link_card(
    *, kind: LinkKind, url: str, expires_at: datetime, tz: tzinfo, now: datetime | None = None
) -> dict[str, Any]:
    """A card with the download link of an export.

    Args:
        kind: ``"CSV"``, ``"Excel"`` or ``"Statement"``.
        url: the bot-served download link.
        expires_at: when the link stops working.
        tz: the time zone for the expiry time.
        now: the current time; when given, the card also says for how many minutes the link works.

    Returns:
        A small card: "Your CSV export is ready — the link works for 10 minutes (until 09:10)."
    """
    label = {"CSV": "CSV export", "Excel": "Excel export", "Statement": "billing statement"}[kind]
    until = expires_at.astimezone(tz).strftime("%H:%M")
    if now is not None:
        minutes = max(1, round((expires_at - now).total_seconds() / 60))
        validity = f"the link works for {plural(minutes, 'minute')} (until {until})"
    else:
        validity = f"the link works until {until}"
    body = [text_block(f"Your {label} is ready — {validity}.")]
    title = {"CSV": "Download CSV", "Excel": "Download Excel file", "Statement": "Download statement"}[kind]
    return _card(body, [{"type": "Action.OpenUrl", "title": title, "url": url}])


def build_statement_prompt_card() -> dict[str, Any]:
    """The answer to ``overage statement``: a Statement button that gives the clicker a private link."""
    body = [text_block("The billing statement (XLSX) of every customer over the license limit:")]
    return _card(body, [_export_action(VERB_EXPORT_STATEMENT, "Statement", "")])


def build_text_card(text: str) -> dict[str, Any]:
    """A card with one block of text (errors, help).

    Markdown in ``text`` is kept (write it yourself); angle brackets and ``{{`` are neutralized, so
    an error message quoting outside text cannot form a mention or a date function.
    """
    lines = [neutral(line) for line in text[:_TEXT_CARD_MAX].splitlines()]
    return _card([text_block("\n\n".join(line for line in lines if line) or " ")])
