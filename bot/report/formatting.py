"""Number, money, time and text formatting shared by the Slack, Teams and terminal renderers.

Everything here is pure and markup-free: the renderers add their own emphasis and escaping.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from bot.report.model import OverageReport

__all__ = [
    "ELLIPSIS",
    "NAME_MAX",
    "clean_text",
    "display_name",
    "display_width",
    "fit_width",
    "fmt_age",
    "fmt_excess",
    "fmt_generated",
    "fmt_int",
    "fmt_limit",
    "fmt_money",
    "fmt_pct",
    "fmt_signed",
    "fmt_time",
    "fmt_true_up",
    "join_within",
    "no_match_over_sentence",
    "over_limit_sentence",
    "pad",
    "plural",
    "truncate",
    "tz_label",
]

ELLIPSIS = "…"
NAME_MAX = 60
"""Company names up to this many characters are shown in full; longer ones end in "…"."""

_CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "TRY": "₺"}
_NO_NAME = "(no name)"


def fmt_int(value: int) -> str:
    """``1204`` → ``"1,204"``."""
    return f"{value:,}"


def fmt_signed(value: int) -> str:
    """A change with its sign always shown: ``"+3"``, ``"-2"``, ``"±0"``."""
    return "±0" if value == 0 else f"{value:+,}"


def fmt_pct(value: float, *, signed: bool = False) -> str:
    """A percentage with one decimal: ``"12.5 %"`` (``"+12.5 %"`` when ``signed``)."""
    return f"{value:+,.1f} %" if signed else f"{value:,.1f} %"


def fmt_limit(limit: int | None) -> str:
    """A license limit, ``"?"`` when it could not be read."""
    return "?" if limit is None else fmt_int(limit)


def fmt_excess(excess: int | None, pct: float | None) -> str:
    """Excess users with the percentage over the limit: ``"+140 (+14.0 %)"``; ``"unknown"`` if unknown."""
    if excess is None:
        return "unknown"
    if pct is None:
        return fmt_signed(excess)
    return f"{fmt_signed(excess)} ({fmt_pct(pct, signed=True)})"


def fmt_money(value: float, currency: str) -> str:
    """An amount with its currency: ``"$12,040"``, ``"€9.50"``, ``"CHF 1,200"``.

    Whole amounts have no decimals; others have two. USD, EUR, GBP and TRY use their symbol,
    other currencies are prefixed with their ISO code.
    """
    if not math.isfinite(value):
        return f"{currency.upper()} ?"
    amount = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    symbol = _CURRENCY_SYMBOLS.get(currency.upper())
    if symbol is None:
        return f"{currency.upper()} {amount}"
    if amount.startswith("-"):
        return f"-{symbol}{amount[1:]}"
    return f"{symbol}{amount}"


def fmt_true_up(report: OverageReport) -> tuple[str, str] | None:
    """The estimated true-up as (amount, what it covers), e.g. ``("$9,630.00", "/ month (trials excluded)")``.

    None when no price is configured. The amount follows the statement's Total: trials and ignored
    customers are left out, each license type at its own price; Babel formats it in the locale.
    """
    total = report.true_up
    if total.amount is None:
        return None
    rule = report.pricing_rule
    return rule.money(total.amount), f"/ {rule.period} {total.excluded_note()}"


def _same(text: str) -> str:
    return text


def over_limit_sentence(over: int, customers: int, *, strong: Callable[[str], str] = _same) -> str:
    """``"83 of 537 customers are over their license limit"`` (singular-aware).

    Args:
        over: customers over their limit.
        customers: all customers.
        strong: wraps the leading number in the renderer's emphasis (e.g. Slack ``*83*``).

    Returns:
        The sentence, without a full stop.
    """
    noun = "customer" if customers == 1 else "customers"
    verb = "is over its" if over == 1 else "are over their"
    return f"{strong(fmt_int(over))} of {fmt_int(customers)} {noun} {verb} license limit"


def no_match_over_sentence(query: str, matching: int) -> str:
    """A ``find`` with nobody over: ``No customer matching “acme” is over the license limit``.

    Args:
        query: the search text as the renderer shows it (already escaped or cut).
        matching: how many customers match the search; named when there are some
            (``… (4 matching customers checked)``), left out when none do (so no "0 checked").

    Returns:
        The sentence, without a full stop.
    """
    sentence = f"No customer matching “{query}” is over the license limit"
    if matching > 0:
        sentence += f" ({plural(matching, 'matching customer')} checked)"
    return sentence


def change_headline(
    customers_delta: int, excess_delta: int, since: date, *, strong: Callable[[str], str] = _same
) -> str:
    """``"+3 customers since 2026-11-16, excess users +140"``; ``strong`` marks up the two changes."""
    noun = "customer" if abs(customers_delta) == 1 else "customers"
    return (
        f"{strong(f'{fmt_signed(customers_delta)} {noun}')} since {since.isoformat()}, "
        f"excess users {strong(fmt_signed(excess_delta))}"
    )


def tz_label(tz: tzinfo) -> str:
    """The name people know a time zone by: the IANA key (``"Europe/Istanbul"``) or ``"UTC"``."""
    key = getattr(tz, "key", None)
    return key if isinstance(key, str) and key else str(tz)


def fmt_time(moment: datetime, tz: tzinfo) -> str:
    """``moment`` in ``tz`` as ``"2026-11-26 09:00"``."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def fmt_generated(moment: datetime, tz: tzinfo) -> str:
    """``"2026-11-26 09:00 (Europe/Istanbul)"``."""
    return f"{fmt_time(moment, tz)} ({tz_label(tz)})"


