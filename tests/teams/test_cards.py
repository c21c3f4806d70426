"""Adaptive Cards for Teams."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.report.decisions import Decision
from bot.report.model import OverageReport, Snapshot, SnapshotRow
from bot.report.states import with_states
from bot.teams.cards import (
    CARD_MAX_BYTES,
    CARD_SCHEMA,
    VERB_EXPORT_CSV,
    VERB_EXPORT_STATEMENT,
    VERB_EXPORT_XLSX,
    build_link_card,
    build_report_card,
    build_text_card,
)
from tests.report.builders import GENERATED, ISTANBUL, company, make_report, many_companies


def _card(report: OverageReport, *, cached: bool = False, now: datetime | None = None) -> dict[str, Any]:
    return build_report_card(report, tz=ISTANBUL, now=now or GENERATED, cached=cached)


def _size(card: dict[str, Any]) -> int:
    return len(json.dumps(card).encode("utf-8"))


def _visible(value: Any) -> list[str]:
    """Every text shown: TextBlock text and TextRun text."""
    if isinstance(value, dict):
        own = [value["text"]] if value.get("type") in ("TextBlock", "TextRun") else []
        return own + [t for v in value.values() for t in _visible(v)]
    if isinstance(value, list):
        return [t for item in value for t in _visible(item)]
    return []


def _all_text(card: dict[str, Any]) -> str:
    return "\n".join(_visible(card["body"]))


def _table(card: dict[str, Any]) -> dict[str, Any]:
    tables: list[dict[str, Any]] = [item for item in card["body"] if item["type"] == "Table"]
    assert len(tables) == 1
    return tables[0]


def _rows(card: dict[str, Any]) -> list[list[str]]:
    return [["".join(_visible(cell)) for cell in row["cells"]] for row in _table(card)["rows"]]


def _text_runs(card: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if value.get("type") == "TextRun":
                found.append(value)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(card["body"])
    return found


class TestReportCard:
    """Content of the report card."""

    def test_envelope(self) -> None:
        """An Adaptive Card 1.5 with the schema."""
        card = _card(make_report(many_companies(3)))
        assert card["type"] == "AdaptiveCard"
        assert card["version"] == "1.5"
        assert card["$schema"] == CARD_SCHEMA

    def test_summary_true_up_and_unknown(self) -> None:
        """N of M, total excess, true-up and the unreadable-limit note are shown."""
        companies = [*many_companies(2), company(9, "Odd", "n/a", 5)]
        text = _all_text(_card(make_report(companies, seat_price=10.0, currency="EUR")))
        assert "**3** of 537 customers are over their license limit — **3** excess users" in text
        assert "Estimated true-up ≈ \n€30.00\n / month (trials excluded)" in text
        assert "1 with an unreadable license limit" in text

    def test_table(self) -> None:
        """The top N are a Table whose first row is the header; unknown limits read '?'/'unknown'."""
        card = _card(make_report([*many_companies(3), company(9, "Odd", "n/a", 5)], top_n=10))
        table = _table(card)
        assert table["firstRowAsHeaders"] is True
        rows = _rows(card)
        assert rows[0] == ["Company", "License limit", "Active users", "Excess"]
        assert rows[1] == ["Company 3", "100", "103", "+3 (+3.0 %)"]
        assert rows[-1] == ["Odd", "?", "5", "unknown"]

    def test_top_25_shows_25_offenders(self) -> None:
        """`overage top 25` shows 25 offenders under the header row, the largest first."""
        card = _card(make_report(many_companies(200), top_n=25))
        rows = _rows(card)
        assert len(rows) == 1 + 25
        assert rows[1][0] == "Company 200"
        assert rows[25][0] == "Company 176"
        assert "…and 175 more in the export" in _all_text(card)

    def test_top_25_with_long_names_still_shows_25(self) -> None:
        """Sixty-character names (the longest shown whole) still fit 25 offenders in the card."""
        companies = [company(i, f"{i:03d}" + "N" * 57, "100", 100 + i) for i in range(1, 201)]
        card = _card(make_report(companies, top_n=25, seat_price=1.0))
        assert len(_rows(card)) == 1 + 25
        assert _size(card) <= CARD_MAX_BYTES

    def test_table_capped_at_25_offenders(self) -> None:
        """top 50 shows 25 offenders (plus the header), and the rest is announced."""
        card = _card(make_report(many_companies(200), top_n=50))
        assert len(_table(card)["rows"]) == 1 + 25
        assert "…and 175 more in the export" in _all_text(card)

    def test_hidden_line(self) -> None:
        """Offenders beyond the top N are counted."""
        assert "…and 73 more in the export" in _all_text(_card(make_report(many_companies(83))))

    def test_week_over_week(self) -> None:
        """The change line and the newly over / no longer over lists."""
        previous = Snapshot(
            taken_on=date(2026, 11, 16),
            rows=(SnapshotRow("c1", "Company 1", 100, 101, 1), SnapshotRow("gone", "Gone Ltd", 10, 12, 2)),
        )
        text = _all_text(_card(make_report(many_companies(3), previous=previous)))
        assert "**+1 customer** since 2026-11-16, excess users **+3**" in text
        assert "Newly over: \nCompany 2, Company 3" in text
        assert "No longer over: \nGone Ltd" in text

    def test_footer_and_cached(self) -> None:
        """Generated time in the reseller's zone, the source and the cache age."""
        card = _card(make_report(many_companies(1)), cached=True, now=GENERATED + timedelta(seconds=42))
        assert (
            "Generated 2026-11-26 09:00 (Europe/Istanbul) · Source: https://api.keepnetlabs.com · cached, 42 s old"
            in _all_text(card)
        )

    def test_find_title(self) -> None:
        """A find report names the search in the title."""
        assert "— find: acme" in _all_text(_card(make_report(many_companies(1), query="acme")))

    def test_actions_execute_with_submit_fallback(self) -> None:
        """CSV, Excel export and Statement are Action.Execute with an Action.Submit fallback carrying the verb.

        The statement always covers every customer over the limit, so it carries no find text.
        """
        card = _card(make_report(many_companies(2), query="acme"))
        assert [action["title"] for action in card["actions"]] == ["CSV", "Excel export", "Statement"]
        verbs = (VERB_EXPORT_CSV, VERB_EXPORT_XLSX, VERB_EXPORT_STATEMENT)
        for action, verb, query in zip(card["actions"], verbs, ("acme", "acme", ""), strict=True):
            assert action["type"] == "Action.Execute"
            assert action["verb"] == verb
            assert action["data"] == {"q": query}
            assert action["fallback"] == {
                "type": "Action.Submit",
                "title": action["title"],
                "data": {"verb": verb, "q": query},
            }

    def test_zero_offenders(self) -> None:
        """Nobody over the limit: a positive line, no table, no export buttons."""
        card = _card(make_report([]))
        assert "All 537 customers are within their license limit." in _all_text(card)
        assert not [item for item in card["body"] if item["type"] == "Table"]
        assert "actions" not in card

    def test_zero_offenders_for_a_find_names_the_search(self) -> None:
        """A find with nobody over names the search text and never says "0 customers checked"."""
        text = _all_text(_card(make_report([], customer_count=0, query="acme")))
        assert "✅ No customer matching “acme” is over the license limit." in text
        assert "checked" not in text
        some = _all_text(_card(make_report([], customer_count=3, query="<acme>")))
        assert (
            "No customer matching “‹acme›” is over the license limit (3 matching customers checked)." in some
        )


