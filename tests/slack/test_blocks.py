"""Block Kit rendering of the overage report."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import unquote

from bot.errors import ActionableError
from bot.report.model import OverageReport, Snapshot, SnapshotRow
from bot.slack.blocks import (
    ACTION_EXPORT_EXCEL,
    ACTION_REFRESH,
    ACTION_STATEMENT,
    block_kit_builder_url,
    build_error_message,
    build_report_message,
)
from bot.slack.messages import format_error
from tests.report.builders import GENERATED, ISTANBUL, company, make_report, many_companies


def _message(report: OverageReport, *, cached: bool = False, now: datetime | None = None) -> dict[str, Any]:
    return build_report_message(report, tz=ISTANBUL, now=now or GENERATED, cached=cached)


def _of_type(message: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [block for block in message["blocks"] if block["type"] == kind]


def _texts(value: Any) -> list[str]:
    """Every text a user can see: text objects, table cells, and the fallback."""
    if isinstance(value, dict):
        own = [value["text"]] if isinstance(value.get("text"), str) else []
        return own + [t for k, v in value.items() if k != "text" or not isinstance(v, str) for t in _texts(v)]
    if isinstance(value, list):
        return [t for item in value for t in _texts(item)]
    return []


def _all_text(message: dict[str, Any]) -> str:
    return "\n".join(_texts(message))


def _table_rows(message: dict[str, Any]) -> list[list[str]]:
    (table,) = _of_type(message, "table")
    return [[cell["text"] for cell in row] for row in table["rows"]]


def _buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    (actions,) = _of_type(message, "actions")
    return {button["action_id"]: button for button in actions["elements"]}


class TestSummary:
    """Header, counts, excess and true-up."""

    def test_header_and_summary(self) -> None:
        """The message opens with a header and '*N* of M customers … — *X* excess users'."""
        message = _message(make_report(many_companies(83)))
        header = message["blocks"][0]
        assert header == {
            "type": "header",
            "block_id": "overage_report",
            "text": {"type": "plain_text", "text": "License overage report", "emoji": True},
        }
        summary = message["blocks"][1]["text"]["text"]
        assert summary.startswith("*83* of 537 customers are over their license limit — *3,486* excess users")

    def test_fallback_text_carries_count_and_excess(self) -> None:
        """Notifications (the top-level text) carry the count and the excess."""
        message = _message(make_report(many_companies(83)))
        assert message["text"] == "83 of 537 customers are over their license limit (3,486 excess users)"

    def test_true_up(self) -> None:
        """A configured seat price adds the estimated true-up with the currency symbol."""
        report = make_report(many_companies(2), seat_price=10.0, currency="USD")
        assert "Estimated true-up ≈ *$30.00* / month (trials excluded)" in message_summary(report)
        report = make_report(many_companies(2), seat_price=10.0, currency="CHF")
        assert "Estimated true-up ≈ *CHF30.00* / month" in message_summary(report)

    def test_no_true_up_without_price(self) -> None:
        """Without a seat price there is no true-up line."""
        assert "true-up" not in message_summary(make_report(many_companies(2)))

    def test_unknown_limits_note(self) -> None:
        """Companies whose limit cannot be read are counted in a note."""
        companies = [*many_companies(1), company(7, "Odd", "n/a", 5), company(8, "Odder", "", 9)]
        assert "2 with an unreadable license limit" in message_summary(make_report(companies))

    def test_find_header(self) -> None:
        """A find report shows its search text in the header and the fallback."""
        message = _message(make_report(many_companies(1), query="acme & <co>"))
        assert message["blocks"][0]["text"]["text"] == "License overage report — find: acme &amp; &lt;co&gt;"
        assert message["text"].endswith("— find: acme &amp; &lt;co&gt;")

    def test_long_find_header_is_cut_safely(self) -> None:
        """A long search text is cut to fit the 150-character header without splitting an entity."""
        message = _message(make_report(many_companies(1), query="&" * 300))
        text = message["blocks"][0]["text"]["text"]
        assert len(text) <= 150
        assert text.endswith("&amp;…")


def message_summary(report: OverageReport) -> str:
    """The summary section's text."""
    return str(_message(report)["blocks"][1]["text"]["text"])


