"""Slack blocks with billing states: summary line, State column, Needs action menus, review pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.keepnet.models import Company
from bot.report.decisions import Decision, decide
from bot.report.model import OverageReport
from bot.report.states import with_states
from bot.slack._blocks_decisions import RowsOrigin, parse_origin, review_blocks
from bot.slack.blocks import build_report_message
from tests.report.builders import GENERATED, make_report, many_companies

UTC_TZ = ZoneInfo("UTC")
NOW = GENERATED + timedelta(minutes=5)


def _states(report: OverageReport, latest: dict[str, Decision]) -> OverageReport:
    return with_states(report, latest, now=NOW, tz=UTC_TZ, cycle="monthly")


def _billed(company_id: str, excess: int, *, by: str = "U123") -> Decision:
    return decide(
        "billed",
        company_id=company_id,
        excess=excess,
        renewal=None,
        now=GENERATED,
        tz=UTC_TZ,
        cycle="monthly",
        by_id=by,
        by_name="Ada",
        edge="slack",
    )


def _texts(message: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]


def _rows(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in message["blocks"] if str(b.get("block_id", "")).startswith("na|")]


def test_summary_state_column_and_needs_action_part() -> None:
    report = _states(make_report(many_companies(12)), {"c12": _billed("c12", 12), "c11": _billed("c11", 1)})
    message = build_report_message(report, tz=UTC_TZ, now=NOW)
    assert "*11* need action · 1 handled (1 billed)" in _texts(message)[0]
    assert message["text"].endswith("; 11 need action")  # the notification text says it too
    table = next(b for b in message["blocks"] if b["type"] == "table")
    assert [c["text"] for c in table["rows"][0]] == [
        "Company",
        "License limit",
        "Active users",
        "Excess",
        "State",
    ]
    assert [row[4]["text"] for row in table["rows"][1:4]] == [
        "billed Nov 2026",
        "+10 since billed",
        "needs action",
    ]
    rows = _rows(message)
    assert len(rows) == 5
    assert rows[0]["text"]["text"].startswith("*Company 11*")
    assert "+10 since billed" in rows[0]["text"]["text"]
    menu = rows[1]["accessory"]
    assert menu["action_id"] == "overage_decide"
    assert [(o["text"]["text"], o["value"]) for o in menu["options"]] == [
        ("Mark billed", "billed:c10"),
        ("Snooze 30 days", "snooze30:c10"),
        ("Ignore", "ignore:c10"),
    ]
    review = message["blocks"][message["blocks"].index(rows[-1]) + 1]
    assert review["elements"][0]["action_id"] == "overage_review"
    assert review["elements"][0]["text"]["text"] == "Review all (11)"
    assert parse_origin(rows[0]["block_id"]) == RowsOrigin(since=int(NOW.timestamp()), offset=0, thread_ts="")


def test_renewal_option_and_no_menu_without_an_id() -> None:
    companies = [
        Company.from_wire(
            {
                "companyResourceId": "r1",
                "companyName": "Renews",
                "numberOfUsers": "10",
                "targetUserCount": 50,
                "licenseEndDate": "2027-03-01T00:00:00Z",
            }
        ),
        Company.from_wire(
            {"companyResourceId": "", "companyName": "No id", "numberOfUsers": "10", "targetUserCount": 40}
        ),
        Company.from_wire(
            {
                "companyResourceId": "x" * 200,
                "companyName": "Long id",
                "numberOfUsers": "10",
                "targetUserCount": 30,
            }
        ),
    ]
    message = build_report_message(_states(make_report(companies), {}), tz=UTC_TZ, now=NOW)
    rows = _rows(message)
    values = [o["value"] for o in rows[0]["accessory"]["options"]]
    assert values == ["billed:r1", "snooze30:r1", "snooze_renewal:r1", "ignore:r1"]
    assert rows[0]["accessory"]["options"][2]["text"]["text"] == "Snooze until renewal (2027-03-01)"
    assert "accessory" not in rows[1]
    assert "accessory" not in rows[2]


def test_weekly_puts_needs_action_first_and_says_when_nothing_does() -> None:
    report = _states(make_report(many_companies(3)), {})
    weekly = build_report_message(report, tz=UTC_TZ, now=NOW, weekly=True)
    assert weekly["blocks"][1]["text"]["text"].startswith("*Needs action*")
    handled = _states(make_report(many_companies(2)), {"c1": _billed("c1", 1), "c2": _billed("c2", 2)})
    calm = build_report_message(handled, tz=UTC_TZ, now=NOW, weekly=True)
    assert (
        calm["blocks"][1]["text"]["text"]
        == "✅ *Nothing needs action* — all 2 over-limit customers are handled."
    )
    assert "*0* need action · 2 handled (2 billed)" in calm["blocks"][2]["text"]["text"]
    assert not _rows(build_report_message(handled, tz=UTC_TZ, now=NOW))


def test_a_rerender_keeps_the_decided_row_with_its_state() -> None:
    report = make_report(many_companies(3))
    since = NOW - timedelta(minutes=1)
    decided = decide(
        "ignore",
        company_id="c3",
        excess=3,
        renewal=None,
        now=NOW,
        tz=UTC_TZ,
        cycle="monthly",
        by_id="U777",
        edge="slack",
    )
    message = build_report_message(_states(report, {"c3": decided}), tz=UTC_TZ, now=NOW, since=since)
    first = _rows(message)[0]
    assert "accessory" not in first
    assert first["text"]["text"].endswith("✓ _ignored_ by <@U777>")


def test_review_pages_of_forty_with_next() -> None:
    report = _states(make_report(many_companies(95)), {})
    assert report.decisions is not None
    origin = RowsOrigin(since=int(NOW.timestamp()), offset=0, thread_ts="1733389200.000100")
    page = review_blocks(report.decisions, report.offenders, origin)
    rows = [b for b in page if b.get("block_id", "").startswith("na|")]
    assert len(rows) == 40
    assert len(page) <= 50
    assert page[0]["text"]["text"] == "*Needs action* — 1–40 of 95"
    nxt = page[-1]["elements"][0]
    assert nxt["action_id"] == "overage_review_next"
    last = review_blocks(report.decisions, report.offenders, RowsOrigin(origin.since, 80, origin.thread_ts))
    assert last[0]["text"]["text"] == "*Needs action* — 81–95 of 95"
    assert last[-1]["type"] == "section"


def test_parse_origin_refuses_junk() -> None:
    for junk in (None, 5, "", "na|x|0||0", "na|1|2|3|4|5", "na|" + "1" * 5000, "overage_report"):
        assert parse_origin(junk) is None
    assert parse_origin("na|1|2|1.5|3") == RowsOrigin(1, 2, "1.5")


def test_stamp_is_utc() -> None:
    assert RowsOrigin(since=0, offset=0, thread_ts="").since_time == datetime(1970, 1, 1, tzinfo=UTC)
