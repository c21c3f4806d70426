"""Property tests: whatever the report, the Slack message respects Block Kit's limits and escapes names."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block

from bot.keepnet.models import Company
from bot.report.decisions import Decision, DecisionKind
from bot.report.model import OverageReport, Snapshot, SnapshotRow, build_report
from bot.report.states import with_states
from bot.slack._blocks_decisions import RowsOrigin, review_blocks
from bot.slack.blocks import build_report_message

GENERATED = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)

_tricky = st.sampled_from(
    ["<", ">", "&", "&amp;", "<!channel>", "<@U1|x>", "🎉", "👩‍👩‍👧", "株", "*", "_", "\n", " "]
)
_chars = st.characters(codec="utf-8")
names = st.lists(st.one_of(_chars, _tricky), max_size=200).map("".join).map(lambda s: s[:200])
limits = st.one_of(st.none(), st.just(""), st.just("n/a"), st.integers(0, 100_000).map(str))


def _slack_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@st.composite
def reports(draw: st.DrawFn) -> OverageReport:
    """Reports with 0–2,000 offenders, random unicode names, random top N, with or without a change."""
    pool = draw(st.lists(names, min_size=1, max_size=12))
    count = draw(st.integers(0, 2000))
    limit = draw(limits)
    users = draw(st.integers(0, 1_000_000))
    companies = [
        Company.from_wire(
            {
                "companyResourceId": f"c{i}",
                "companyName": pool[i % len(pool)],
                "numberOfUsers": limit if i % 3 else str(i),
                "targetUserCount": users + i,
            }
        )
        for i in range(count)
    ]
    previous = None
    if draw(st.booleans()):
        gone = draw(st.integers(0, 2000))
        rows = tuple(SnapshotRow(f"g{i}", pool[-1 - i % len(pool)], 1, 2, 1) for i in range(gone))
        kept = tuple(SnapshotRow(f"c{i}", pool[i % len(pool)], 1, 2, 1) for i in range(0, count, 2))
        previous = Snapshot(taken_on=date(2026, 11, 16), rows=rows + kept)
    report = build_report(
        companies,
        customer_count=draw(st.integers(0, 100_000)),
        top_n=draw(st.integers(1, 50)),
        generated_at=GENERATED,
        source=draw(st.sampled_from(["https://api.keepnetlabs.com", "Keepnet sandbox (demo data)", "<x>&"])),
        query=draw(st.one_of(st.just(""), names)),
        previous=previous,
        seat_price=draw(st.one_of(st.none(), st.floats(0, 1e6, allow_nan=False))),
        currency=draw(st.sampled_from(["USD", "EUR", "CHF"])),
    )
    if draw(st.booleans()):
        report = with_states(report, draw(decisions(count, pool)), now=GENERATED, tz=UTC, cycle="monthly")
    if draw(st.booleans()):  # the bot's history: an Over since column
        days = draw(st.integers(0, 800))
        since = {f"c{i}": GENERATED.date() - timedelta(days=(i * 7 + days) % 900) for i in range(count)}
        report = dataclasses.replace(report, over_since=since)
    return report


@st.composite
def decisions(draw: st.DrawFn, count: int, pool: list[str]) -> dict[str, Decision]:
    """Latest decisions for some of the companies c0…c<count>: every kind, hostile names, old and new."""
    kinds: st.SearchStrategy[DecisionKind] = st.sampled_from(["billed", "snoozed", "ignored", "reopened"])
    chosen = draw(st.lists(st.integers(0, max(0, count - 1)), max_size=min(count, 300), unique=True))
    latest = {}
    for i in chosen:
        kind: DecisionKind = draw(kinds)
        latest[f"c{i}"] = Decision(
            company_id=f"c{i}",
            decision=kind,
            decided_at=GENERATED - timedelta(days=draw(st.integers(0, 400))),
            by_id=draw(st.sampled_from(["U0123ABC", "00000000-aaaa-bbbb-cccc-000000000000", "<!here>"])),
            by_name=draw(st.one_of(st.none(), names)),
            excess=draw(st.one_of(st.none(), st.integers(-5, 2_000_000))),
            until=date(2027, 1, 1) if kind == "snoozed" else None,
            cycle="2026-11" if kind == "billed" else None,
            edge=draw(st.sampled_from(["slack", "teams"])),
        )
    return latest


def _strings(value: Any, key: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in _strings(v, k)]
    if isinstance(value, list):
        return [pair for item in value for pair in _strings(item, key)]
    return [(key, value)] if isinstance(value, str) else []


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(
    report=reports(),
    cached=st.booleans(),
    age=st.floats(0, 1e6),
    weekly=st.booleans(),
    rerender=st.booleans(),
)
def test_message_within_block_kit_limits(
    report: OverageReport, cached: bool, age: float, weekly: bool, rerender: bool
) -> None:
    """No Block Kit limit is broken: block count, text lengths, one table, button sizes, total size."""
    now = GENERATED + timedelta(seconds=age)
    since = GENERATED - timedelta(days=500) if rerender else None
    message = build_report_message(report, tz=UTC, now=now, cached=cached, weekly=weekly, since=since)
    _within_limits(message["blocks"], report)
    assert message["text"]


def _within_limits(blocks: list[dict[str, Any]], report: OverageReport, *, header: bool = True) -> None:
    assert 1 <= len(blocks) <= 50
    if header:
        assert blocks[0]["type"] == "header"
        assert _slack_len(blocks[0]["text"]["text"]) <= 150
    tables = [block for block in blocks if block["type"] == "table"]
    assert len(tables) <= 1
    for table in tables:
        assert 2 <= len(table["rows"]) <= 100
        assert len({len(row) for row in table["rows"]}) == 1
        assert all(1 <= len(row) <= 20 for row in table["rows"])
        assert all(cell["text"] for row in table["rows"] for cell in row)
    texts = [text for key, text in _strings(blocks) if key == "text"]
    assert all(_slack_len(text) <= 3000 for text in texts)
    assert sum(_slack_len(text) for text in texts) < 12_000
    assert len(json.dumps(blocks, ensure_ascii=False)) < 30_000
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.validate_json()  # slack_sdk's own limits
        for element in block.get("elements", []):
            if element.get("type") == "button":
                assert _slack_len(element["text"]["text"]) <= 75
                assert _slack_len(element["value"]) <= 2000
                if element["action_id"] in ("overage_refresh", "overage_export_excel"):
                    assert json.loads(element["value"])["n"] == report.top_n
        accessory = block.get("accessory")
        if accessory is not None:
            assert accessory["action_id"] == "overage_decide"
            assert 2 <= len(accessory["options"]) <= 5
            for option in accessory["options"]:
                assert _slack_len(option["text"]["text"]) <= 75
                assert _slack_len(option["value"]) <= 150
        assert _slack_len(block.get("block_id", "")) <= 255
    assert len({b["block_id"] for b in blocks if "block_id" in b}) == len(
        [b for b in blocks if "block_id" in b]
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(report=reports(), offset=st.integers(0, 2_100))
def test_review_pages_within_block_kit_limits(report: OverageReport, offset: int) -> None:
    """Every page of the ephemeral review list holds ≤ 40 rows and respects the same limits."""
    if report.decisions is None:
        return
    origin = RowsOrigin(
        since=int(GENERATED.timestamp()) - 10**7, offset=offset, thread_ts="1733389200.000100"
    )
    page = review_blocks(report.decisions, report.offenders, origin)
    assert sum(1 for b in page if b.get("block_id", "").startswith("na|")) <= 40
    _within_limits(page, report, header=False)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(report=reports())
def test_every_shown_text_is_escaped(report: OverageReport) -> None:
    """No raw '<' or '>' reaches Slack, and every '&' starts one of the three entities."""
    message = build_report_message(report, tz=UTC, now=GENERATED, since=GENERATED - timedelta(days=500))
    shown = [text for key, text in _strings(message) if key == "text"]
    for text in shown:
        text = re.sub(r"<@U0123ABC>", "", text)  # the decider's mention is the one markup allowed
        assert "<" not in text
        assert ">" not in text
        assert text.count("&") == text.count("&amp;") + text.count("&lt;") + text.count("&gt;")
    if report.over_count:
        assert f"{report.over_count:,} of" in message["text"]