class TestTable:
    """The top-offenders table block."""

    def test_one_table_with_header_row(self) -> None:
        """Exactly one table: a header row, then the top N offenders, largest excess first."""
        message = _message(make_report(many_companies(30), top_n=10))
        rows = _table_rows(message)
        assert rows[0] == ["Company", "License limit", "Active users", "Excess"]
        assert len(rows) == 11
        assert rows[1] == ["Company 30", "100", "130", "+30 (+30.0 %)"]
        (table,) = _of_type(message, "table")
        assert table["column_settings"][0] == {"align": "left", "is_wrapped": True}
        assert all(setting["align"] == "right" for setting in table["column_settings"][1:])
        assert all(cell["type"] == "raw_text" for row in table["rows"] for cell in row)

    def test_unknown_limit_row(self) -> None:
        """An unreadable limit shows '?' and 'unknown'."""
        rows = _table_rows(_message(make_report([company(1, "Odd", "unlimited-ish", 50)])))
        assert rows[1] == ["Odd", "?", "50", "unknown"]

    def test_hidden_offenders_line(self) -> None:
        """Offenders beyond the top N are announced in the summary (Slack shows the table at the bottom)."""
        message = _message(make_report(many_companies(83), top_n=10))
        summary = message["blocks"][1]["text"]["text"]
        assert summary.endswith("\nTop 10 shown; …and 73 more in the attached CSV")
        assert _all_text(message).count("more in the attached CSV") == 1
        kinds = [block["type"] for block in message["blocks"]]
        assert kinds == ["header", "section", "table", "context", "actions"]

    def test_no_hidden_line_when_all_shown(self) -> None:
        """When every offender is in the table there is no '…and N more' line."""
        assert "more in the attached CSV" not in _all_text(
            _message(make_report(many_companies(10), top_n=10))
        )

    def test_single_offender(self) -> None:
        """One offender renders a one-row table and the singular sentence."""
        message = _message(make_report(many_companies(1)))
        assert len(_table_rows(message)) == 2
        assert message["text"].startswith("1 of 537 customers is over its license limit")

    def test_top_50(self) -> None:
        """top 50 shows 50 rows plus the header."""
        assert len(_table_rows(_message(make_report(many_companies(200), top_n=50)))) == 51


class TestEscaping:
    """Names and search text can never ping, link or format."""

    def test_channel_ping_is_escaped_everywhere(self) -> None:
        """'<!channel> Corp' appears only escaped: in the table, the lists and the fallback."""
        previous = Snapshot(taken_on=date(2026, 11, 16), rows=(SnapshotRow("old", "<!here> Ltd", 1, 2, 1),))
        companies = [company(1, "<!channel> Corp", "10", 20), company(2, "Smith & Sons > Co", "10", 15)]
        message = _message(make_report(companies, previous=previous, query=""))
        text = json.dumps(message, ensure_ascii=False)
        assert "<!channel>" not in text
        assert "<!here>" not in text
        assert "&lt;!channel&gt; Corp" in _all_text(message)
        assert "Smith &amp; Sons &gt; Co" in _all_text(message)
        assert "&lt;!here&gt; Ltd" in _all_text(message)

    def test_no_raw_angle_brackets(self) -> None:
        """No raw '<' or '>' is sent, and every '&' starts an entity."""
        companies = [company(i, f"<@U123|x{i}> & <https://evil.example|click> {i}") for i in range(1, 60)]
        previous = Snapshot(
            taken_on=date(2026, 11, 16),
            rows=tuple(SnapshotRow(f"o{i}", "<b>&</b>", 1, 2, 1) for i in range(40)),
        )
        message = _message(make_report(companies, previous=previous, query="<x>&"))
        for text in _texts(message):
            assert "<" not in text
            assert ">" not in text
            assert text.count("&") == text.count("&amp;") + text.count("&lt;") + text.count("&gt;")

    def test_formula_names_untouched(self) -> None:
        """Formula-like names are shown as they are (neutralizing is only for the CSV)."""
        rows = _table_rows(_message(make_report([company(1, '=HYPERLINK("http://x","y")', "1", 5)])))
        assert rows[1][0] == '=HYPERLINK("http://x","y")'

    def test_long_names(self) -> None:
        """Names are shown in full up to 60 characters; longer ones are cut with '…'."""
        companies = [
            company(1, "A" * 40, "10", 90),
            company(2, "B" * 60, "10", 80),
            company(3, "C" * 61, "10", 70),
        ]
        rows = _table_rows(_message(make_report(companies)))
        assert rows[1][0] == "A" * 40
        assert rows[2][0] == "B" * 60
        assert rows[3][0] == "C" * 59 + "…"

    def test_truncation_never_splits_entities(self) -> None:
        """A long name of '&' is cut before escaping, so only whole entities remain."""
        rows = _table_rows(_message(make_report([company(1, "&" * 100, "1", 5)])))
        assert rows[1][0] == "&amp;" * 59 + "…"