class TestNeutralizing:
    """Names cannot mention, link, format or run card functions."""

    @pytest.mark.parametrize(
        "name",
        [
            "<at>Everyone</at> Corp",
            "[click](https://evil.example) Ltd",
            "**Bold** _Co_",
            "{{DATE(2017-02-14T06:08:00Z)}} Inc",
        ],
    )
    def test_names_only_in_text_runs(self, name: str) -> None:
        """Outside text is only placed in TextRuns (never markdown), with tags and {{ defused."""
        previous = Snapshot(taken_on=date(2026, 11, 16), rows=(SnapshotRow("x", name, 1, 2, 1),))
        card = _card(make_report([company(1, name, "1", 5)], previous=previous, query=name))
        text_blocks = [
            t for t in _visible(card["body"]) if t not in {run["text"] for run in _text_runs(card)}
        ]
        core = name.split(" ")[0][:6]
        assert all(core not in text for text in text_blocks)
        everything = json.dumps(card["body"], ensure_ascii=False)  # action data carries the raw query
        assert "<at>" not in everything
        assert "{{" not in everything

    def test_at_mention_is_defused(self) -> None:
        """Angle brackets turn into look-alikes, so '<at>' is shown, not parsed."""
        rows = _rows(_card(make_report([company(1, "<at>Boss</at> & Co", "1", 5)])))
        assert rows[1][0] == "‹at›Boss‹/at› & Co"

    def test_formula_names_untouched(self) -> None:
        """Formula-like names are shown as they are."""
        assert _rows(_card(make_report([company(1, "=1+2", "1", 5)])))[1][0] == "=1+2"


