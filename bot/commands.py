"""The ``/overage`` command language, shared by Slack (``/overage <text>``) and Teams (``overage <text>``).

::

    ""              the report (default top N)
    help            the usage text
    top 25          the report showing the 25 largest offenders (1–50)
    find <text>     the report for companies matching <text>
    history <text>  over since, the excess trend and decisions of matching customers
    statement       the billing-ready statement (XLSX) for every customer over the limit
    reopen <text>   reopen the billing decisions of the companies matching <text> (approvers)

Keywords are case-insensitive; extra whitespace and newlines are ignored; HTML entities that
Slack and Teams put into message text (``&amp;``, ``&lt;``, ``&nbsp;`` …) are decoded first.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Literal

__all__ = ["MAX_QUERY_LEN", "TOP_MAX", "TOP_MIN", "Command", "parse_command"]

TOP_MIN = 1
TOP_MAX = 50
MAX_QUERY_LEN = 200
"""Longest ``find`` text accepted (Keepnet searches by name; longer text is surely a mistake)."""

_PREFIXES = ("/overage", "overage")
_QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’", "«": "»"}


@dataclass(frozen=True)
class Command:
    """A parsed command.

    Attributes:
        kind: ``"report"``, ``"help"``, ``"reopen"``, ``"history"``, ``"statement"`` or ``"usage_error"``.
        top_n: how many offenders to show, when ``top N`` was given.
        query: the ``find`` / ``reopen`` text ("" for the full report).
        error: for ``usage_error``, what is wrong (plain text, not escaped).
    """

    kind: Literal["report", "help", "reopen", "history", "statement", "usage_error"]
    top_n: int | None = None
    query: str = ""
    error: str = ""


def _usage_error(message: str) -> Command:
    return Command(kind="usage_error", error=message)


def _short(word: str, max_len: int = 30) -> str:
    return word if len(word) <= max_len else word[: max_len - 1] + "…"


def _normalize(text: str) -> str:
    text = html.unescape(text).replace("\xa0", " ")
    return " ".join(text.split())


def _unquote(text: str) -> str:
    if len(text) >= 2 and _QUOTES.get(text[0]) == text[-1]:
        return text[1:-1].strip()
    return text


def _parse_top(args: list[str]) -> Command:
    if not args:
        return _usage_error(f"`top` needs a number from {TOP_MIN} to {TOP_MAX}, e.g. `top 25`.")
    if len(args) > 1:
        return _usage_error(f"`top` takes one number from {TOP_MIN} to {TOP_MAX}, e.g. `top 25`.")
    raw = args[0]
    if not raw.isascii() or not raw.isdigit():
        return _usage_error(
            f"“{_short(raw)}” is not a number: use `top` with a number from {TOP_MIN} to {TOP_MAX}."
        )
    value = int(raw)
    if not TOP_MIN <= value <= TOP_MAX:
        return _usage_error(f"`top {_short(raw)}` is out of range: use a number from {TOP_MIN} to {TOP_MAX}.")
    return Command(kind="report", top_n=value)


_FIND_KINDS: dict[str, Literal["report", "reopen", "history"]] = {
    "find": "report",
    "reopen": "reopen",
    "history": "history",
}


def _parse_find(rest: str, *, word: str = "find") -> Command:
    query = _unquote(rest.strip())
    if not query:
        return _usage_error(f"`{word}` needs some text to search for, e.g. `{word} acme`.")
    if len(query) > MAX_QUERY_LEN:
        return _usage_error(
            f"The search text is too long ({len(query)} characters; at most {MAX_QUERY_LEN})."
        )
    return Command(kind=_FIND_KINDS[word], query=query)


def parse_command(text: str) -> Command:
    """Parse the text after ``/overage`` (Slack) or after the bot mention (Teams).

    A leading ``overage`` / ``/overage`` word is tolerated, so Teams text such as
    ``"overage top 25"`` parses the same as Slack's ``"top 25"``.

    Args:
        text: the raw command text.

    Returns:
        The command; unknown input gives ``kind="usage_error"`` with an explanation in ``error``.

    Example:
        >>> parse_command("TOP  25")
        Command(kind='report', top_n=25, query='', error='')
    """
    normalized = _normalize(text)
    keyword, _, rest = normalized.partition(" ")
    if keyword.casefold() in _PREFIXES:
        normalized = rest
        keyword, _, rest = normalized.partition(" ")
    word = keyword.casefold()
    if not word:
        return Command(kind="report")
    if word in ("help", "?", "-h", "--help"):
        return Command(kind="help")
    if word == "top":
        return _parse_top(rest.split())
    if word == "find":
        return _parse_find(rest)
    if word == "reopen":
        return _parse_find(rest, word="reopen")
    if word == "history":
        return _parse_find(rest, word="history")
    if word == "statement":
        if rest.strip():
            return _usage_error("`statement` takes no text: it covers every customer over the limit.")
        return Command(kind="statement")
    return _usage_error(f"Unknown command “{_short(keyword)}”.")
