"""Block Kit rendering of the overage report: pure, data in and message dicts out.

The message stays inside Slack's limits whatever the report holds: ≤ 50 blocks, every text
≤ 3,000 characters, header ≤ 150, one table of ≤ 100 rows, button values ≤ 2,000, and the total
text of all blocks under :data:`TEXT_BUDGET` (Slack rejects long messages with
``msg_blocks_too_long``). Company names and the ``find`` text are escaped everywhere.

Slack renders a table block at the bottom of the message wherever it stands among the blocks, so
nothing that refers to the table may follow it: "Top 10 shown; …and 73 more in the attached
CSV" is part of the summary section.
"""

from __future__ import annotations

import json
from datetime import datetime, tzinfo
from typing import Any
from urllib.parse import quote

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
from bot.slack import messages
from bot.slack._blocks_decisions import RowsOrigin, needs_action_blocks
from bot.slack._blocks_table import offenders_table
from bot.slack._blocks_text import escape, fit_escaped, join_names, slack_len, text_length, trim_escaped

__all__ = [
    "ACTION_EXPORT_EXCEL",
    "ACTION_REFRESH",
    "ACTION_STATEMENT",
    "BUTTON_VALUE_MAX",
    "HEADER_MAX",
    "TEXT_BUDGET",
    "TEXT_MAX",
    "block_kit_builder_url",
    "build_error_message",
    "build_report_message",
    "button_value",
]

ACTION_EXPORT_EXCEL = "overage_export_excel"
ACTION_REFRESH = "overage_refresh"
ACTION_STATEMENT = "overage_statement"
HEADER_MAX = 150
TEXT_MAX = 3000
BUTTON_VALUE_MAX = 2000
TEXT_BUDGET = 11_000
"""Most characters of text all blocks together may hold (Slack's undocumented limit is ~13k)."""
TABLE_BUDGET = 8_000
"""Most characters of cell text in the table (users report trouble above ~10k)."""
LIST_BUDGET = 1_200
"""Most characters for each of the "Newly over" / "No longer over" name lists."""
TITLE = "License overage report"
_HIDDEN_LINE_MAX = 60
"""Room kept for "Top 99 shown; …and 1,234,567 more in the attached CSV"."""
HEADER_REPORT = "overage_report"
HEADER_WEEKLY = "overage_report_weekly"
_BUILDER_URL = "https://app.slack.com/block-kit-builder/#"


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": trim_escaped(text, TEXT_MAX)}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": _mrkdwn(text)}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [_mrkdwn(text)]}


def _header(query: str, *, weekly: bool) -> dict[str, Any]:
    text = TITLE
    if query:
        prefix = f"{TITLE} — find: "
        text = prefix + fit_escaped(query, HEADER_MAX - len(prefix))
    block_id = HEADER_WEEKLY if weekly else HEADER_REPORT  # a re-render after a decision keeps the layout
    return {
        "type": "header",
        "block_id": block_id,
        "text": {"type": "plain_text", "text": text, "emoji": True},
    }


def _bold(text: str) -> str:
    return f"*{text}*"


def _summary(report: OverageReport) -> str:
    sentence = over_limit_sentence(report.over_count, report.customer_count, strong=_bold)
    excess_word = "excess user" if report.total_excess == 1 else "excess users"
    lines = [f"{sentence} — *{fmt_int(report.total_excess)}* {excess_word}"]
    true_up = fmt_true_up(report)
    if true_up is not None:
        lines.append(f"Estimated true-up ≈ *{escape(true_up[0])}* {escape(true_up[1])}")
    if report.decisions is not None and not report.query:
        lines.append(decision_summary(report.decisions.counts))
    if report.unknown_excess_count:
        lines.append(
            f"_{fmt_int(report.unknown_excess_count)} with an unreadable license limit (excess unknown)_"
        )
    return "\n".join(lines)


def _hidden_line(shown: int, hidden: int) -> str:
    more = f"…and {fmt_int(hidden)} more in the attached CSV"
    return f"Top {fmt_int(shown)} shown; {more}" if shown else more


def _change(change: WeekChange) -> str:
    lines = [change_headline(change.customers_delta, change.excess_delta, change.since, strong=_bold)]
    if change.newly_over:
        lines.append(f"Newly over: {join_names(change.newly_over, budget=LIST_BUDGET)}")
    if change.no_longer_over:
        lines.append(f"No longer over: {join_names(change.no_longer_over, budget=LIST_BUDGET)}")
    return "\n".join(lines)


def _footer(report: OverageReport, *, tz: tzinfo, now: datetime, cached: bool) -> str:
    text = f"Generated {fmt_generated(report.generated_at, tz)} · Source: {fit_escaped(report.source, 300)}"
    if cached:
        text += f" · cached, {fmt_age((now - report.generated_at).total_seconds())} old"
    return text