class TestSize:
    """The card stays under 28 KB."""

    def test_ten_thousand_offenders_with_emoji_names(self) -> None:
        """10,000 offenders with 120-character emoji names, top 50 and long lists: ≤ 28 KB."""
        name = ("🎉🚀👩‍👩‍👧<at>&" * 20)[:120]
        previous = Snapshot(
            taken_on=date(2026, 11, 16), rows=tuple(SnapshotRow(f"g{i}", name, 1, 2, 1) for i in range(5000))
        )
        companies = [company(i, f"{name}{i}", "100", 100 + i) for i in range(10_000)]
        report = make_report(companies, top_n=50, previous=previous, query=name * 3, seat_price=1.0)
        card = _card(report, cached=True)
        assert _size(card) <= CARD_MAX_BYTES
        assert len(json.dumps(card, ensure_ascii=False).encode("utf-8")) <= CARD_MAX_BYTES
        assert len(_table(card)["rows"]) >= 2
        shown = len(_table(card)["rows"]) - 1
        assert f"…and {10_000 - shown:,} more in the export" in _all_text(card)

    def test_names_up_to_40_shown_whole_in_big_cards(self) -> None:
        """Even when the card must shrink, 40-character names are shown in full."""
        name = "N" * 40
        companies = [company(i, name, "100", 100 + i) for i in range(5000)]
        card = _card(make_report(companies, top_n=50))
        assert _rows(card)[1][0] == name


def test_link_card() -> None:
    """The link card says how long the link works and opens the URL."""
    expires = datetime(2026, 11, 26, 6, 10, tzinfo=UTC)
    card = build_link_card(
        kind="CSV",
        url="https://bot.example/exports/t0k",
        expires_at=expires,
        tz=ISTANBUL,
        now=expires - timedelta(minutes=10),
    )
    assert _all_text(card) == "Your CSV export is ready — the link works for 10 minutes (until 09:10)."
    assert card["actions"] == [
        {"type": "Action.OpenUrl", "title": "Download CSV", "url": "https://bot.example/exports/t0k"}
    ]
    without_now = build_link_card(kind="Excel", url="https://x", expires_at=expires, tz=ISTANBUL)
    assert _all_text(without_now) == "Your Excel export is ready — the link works until 09:10."


def test_text_card() -> None:
    """A text card shows the text, with tags and {{ defused."""
    card = build_text_card("Keepnet said <at>no</at>\n{{DATE(x)}}")
    assert card["type"] == "AdaptiveCard"
    text = _all_text(card)
    assert "‹at›no‹/at›" in text
    assert "{{" not in text