def fmt_age(seconds: float) -> str:
    """How old cached data is: ``"42 s"``, ``"5 min"``, ``"2 h 5 min"``."""
    total = max(0, int(seconds))
    if total < 60:
        return f"{total} s"
    minutes = total // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h" if rest == 0 else f"{hours} h {rest} min"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``"1 customer"``, ``"2 customers"`` (thousands separators included)."""
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{fmt_int(count)} {word}"


def clean_text(text: str) -> str:
    """Make text safe to show on one line.

    Control characters (newlines, tabs, ANSI escapes) become spaces, runs of whitespace collapse
    to one space, lone surrogates become ``"?"``, and the ends are trimmed.
    """
    text = text.encode("utf-8", "replace").decode("utf-8")
    chars = [" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text]
    return " ".join("".join(chars).split())


def truncate(text: str, max_len: int) -> str:
    """Cut ``text`` to at most ``max_len`` characters, ending in "…" when it was cut."""
    if len(text) <= max_len:
        return text
    if max_len <= 0:
        return ""
    return text[: max_len - 1].rstrip() + ELLIPSIS


def display_name(name: str, max_len: int = NAME_MAX) -> str:
    """A company name ready to show: cleaned, cut at ``max_len`` with "…", ``"(no name)"`` if blank."""
    return truncate(clean_text(name), max_len) or _NO_NAME


def _char_width(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes (wide CJK/emoji count 2, combining marks 0)."""
    return sum(_char_width(ch) for ch in text)


def fit_width(text: str, width: int) -> str:
    """Cut ``text`` to at most ``width`` terminal columns, ending in "…" when it was cut."""
    if display_width(text) <= width:
        return text
    out: list[str] = []
    used = 0
    for ch in text:
        w = _char_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out).rstrip() + ELLIPSIS


def pad(text: str, width: int, *, align: Literal["left", "right"] = "left") -> str:
    """Pad ``text`` with spaces to ``width`` terminal columns."""
    fill = " " * max(0, width - display_width(text))
    return text + fill if align == "left" else fill + text


def join_within(
    names: Sequence[str],
    *,
    budget: int,
    render: Callable[[str], str] = str,
    length: Callable[[str], int] = len,
    separator: str = ", ",
) -> str:
    """Names joined by ``separator`` within ``budget`` characters, ending in "…and N more" when cut.

    Every chat edge lists names this way (Slack mrkdwn, Teams cards); each passes how a name is
    rendered (escaped, neutralized, shortened) and how its length counts.

    Args:
        names: raw names.
        budget: the most characters the result may have (as ``length`` counts them).
        render: turns a raw name into its text.
        length: the length of a rendered text.
        separator: what goes between names.

    Returns:
        As many rendered names as fit, then "…and N more" for the rest.
    """
    parts: list[str] = []
    used = 0
    for index, name in enumerate(names):
        part = render(name)
        tail = len(f"{separator}{ELLIPSIS}and {fmt_int(len(names))} more") if index < len(names) - 1 else 0
        extra = length(part) + (len(separator) if parts else 0)
        if used + extra + tail > budget:
            break
        parts.append(part)
        used += extra
    hidden = len(names) - len(parts)
    text = separator.join(parts)
    if hidden:
        more = f"{ELLIPSIS}and {fmt_int(hidden)} more"
        text = f"{text}{separator}{more}" if parts else more
    return text
