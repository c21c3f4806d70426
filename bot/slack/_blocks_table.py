"""The top-offenders ``table`` block (one per message, header row first, ≤ 100 rows, ≤ 20 cells)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.report.decisions import CustomerState
from bot.report.formatting import fmt_excess, fmt_int, fmt_limit
from bot.report.model import Offender
from bot.slack._blocks_text import safe_name, slack_len

__all__ = [
    "MAX_TABLE_ROWS",
    "TABLE_HEADER",
    "TABLE_REFUSED_NOTE",
    "has_table",
    "offenders_table",
    "tables_as_sections",
]

MAX_TABLE_ROWS = 100
"""Slack's limit, header row included."""

TABLE_HEADER = ("Company", "License limit", "Active users", "Excess")
TABLE_REFUSED_NOTE = "Slack refused the table layout here, so the top offenders are shown as text."
_SECTION_TEXT_MAX = 3000
"""Slack's limit for a section's text."""
_COLUMN_SETTINGS: list[dict[str, Any]] = [
    {"align": "left", "is_wrapped": True},
    {"align": "right"},
    {"align": "right"},
    {"align": "right"},
]


def _cell(text: str) -> dict[str, Any]:
    return {"type": "raw_text", "text": text}


def _row_texts(
    offender: Offender, states: Mapping[str, CustomerState] | None, since: Mapping[str, str] | None
) -> tuple[str, ...]:
    texts: tuple[str, ...] = (
        safe_name(offender.name),
        fmt_limit(offender.limit),
        fmt_int(offender.active_users),
        fmt_excess(offender.excess, offender.excess_pct),
    )
    if since is not None:
        texts = (*texts, since.get(offender.company_id, "today"))
    if states is None:
        return texts
    state = states.get(offender.company_id)
    return (*texts, state.label if state is not None else "needs action")


def offenders_table(
    offenders: Sequence[Offender],
    *,
    budget: int,
    states: Mapping[str, CustomerState] | None = None,
    since: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any] | None, int]:
    """Build the table of offenders, as many as fit in ``budget`` characters of cell text.

    Args:
        offenders: the offenders to show, in order.
        budget: the most characters all cells together may hold (header included).
        states: billing states by company id: adds the ``State`` column.
        since: over-since cells by company id: adds the ``Over since`` column.

    Returns:
        The table block (None when not even one offender fits) and how many offenders it shows.
    """
    header = (
        *TABLE_HEADER,
        *(("Over since",) if since is not None else ()),
        *(("State",) if states is not None else ()),
    )
    used = sum(len(text) for text in header)
    rows: list[list[dict[str, Any]]] = [[_cell(text) for text in header]]
    for offender in offenders[: MAX_TABLE_ROWS - 1]:
        texts = _row_texts(offender, states, since)
        size = sum(slack_len(text) for text in texts)
        if used + size > budget:
            break
        rows.append([_cell(text) for text in texts])
        used += size
    shown = len(rows) - 1
    if shown == 0:
        return None, 0
    columns = list(_COLUMN_SETTINGS) + [{"align": "left"}] * (len(header) - len(TABLE_HEADER))
    return {"type": "table", "column_settings": columns, "rows": rows}, shown


def has_table(blocks: Sequence[dict[str, Any]]) -> bool:
    """Whether any block is a ``table``."""
    return any(block.get("type") == "table" for block in blocks)


def _row_line(cells: Sequence[dict[str, Any]], header: Sequence[str]) -> str:
    texts = [str(cell.get("text", "")) for cell in cells]
    name, rest = (texts[0], texts[1:]) if texts else ("", [])
    details = " · ".join(f"{label}: {value}" for label, value in zip(header[1:], rest, strict=False))
    return f"*{name}* — {details}" if details else f"*{name}*"


def tables_as_sections(blocks: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same message with each ``table`` block written as section blocks (for a workspace refusing tables).

    Every row becomes one line ("*Company* — License limit: … · Active users: … · Excess: …") with the
    cells' own, already escaped text; lines are packed into as few sections as Slack's 3,000 characters
    allow, after a context line saying why.

    Args:
        blocks: the message's blocks.

    Returns:
        New blocks; the input is not changed.
    """
    result: list[dict[str, Any]] = []
    for block in blocks:
        if block.get("type") != "table":
            result.append(block)
            continue
        rows = block.get("rows") or []
        header = [str(cell.get("text", "")) for cell in rows[0]] if rows else list(TABLE_HEADER)
        result.append({"type": "context", "elements": [{"type": "mrkdwn", "text": TABLE_REFUSED_NOTE}]})
        chunk = ""
        for row in rows[1:]:
            line = _row_line(row, header)[:_SECTION_TEXT_MAX]
            if chunk and len(chunk) + 1 + len(line) > _SECTION_TEXT_MAX:
                result.append({"type": "section", "text": {"type": "mrkdwn", "text": chunk}})
                chunk = ""
            chunk = f"{chunk}\n{line}" if chunk else line
        if chunk:
            result.append({"type": "section", "text": {"type": "mrkdwn", "text": chunk}})
    return result