_names = st.text(alphabet=st.characters(codec="utf-8"), max_size=200)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pool=st.lists(_names, min_size=1, max_size=8),
    count=st.integers(0, 3000),
    top_n=st.integers(1, 50),
    gone=st.integers(0, 3000),
    query=_names,
)
def test_any_report_fits(pool: list[str], count: int, top_n: int, gone: int, query: str) -> None:
    """Whatever the names and counts, the card stays ≤ 28 KB and shows no raw '<'."""
    companies = [company(i, pool[i % len(pool)], "10", 11 + i) for i in range(count)]
    previous = Snapshot(
        taken_on=date(2026, 11, 16),
        rows=tuple(SnapshotRow(f"g{i}", pool[i % len(pool)], 1, 2, 1) for i in range(gone)),
    )
    card = _card(make_report(companies, top_n=top_n, previous=previous, query=query))
    assert _size(card) <= CARD_MAX_BYTES
    assert all("<" not in text for text in _visible(card["body"]))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pool=st.lists(_names, min_size=1, max_size=8),
    count=st.integers(0, 3000),
    top_n=st.integers(1, 50),
    decided=st.integers(0, 3000),
    by_name=_names,
    weekly=st.booleans(),
    rerender=st.booleans(),
    notice=st.one_of(st.none(), _names),
    history=st.booleans(),
)
def test_any_report_with_states_fits(
    pool: list[str],
    count: int,
    top_n: int,
    decided: int,
    by_name: str,
    weekly: bool,
    rerender: bool,
    notice: str | None,
    history: bool,
) -> None:
    """With billing states, Needs action rows, Decide… menus and Over since, the card still stays ≤ 28 KB."""
    companies = [company(i, pool[i % len(pool)], "10", 11 + i) for i in range(count)]
    kinds = ("billed", "snoozed", "ignored", "reopened")
    latest = {
        f"c{i}": Decision(
            company_id=f"c{i}",
            decision=kinds[i % 4],  # type: ignore[arg-type]
            decided_at=GENERATED,
            by_id="6b9c3e1d-0000-4000-8000-00000000a11c",
            by_name=by_name or None,
            excess=i,
            until=date(2027, 1, 1),
            cycle="2026-11",
            edge="teams",
        )
        for i in range(0, min(decided, count), 2)
    }
    report = with_states(
        make_report(companies, top_n=top_n), latest, now=GENERATED, tz=ISTANBUL, cycle="monthly"
    )
    if history:  # the Over since column
        over = {f"c{i}": GENERATED.date() - timedelta(days=i * 3 % 900) for i in range(count)}
        report = dataclasses.replace(report, over_since=over)
    since = GENERATED if rerender else None
    card = build_report_card(report, tz=ISTANBUL, now=GENERATED, weekly=weekly, since=since, notice=notice)
    assert _size(card) <= CARD_MAX_BYTES
    assert all("<" not in text for text in _visible(card["body"]))
    buttons = [a for a in json.loads(json.dumps(card))["body"] if a.get("type") == "Container"]
    assert len(buttons) <= 5


def test_over_since_column_in_the_card() -> None:
    """The card's table gains Over since when the report carries history."""
    report = dataclasses.replace(
        make_report(many_companies(2)), over_since={"c2": GENERATED.date() - timedelta(days=3)}
    )
    text = _all_text(_card(report))
    assert "Over since" in text
    assert f"{(GENERATED.date() - timedelta(days=3)).isoformat()} · 3 d" in text


def test_a_customer_without_an_id_gets_no_decide_buttons() -> None:
    """No companyResourceId: the card lists it as needing action, with Decide… only for the one with an id."""
    from bot.keepnet.models import Company

    rows = [
        Company.from_wire(
            {"companyResourceId": None, "companyName": "No id", "numberOfUsers": "1", "targetUserCount": 9}
        ),
        Company.from_wire(
            {"companyResourceId": "a", "companyName": "Has id", "numberOfUsers": "1", "targetUserCount": 5}
        ),
    ]
    card = _card(with_states(make_report(rows), {}, now=GENERATED, tz=ISTANBUL, cycle="monthly"))
    found = json.dumps(card)
    assert "No id" in found
    companies = {d["company"] for d in _all_decide_data(card)}
    assert companies == {"a"}


def _all_decide_data(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if node.get("type") == "Action.Execute" and node.get("verb") == "decide":
            found.append(node["data"])
        for value in node.values():
            found.extend(_all_decide_data(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_all_decide_data(value))
    return found
