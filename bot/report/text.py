"""The report as terminal text, for ``overage-bot preview``.

Columns are aligned by display width, so CJK and emoji names (two columns each) do not shift
the numbers. Names are cleaned of control characters, so a name cannot move the cursor or
recolour the terminal.
"""

from __future__ import annotations

from datetime import tzinfo

from bot.report.formatting import (
    change_headline,
    clean_text,
    display_name,
    display_width,
    fit_width,
    fmt_generated,
    fmt_int,
    fmt_limit,
    fmt_pct,
    fmt_signed,
    fmt_true_up,
    no_match_over_sentence,
    over_limit_sentence,
    pad,
    plural,
    truncate,
)
from bot.report.model import OverageReport, WeekChange

__all__ = ["NAME_WIDTH", "render_text_report"]

NAME_WIDTH = 40
"""Terminal columns for the company name; longer names end in "…"."""

_HEADER = ("Company", "Limit", "Active", "Excess", "% over")
_LIST_MAX = 20


def _names(names: tuple[str, ...]) -> str:
    shown = [display_name(name, NAME_WIDTH) for name in names[:_LIST_MAX]]
    rest = len(names) - len(shown)
    text = ", ".join(shown)
    return f"{text}, …and {fmt_int(rest)} more" if rest else text


def _change_lines(change: WeekChange) -> list[str]:
    lines = [change_headline(change.customers_delta, change.excess_delta, change.since)]
    if change.newly_over:
        lines.append(f"Newly over: {_names(change.newly_over)}")
    if change.no_longer_over:
        lines.append(f"No longer over: {_names(change.no_longer_over)}")
    return lines


def _table(report: OverageReport) -> list[str]:
    rows = [
        (
            fit_width(display_name(o.name, 200), NAME_WIDTH),
            fmt_limit(o.limit),
            fmt_int(o.active_users),
            "unknown" if o.excess is None else fmt_signed(o.excess),
            "" if o.excess_pct is None else fmt_pct(o.excess_pct, signed=True),
        )
        for o in report.top
    ]
    widths = [max(display_width(row[i]) for row in [_HEADER, *rows]) for i in range(len(_HEADER))]

    def line(cells: tuple[str, ...]) -> str:
        first = pad(cells[0], widths[0])
        rest = [pad(cell, width, align="right") for cell, width in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest]).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return [line(_HEADER), rule, *(line(row) for row in rows)]


def render_text_report(report: OverageReport, *, tz: tzinfo) -> str:
    """Render the report for a terminal.

    Args:
        report: the report.
        tz: the time zone for the "Generated" line.

    Returns:
        Text whose first line reads like
        ``"83 of 537 customers are over their license limit (11,340 excess users)"``, or for a
        ``find`` with nobody over ``"No customer matching “acme” is over the license limit."``.
    """
    if report.query and report.over_count == 0:
        query = truncate(clean_text(report.query), 100)
        lines = [no_match_over_sentence(query, report.customer_count) + "."]
    else:
        sentence = over_limit_sentence(report.over_count, report.customer_count)
        lines = [f"{sentence} ({plural(report.total_excess, 'excess user')})"]
    if report.query:
        lines.append(f"Search: {truncate(clean_text(report.query), 100)}")
    true_up = fmt_true_up(report)
    if true_up is not None:
        lines.append(f"Estimated true-up ≈ {true_up[0]} {true_up[1]}")
    if report.unknown_excess_count:
        lines.append(
            f"{fmt_int(report.unknown_excess_count)} with an unreadable license limit (excess unknown)"
        )
    if report.change is not None:
        lines.extend(_change_lines(report.change))
    if report.top:
        lines.append("")
        lines.extend(_table(report))
        if report.hidden_count:
            lines.append(f"…and {fmt_int(report.hidden_count)} more in the attached CSV")
    elif not report.query:
        lines.append("Nobody is over the license limit.")
    lines.append("")
    lines.append(f"Generated {fmt_generated(report.generated_at, tz)} · Source: {clean_text(report.source)}")
    return "\n".join(lines)
