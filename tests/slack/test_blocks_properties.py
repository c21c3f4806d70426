"""Property tests: whatever the report, the Slack message respects Block Kit's limits and escapes names."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block

from bot.keepnet.models import Company
from bot.report.model import OverageReport, Snapshot, SnapshotRow, build_report
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
        Company.model_validate(
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
    return build_report(
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


def _strings(value: Any, key: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in _strings(v, k)]
    if isinstance(value, list):
        return [pair for item in value for pair in _strings(item, key)]
    return [(key, value)] if isinstance(value, str) else []


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(report=reports(), cached=st.booleans(), age=st.floats(0, 1e6))
def test_message_within_block_kit_limits(report: OverageReport, cached: bool, age: float) -> None:
    """No Block Kit limit is broken: block count, text lengths, one table, button sizes, total size."""
    message = build_report_message(report, tz=UTC, now=GENERATED + timedelta(seconds=age), cached=cached)
    blocks = message["blocks"]
    assert 1 <= len(blocks) <= 50
    header = blocks[0]
    assert header["type"] == "header"
    assert _slack_len(header["text"]["text"]) <= 150
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
                assert json.loads(element["value"])["n"] == report.top_n
    assert message["text"]


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(report=reports())
def test_every_shown_text_is_escaped(report: OverageReport) -> None:
    """No raw '<' or '>' reaches Slack, and every '&' starts one of the three entities."""
    message = build_report_message(report, tz=UTC, now=GENERATED)
    shown = [text for key, text in _strings(message) if key == "text"]
    for text in shown:
        assert "<" not in text
        assert ">" not in text
        assert text.count("&") == text.count("&amp;") + text.count("&lt;") + text.count("&gt;")
    if report.over_count:
        assert f"{report.over_count:,} of" in message["text"]
