"""A real /overage is counted in /metrics (edge, outcome, ack latency, Keepnet calls), with no names or ids."""

from __future__ import annotations

import io

from bot.logging import configure_logging
from bot.metrics import render
from tests.scenario.harness import run_bot


def _value(text: str, line: str) -> float:
    found = [row for row in text.splitlines() if row.startswith(line + " ")]
    return float(found[0].rsplit(" ", 1)[1]) if found else 0.0


async def test_overage_is_counted() -> None:
    """One /overage: one Slack report with its outcome, an ack observation, no user/channel/company."""
    configure_logging(stream=io.StringIO(), fmt="json")
    async with run_bot() as bot:
        before = render().decode()
        await bot.command("")
        await bot.fake.wait_for(lambda: bot.fake.files)
        await bot.background.drain()
        after = render().decode()
        names = [o.name for o in (await bot.service.report()).offenders]
    acks = "overage_slack_ack_seconds_count"
    assert _value(after, acks) == _value(before, acks) + 1
    reports = [row for row in after.splitlines() if row.startswith('overage_reports_total{edge="slack"')]
    assert reports
    assert "U0ALICE" not in after
    assert "C0REPORTS" not in after
    assert not any(name in after for name in names if len(name) > 3)
