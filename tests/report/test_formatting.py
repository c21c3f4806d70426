"""Shared number, money, time and text formatting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.report.formatting import (
    clean_text,
    display_name,
    display_width,
    fit_width,
    fmt_age,
    fmt_excess,
    fmt_generated,
    fmt_int,
    fmt_limit,
    fmt_money,
    fmt_pct,
    fmt_signed,
    no_match_over_sentence,
    over_limit_sentence,
    pad,
    plural,
    truncate,
    tz_label,
)


class TestNumbers:
    """Counts, signed changes and percentages."""

    def test_thousands_separators(self) -> None:
        """Large counts get thousands separators."""
        assert fmt_int(1204) == "1,204"
        assert fmt_int(11340) == "11,340"
        assert fmt_int(7) == "7"

    @pytest.mark.parametrize(("value", "text"), [(3, "+3"), (-2, "-2"), (0, "±0"), (1400, "+1,400")])
    def test_signed_always_shows_sign(self, value: int, text: str) -> None:
        """A change always carries its sign, and zero reads ±0."""
        assert fmt_signed(value) == text

    def test_percent_has_one_decimal(self) -> None:
        """Percentages have one decimal and a space before the sign."""
        assert fmt_pct(12.345) == "12.3 %"
        assert fmt_pct(14.0, signed=True) == "+14.0 %"

    def test_excess_with_percent(self) -> None:
        """Excess reads '+N (+x %)'."""
        assert fmt_excess(140, 14.0) == "+140 (+14.0 %)"

    def test_excess_unknown(self) -> None:
        """An unreadable limit gives 'unknown' excess and a '?' limit."""
        assert fmt_excess(None, None) == "unknown"
        assert fmt_limit(None) == "?"
        assert fmt_limit(1000) == "1,000"

    def test_excess_without_percent(self) -> None:
        """A zero limit has no percentage, only the count."""
        assert fmt_excess(5, None) == "+5"

    def test_plural(self) -> None:
        """Nouns agree with the count."""
        assert plural(1, "customer") == "1 customer"
        assert plural(2, "customer") == "2 customers"
        assert plural(1500, "excess user") == "1,500 excess users"

    def test_over_limit_sentence(self) -> None:
        """The headline sentence agrees in number and can emphasise the count."""
        assert over_limit_sentence(83, 537) == "83 of 537 customers are over their license limit"
        assert over_limit_sentence(1, 1) == "1 of 1 customer is over its license limit"
        assert over_limit_sentence(83, 537, strong=lambda s: f"*{s}*").startswith("*83* of 537")


class TestMoney:
    """True-up amounts."""

    @pytest.mark.parametrize(
        ("currency", "text"),
        [
            ("USD", "$12,040"),
            ("EUR", "€12,040"),
            ("GBP", "£12,040"),
            ("TRY", "₺12,040"),
            ("CHF", "CHF 12,040"),
        ],
    )
    def test_symbol_or_code(self, currency: str, text: str) -> None:
        """Known currencies use their symbol, others the ISO code."""
        assert fmt_money(12040.0, currency) == text

    def test_cents_when_not_whole(self) -> None:
        """Amounts with cents show two decimals."""
        assert fmt_money(1234.5, "usd") == "$1,234.50"

    def test_not_finite(self) -> None:
        """An infinite amount does not crash."""
        assert fmt_money(float("inf"), "USD") == "USD ?"


class TestTime:
    """Generated time, time zone label and cache age."""

    def test_generated_in_reseller_zone(self) -> None:
        """The time is shown in the configured zone with its IANA name."""
        moment = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
        assert fmt_generated(moment, ZoneInfo("Europe/Istanbul")) == "2026-11-26 09:00 (Europe/Istanbul)"

    def test_fixed_offset_label(self) -> None:
        """A fixed-offset zone still gets a readable label."""
        assert tz_label(UTC) == "UTC"
        assert tz_label(timezone(timedelta(hours=3))) == "UTC+03:00"

    @pytest.mark.parametrize(
        ("seconds", "text"), [(42.9, "42 s"), (-1, "0 s"), (300, "5 min"), (7500, "2 h 5 min"), (7200, "2 h")]
    )
    def test_age(self, seconds: float, text: str) -> None:
        """Cache age reads in seconds, minutes or hours."""
        assert fmt_age(seconds) == text


class TestText:
    """Cleaning and truncating names."""

    def test_clean_removes_control_characters(self) -> None:
        """Newlines, tabs and terminal escapes become single spaces."""
        assert clean_text("  Acme\n\tCorp\x1b[31m  ") == "Acme Corp [31m"

    def test_clean_replaces_lone_surrogates(self) -> None:
        """A lone surrogate cannot break UTF-8 encoding later."""
        assert clean_text("A\ud800B").encode("utf-8") == b"A?B"

    def test_names_up_to_60_are_whole(self) -> None:
        """Names of 40 and 60 characters are shown in full."""
        assert display_name("x" * 40) == "x" * 40
        assert display_name("y" * 60) == "y" * 60

    def test_long_names_are_cut_with_ellipsis(self) -> None:
        """A 61-character name is cut to 60 characters ending in '…'."""
        shown = display_name("z" * 61)
        assert len(shown) == 60
        assert shown.endswith("…")

    def test_blank_name(self) -> None:
        """A blank name is shown as '(no name)'."""
        assert display_name("  \n ") == "(no name)"

    def test_formula_names_untouched(self) -> None:
        """Spreadsheet-formula-like names are shown as they are (neutralizing is for CSV only)."""
        assert display_name('=HYPERLINK("x")') == '=HYPERLINK("x")'

    def test_truncate_edge(self) -> None:
        """Truncating to nothing gives an empty string."""
        assert truncate("abc", 0) == ""
        assert truncate("abc", 3) == "abc"

    def test_width_of_wide_characters(self) -> None:
        """CJK and emoji take two terminal columns."""
        assert display_width("株式") == 4
        assert display_width("🎉a") == 3
        assert display_width("e\u0301") == 1

    def test_fit_and_pad_by_width(self) -> None:
        """Fitting and padding count terminal columns, not characters."""
        cut = fit_width("株式会社テスト", 7)
        assert cut.endswith("…")
        assert display_width(cut) <= 7
        assert display_width(pad("株式", 6)) == 6
        assert pad("7", 3, align="right") == "  7"


def test_no_match_over_sentence_counts_matches_only_when_there_are_some() -> None:
    """A find with nobody over names the search; matches are counted only when there are any."""
    assert no_match_over_sentence("acme", 0) == "No customer matching “acme” is over the license limit"
    assert no_match_over_sentence("acme", 1) == (
        "No customer matching “acme” is over the license limit (1 matching customer checked)"
    )


def test_join_within_keeps_the_budget_and_counts_the_rest() -> None:
    """Names that fit are shown, the rest counted; the result never exceeds the budget."""
    from bot.report.formatting import join_within

    names = [f"Company {i}" for i in range(50)]
    text = join_within(names, budget=60)
    assert text.startswith("Company 0, Company 1")
    assert text.endswith("more")
    assert len(text) <= 60
    shown = text.split(", …and ")[0].count("Company")
    assert text.endswith(f"…and {50 - shown} more")
    assert join_within(["A", "B"], budget=60) == "A, B"
    assert join_within(["A very long name"], budget=5) == "…and 1 more"
    assert join_within(["a&b"], budget=20, render=lambda n: n.replace("&", "&amp;")) == "a&amp;b"