class TestWeekOverWeek:
    """The change since the last weekly snapshot."""

    def _change_text(self, report: OverageReport) -> str:
        texts = [str(block["text"]["text"]) for block in _of_type(_message(report), "section")]
        return next(text for text in texts if "since" in text)

    def test_change_line_and_lists(self) -> None:
        """Signed deltas, then the newly over and no longer over companies."""
        previous = Snapshot(
            taken_on=date(2026, 11, 16),
            rows=(SnapshotRow("c1", "Company 1", 100, 101, 1), SnapshotRow("gone", "Gone & Co", 10, 12, 2)),
        )
        text = self._change_text(make_report(many_companies(4), previous=previous))
        assert text.splitlines() == [
            "*+2 customers* since 2026-11-16, excess users *+7*",
            "Newly over: Company 2, Company 3, Company 4",
            "No longer over: Gone &amp; Co",
        ]

    def test_no_change_reads_plus_minus_zero(self) -> None:
        """An unchanged week reads ±0 for both deltas and lists nobody."""
        previous = Snapshot(taken_on=date(2026, 11, 16), rows=(SnapshotRow("c1", "Company 1", 100, 101, 1),))
        text = self._change_text(make_report(many_companies(1), previous=previous))
        assert text == "*±0 customers* since 2026-11-16, excess users *±0*"

    def test_long_lists_are_capped(self) -> None:
        """Thousands of newly over companies end in '…and N more' and stay under 3,000 characters."""
        previous = Snapshot(taken_on=date(2026, 11, 16), rows=())
        text = self._change_text(
            make_report(many_companies(5000, "A rather long company name number {i}"), previous=previous)
        )
        assert len(text) < 3000
        newly = next(line for line in text.splitlines() if line.startswith("Newly over:"))
        assert newly.endswith(" more")
        shown = newly.count("A rather long company name")
        assert f"…and {5000 - shown:,} more" in newly

    def test_no_change_section_for_first_run(self) -> None:
        """Without a snapshot there is no week-over-week line."""
        assert "since" not in _all_text(_message(make_report(many_companies(3))))


class TestFooterAndButtons:
    """The context line and the action buttons."""

    def test_context_line(self) -> None:
        """The generated time is shown in the configured zone with the source."""
        context = _of_type(_message(make_report(many_companies(1))), "context")[-1]
        assert context["elements"][0]["text"] == (
            "Generated 2026-11-26 09:00 (Europe/Istanbul) · Source: https://api.keepnetlabs.com"
        )

    def test_cached_label(self) -> None:
        """A cached report says how old it is."""
        message = _message(make_report(many_companies(1)), cached=True, now=GENERATED + timedelta(seconds=42))
        assert _of_type(message, "context")[-1]["elements"][0]["text"].endswith(" · cached, 42 s old")

    def test_not_cached_has_no_label(self) -> None:
        """A fresh report has no cache label."""
        assert "cached" not in _all_text(
            _message(make_report(many_companies(1)), now=GENERATED + timedelta(hours=1))
        )

    def test_buttons_carry_query(self) -> None:
        """Excel export and Refresh carry the query and top N so the click can redo the report."""
        buttons = _buttons(_message(make_report(many_companies(3), query="acme", top_n=25)))
        assert set(buttons) == {ACTION_EXPORT_EXCEL, ACTION_REFRESH, ACTION_STATEMENT}
        assert buttons[ACTION_STATEMENT]["text"]["text"] == "Statement"
        assert buttons[ACTION_EXPORT_EXCEL]["text"]["text"] == "Excel export"
        assert buttons[ACTION_REFRESH]["text"]["text"] == "Refresh"
        for button in buttons.values():
            assert json.loads(button["value"]) == {"q": "acme", "n": 25}

    def test_huge_query_value_fits(self) -> None:
        """A very long query is cut so the button value stays within 2,000 characters."""
        buttons = _buttons(_message(make_report(many_companies(1), query='ü"' * 3000)))
        for button in buttons.values():
            assert len(button["value"]) <= 2000
            assert json.loads(button["value"])["q"].startswith('ü"ü"')


class TestZeroOffenders:
    """Nobody over the limit."""

    def test_positive_message_without_table_or_export(self) -> None:
        """A short positive message, no table, no Excel button, Refresh stays."""
        message = _message(make_report([]))
        assert message["blocks"][1]["text"]["text"] == (
            ":white_check_mark: All 537 customers are within their license limit."
        )
        assert not _of_type(message, "table")
        assert set(_buttons(message)) == {ACTION_REFRESH}
        assert "Generated 2026-11-26 09:00" in _all_text(message)
        assert message["text"] == "No customer is over the license limit (537 customers checked)"

    def test_zero_with_find(self) -> None:
        """A find with no offender says no matching customer is over, in the blocks and the fallback."""
        message = _message(make_report([], customer_count=4, query="<acme>"))
        sentence = (
            "No customer matching “&lt;acme&gt;” is over the license limit (4 matching customers checked)."
        )
        assert message["blocks"][1]["text"]["text"] == f":white_check_mark: {sentence}"
        assert message["text"] == sentence

    def test_find_matching_nobody_does_not_say_zero_checked(self) -> None:
        """A find that matches no customer at all reads as "no customer matching", never "0 customers checked"."""
        message = _message(make_report([], customer_count=0, query="acme"))
        sentence = "No customer matching “acme” is over the license limit."
        assert message["blocks"][1]["text"]["text"] == f":white_check_mark: {sentence}"
        assert message["text"] == sentence
        assert "checked" not in _all_text(message) + message["text"]


