"""Adaptive Card building blocks: neutralized text runs, text blocks and the offenders table.

Teams renders a markdown subset in ``TextBlock`` text (``**bold**``, ``[link](url)``, lists) and
``{{DATE(…)}}`` functions, and it treats ``<at>…</at>`` as mentions. Text from outside (company
names, the ``find`` text, the source) therefore only ever goes into ``TextRun``s, which show text
as is (no markdown), after :func:`neutral` has defused angle brackets and ``{{``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.report.decisions import CustomerState
from bot.report.formatting import (
    clean_text,
    display_name,
    fmt_excess,
    fmt_int,
    fmt_limit,
    join_within,
    truncate,
)
from bot.report.model import Offender

__all__ = ["join_neutral", "neutral", "offenders_table", "rich", "run", "text_block"]

_HEADER = ("Company", "License limit", "Active users", "Excess")


def neutral(text: str, max_len: int | None = None) -> str:
    """Make outside text inert in a card: one line, ``<``/``>`` → ``‹``/``›``, ``{{`` split.

    Args:
        text: raw text.
        max_len: cut to this many characters (with "…") before neutralizing.

    Returns:
        Text that cannot form a mention, a tag, or a date/time function.
    """
    text = clean_text(text)
    if max_len is not None:
        text = truncate(text, max_len)
    text = text.replace("<", "‹").replace(">", "›")
    while "{{" in text:
        text = text.replace("{{", "{\u200b{")
    return text


def run(text: str, **props: Any) -> dict[str, Any]:
    """A ``TextRun`` (its text is never parsed as markdown)."""
    return {"type": "TextRun", "text": text, **props}


def rich(*runs: dict[str, Any], **props: Any) -> dict[str, Any]:
    """A ``RichTextBlock`` made of text runs."""
    return {"type": "RichTextBlock", "inlines": list(runs), **props}


def text_block(text: str, **props: Any) -> dict[str, Any]:
    """A wrapping ``TextBlock``; ``text`` is markdown we wrote ourselves (no outside text)."""
    return {"type": "TextBlock", "text": text, "wrap": True, **props}


def _cell(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "TableCell", "items": [item]}


def _row(cells: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "TableRow", "cells": cells}


def _offender_row(
    offender: Offender,
    name_max: int,
    states: Mapping[str, CustomerState] | None,
    since: Mapping[str, str] | None,
) -> dict[str, Any]:
    numbers: tuple[str, ...] = (
        fmt_limit(offender.limit),
        fmt_int(offender.active_users),
        fmt_excess(offender.excess, offender.excess_pct),
    )
    if since is not None:
        numbers = (*numbers, since.get(offender.company_id, "today"))
    if states is not None:
        state = states.get(offender.company_id)
        numbers = (*numbers, state.label if state is not None else "needs action")
    name = neutral(display_name(offender.name, name_max))
    return _row([_cell(rich(run(name))), *(_cell(rich(run(text))) for text in numbers)])


def offenders_table(
    offenders: Sequence[Offender],
    *,
    name_max: int,
    states: Mapping[str, CustomerState] | None = None,
    since: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A 1.5 ``Table`` of offenders with a header row (``firstRowAsHeaders``).

    Args:
        offenders: the rows to show (the caller caps their number).
        name_max: longest company name shown in full.
        states: billing states by company id: adds the ``State`` column.
        since: over-since cells by company id: adds the ``Over since`` column.

    Returns:
        The table element.
    """
    titles = (
        *_HEADER,
        *(("Over since",) if since is not None else ()),
        *(("State",) if states is not None else ()),
    )
    header = _row([_cell(text_block(text, weight="Bolder")) for text in titles])
    right = {"horizontalCellContentAlignment": "Right"}
    columns = [{"width": 3}, {"width": 1, **right}, {"width": 1, **right}, {"width": 2, **right}]
    columns.extend({"width": 2} for _ in titles[len(_HEADER) :])
    return {
        "type": "Table",
        "firstRowAsHeaders": True,
        "showGridLines": False,
        "columns": columns,
        "rows": [header, *(_offender_row(o, name_max, states, since) for o in offenders)],
    }


def join_neutral(names: Sequence[str], *, budget: int, name_max: int) -> str:
    """Neutralized names joined by ", ", ending in "…and N more" beyond ``budget`` characters."""
    return join_within(names, budget=budget, render=lambda name: neutral(display_name(name, name_max)))
