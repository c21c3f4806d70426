"""Slack text helpers: escaping, length-safe truncation, name lists and text budgets.

Slack treats ``&``, ``<`` and ``>`` as control characters in every text object, so anything that
comes from outside (company names, the ``find`` text, error messages) is escaped before it is
put into a message. Truncation always happens on the raw text, before escaping, so an entity is
never cut in half.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.report.formatting import ELLIPSIS, NAME_MAX, clean_text, display_name, join_within

__all__ = [
    "escape",
    "fit_escaped",
    "join_names",
    "safe_name",
    "slack_len",
    "text_length",
    "trim_escaped",
]

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_PARTIAL_ENTITY = re.compile(r"&[a-z#0-9]*$")


def slack_len(text: str) -> int:
    """Length as Slack may count it: UTF-16 code units (an emoji counts 2), never less than ``len``."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def escape(text: str) -> str:
    """Escape Slack's control characters: ``&`` → ``&amp;``, ``<`` → ``&lt;``, ``>`` → ``&gt;``."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escaped_len(ch: str) -> int:
    return slack_len(_ENTITIES.get(ch, ch))


def fit_escaped(text: str, max_len: int) -> str:
    """Escape ``text`` (cleaned to one line) so the result is at most ``max_len`` characters.

    When the escaped text is too long, the raw text is cut first and ends in "…".

    Args:
        text: raw, unescaped text.
        max_len: the limit for the escaped result.

    Returns:
        Escaped text of at most ``max_len`` characters.
    """
    text = clean_text(text)
    escaped = escape(text)
    if slack_len(escaped) <= max_len:
        return escaped
    budget = max_len - len(ELLIPSIS)
    used = 0
    cut = 0
    for ch in text:
        size = _escaped_len(ch)
        if used + size > budget:
            break
        used += size
        cut += 1
    return escape(text[:cut].rstrip()) + ELLIPSIS if budget > 0 else ""


def trim_escaped(text: str, max_len: int) -> str:
    """Cut already-escaped mrkdwn to ``max_len`` (:func:`slack_len`) without splitting an entity."""
    if slack_len(text) <= max_len:
        return text
    budget = max(0, max_len - len(ELLIPSIS))
    used = 0
    cut = 0
    for ch in text:
        used += slack_len(ch)
        if used > budget:
            break
        cut += 1
    return _PARTIAL_ENTITY.sub("", text[:cut]) + ELLIPSIS


def safe_name(name: str, max_len: int = NAME_MAX) -> str:
    """A company name for Slack: cleaned, cut at ``max_len`` raw characters, then escaped."""
    return escape(display_name(name, max_len))


def join_names(names: Sequence[str], *, budget: int, separator: str = ", ") -> str:
    """Escaped names joined by ``separator``, ending in "…and N more" when they exceed ``budget``.

    Args:
        names: raw company names.
        budget: the most characters the result may have.
        separator: what goes between names.

    Returns:
        The joined, escaped names (never longer than ``budget``).
    """
    text = join_within(names, budget=budget, render=safe_name, length=slack_len, separator=separator)
    return trim_escaped(text, budget)


def text_length(value: Any) -> int:
    """Total :func:`slack_len` of every ``"text"`` string inside a block structure (the message budget)."""
    if isinstance(value, dict):
        own = value.get("text")
        total = slack_len(own) if isinstance(own, str) else 0
        return total + sum(
            text_length(v) for k, v in value.items() if not (k == "text" and isinstance(v, str))
        )
    if isinstance(value, list | tuple):
        return sum(text_length(v) for v in value)
    return 0