def button_value(query: str, top_n: int) -> str:
    """The ``value`` of the report's buttons: ``{"q": query, "n": top_n}`` as compact JSON ≤ 2,000 chars.

    An absurdly long query is cut so the value stays within Slack's limit.
    """

    def dump(q: str) -> str:
        return json.dumps({"q": q, "n": top_n}, ensure_ascii=False, separators=(",", ":"))

    value = dump(query)
    if slack_len(value) <= BUTTON_VALUE_MAX:
        return value
    low, high = 0, len(query)
    while low < high:  # longest prefix that fits
        mid = (low + high + 1) // 2
        if slack_len(dump(query[:mid])) <= BUTTON_VALUE_MAX:
            low = mid
        else:
            high = mid - 1
    return dump(query[:low])


def _button(text: str, action_id: str, value: str, *, primary: bool = False) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": text, "emoji": True},
        "action_id": action_id,
        "value": value,
    }
    if primary:
        button["style"] = "primary"
    return button


def _actions(report: OverageReport, *, export: bool) -> dict[str, Any]:
    value = button_value(report.query, report.top_n)
    elements = [_button("Refresh", ACTION_REFRESH, value)]
    if export:
        elements.insert(0, _button("Excel export", ACTION_EXPORT_EXCEL, value, primary=True))
        elements.append(_button("Statement", ACTION_STATEMENT, value))
    return {"type": "actions", "elements": elements}


def _fallback(report: OverageReport) -> str:
    if report.over_count == 0 and report.query:
        return no_match_over_sentence(fit_escaped(report.query, 200), report.customer_count) + "."
    if report.over_count == 0:
        text = f"No customer is over the license limit ({plural(report.customer_count, 'customer')} checked)"
    else:
        sentence = over_limit_sentence(report.over_count, report.customer_count)
        text = f"{sentence} ({plural(report.total_excess, 'excess user')})"
        if report.decisions is not None and not report.query:
            text += f"; {fmt_int(report.decisions.counts.needs_action)} need action"
    if report.query:
        text += f" — find: {fit_escaped(report.query, 200)}"
    return text


def _needs_action(report: OverageReport, *, now: datetime, since: datetime | None, weekly: bool) -> list[Any]:
    if report.decisions is None or report.query:
        return []
    origin = RowsOrigin(since=int((since or now).timestamp()), offset=0, thread_ts="")
    return needs_action_blocks(
        report.decisions, report.offenders, origin, positive_line=weekly, rerender=since is not None
    )


def build_report_message(
    report: OverageReport,
    *,
    tz: tzinfo,
    now: datetime,
    cached: bool = False,
    weekly: bool = False,
    since: datetime | None = None,
) -> dict[str, Any]:
    """Render the report as a Slack message.

    Unfiltered reports with billing states get the summary's decision line, a State column and the
    Needs action part (first in the weekly post, after the summary otherwise).

    Args:
        report: the report to show.
        tz: the time zone for the "Generated" time.
        now: the current time (for the "cached, 42 s old" label).
        cached: whether the report came from the cache.
        weekly: the weekly post's layout (needs action first; a positive line when none).
        since: a re-render after a decision: customers decided from then on stay in the Needs
            action part, showing their new state (default: ``now``).

    Returns:
        ``{"text": fallback, "blocks": [...]}``, ready for ``chat.postMessage`` / ``respond``.
    """
    blocks: list[dict[str, Any]] = [_header(report.query, weekly=weekly)]
    needs_action = _needs_action(report, now=now, since=since, weekly=weekly)
    if weekly:
        blocks.extend(needs_action)
    summary_at = len(blocks)
    if report.over_count == 0:
        blocks.append(_section(messages.all_within_limit(report.customer_count, query=report.query)))
    else:
        blocks.append(_section(_summary(report)))
    if report.change is not None:
        blocks.append(_section(_change(report.change)))
    if not weekly:
        blocks.extend(needs_action)
    tail = [
        _context(_footer(report, tz=tz, now=now, cached=cached)),
        _actions(report, export=report.over_count > 0),
    ]
    top = report.top
    if top:
        budget = TEXT_BUDGET - text_length(blocks) - text_length(tail) - _HIDDEN_LINE_MAX
        states = report.decisions.states if report.decisions is not None and not report.query else None
        over = over_since_texts(report, tz)
        table, shown = offenders_table(top, budget=min(TABLE_BUDGET, budget), states=states, since=over)
        hidden = report.over_count - shown
        if hidden > 0:  # Slack shows the table at the bottom, so this line goes in the summary
            blocks[summary_at] = _section(f"{_summary(report)}\n{_hidden_line(shown, hidden)}")
        if table is not None:
            blocks.append(table)
    blocks.extend(tail)
    return {"text": _fallback(report), "blocks": blocks}


def build_error_message(text: str) -> dict[str, Any]:
    """A short error message.

    Args:
        text: Slack mrkdwn that is already escaped (use the functions of :mod:`bot.slack.messages`).

    Returns:
        ``{"text": ..., "blocks": [one section]}``.
    """
    body = trim_escaped(text, TEXT_MAX)
    return {"text": trim_escaped(text, TEXT_MAX), "blocks": [_section(body)]}


def block_kit_builder_url(message: dict[str, Any]) -> str:
    """A Block Kit Builder link that previews ``message`` (for ``overage-bot preview``)."""
    payload = json.dumps({"blocks": message.get("blocks", [])}, ensure_ascii=False, separators=(",", ":"))
    return _BUILDER_URL + quote(payload, safe="")