class TestLimits:
    """Slack's Block Kit limits hold for big reports."""

    def test_ten_thousand_offenders_long_emoji_names(self) -> None:
        """10,000 offenders with 120-character emoji names stay inside every limit."""
        name = ("🎉<&>" * 40)[:120]
        previous = Snapshot(
            taken_on=date(2026, 11, 16), rows=tuple(SnapshotRow(f"o{i}", name, 1, 2, 1) for i in range(3000))
        )
        companies = [company(i, f"{name}{i}", "100", 100 + i) for i in range(10_000)]
        message = _message(make_report(companies, top_n=50, previous=previous, query=name), cached=True)
        blocks = message["blocks"]
        assert len(blocks) <= 50
        assert len(_of_type(message, "table")) == 1
        assert len(_table_rows(message)) <= 100
        assert len(blocks[0]["text"]["text"]) <= 150
        texts = _texts(blocks)
        assert all(len(text.encode("utf-16-le")) // 2 <= 3000 for text in texts)
        assert sum(len(text.encode("utf-16-le")) // 2 for text in texts) < 12_000
        shown = len(_table_rows(message)) - 1
        assert [t for t in texts if "more in the attached CSV" in t] == [blocks[1]["text"]["text"]]
        assert blocks[1]["text"]["text"].endswith(
            f"Top {shown} shown; …and {10_000 - shown:,} more in the attached CSV"
        )


def test_error_message() -> None:
    """An error message is one section whose text is the given (already escaped) mrkdwn."""

    error = ActionableError("Keepnet said <nope> & failed", remediation="Check the settings.")
    message = build_error_message(format_error(error))
    assert message["blocks"] == [{"type": "section", "text": {"type": "mrkdwn", "text": message["text"]}}]
    assert "Keepnet said &lt;nope&gt; &amp; failed" in message["text"]
    assert len(build_error_message("x" * 5000)["blocks"][0]["text"]["text"]) <= 3000


def test_block_kit_builder_url() -> None:
    """The preview link opens Block Kit Builder with the message's blocks."""
    message = _message(make_report(many_companies(2)))
    url = block_kit_builder_url(message)
    prefix = "https://app.slack.com/block-kit-builder/#"
    assert url.startswith(prefix)
    assert json.loads(unquote(url[len(prefix) :])) == {"blocks": message["blocks"]}


def test_over_since_column() -> None:
    """With the bot's history, the table has an Over since column with date and weeks."""
    report = make_report(many_companies(3))
    report = dataclasses.replace(report, over_since={"c1": GENERATED.date() - timedelta(weeks=12)})
    [table] = [b for b in _message(report)["blocks"] if b["type"] == "table"]
    header = [cell["text"] for cell in table["rows"][0]]
    assert header[-1] == "Over since"
    cells = {row[0]["text"]: row[-1]["text"] for row in table["rows"][1:]}
    assert cells["Company 1"] == f"{(GENERATED.date() - timedelta(weeks=12)).isoformat()} · 12 wk"
    assert cells["Company 2"] == "today"


def test_a_customer_without_an_id_needs_action_but_gets_no_menu() -> None:
    """No companyResourceId: listed under Needs action and counted, but no decision menu (nothing to key it by)."""
    from bot.keepnet.models import Company
    from bot.report.states import with_states

    rows = [
        Company.from_wire(
            {"companyResourceId": None, "companyName": "No id", "numberOfUsers": "1", "targetUserCount": 9}
        ),
        Company.from_wire(
            {"companyResourceId": "a", "companyName": "Has id", "numberOfUsers": "1", "targetUserCount": 5}
        ),
    ]
    report = with_states(make_report(rows), {}, now=GENERATED, tz=ISTANBUL, cycle="monthly")
    blocks = _message(report)["blocks"]
    text = json.dumps(blocks)
    assert "*2* need action" in text
    menus = [b["accessory"] for b in blocks if b.get("type") == "section" and "accessory" in b]
    values = [o["value"] for m in menus if m.get("action_id") == "overage_decide" for o in m["options"]]
    assert values
    assert all(v.endswith(":a") for v in values), values
    rows_text = [b["text"]["text"] for b in blocks if b.get("type") == "section"]
    assert any("No id" in t for t in rows_text)
