"""`overage-bot decisions`: the audit as CSV, oldest first, neutralized, --since and --out."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.report.decisions import Decision
from bot.store.database import Store
from tests.cli.process import run_cli

T0 = datetime(2026, 11, 30, 23, 59, tzinfo=UTC)
COLUMNS = [
    "time_utc",
    "company_id",
    "company_name",
    "decision",
    "excess",
    "until",
    "cycle",
    "by_id",
    "by_name",
    "edge",
    "channel",
]


async def _seed(url: str) -> None:
    store = await Store.open(url)
    try:
        rows = [
            Decision(
                company_id="c2",
                decision="snoozed",
                decided_at=T0 + timedelta(minutes=2),
                by_id="U2",
                by_name="Bob",
                excess=5,
                until=date(2027, 3, 1),
                company_name="Initech",
                edge="slack",
                channel="C1",
            ),
            Decision(
                company_id="c1",
                decision="billed",
                decided_at=T0,
                by_id="U1",
                excess=1204,
                cycle="2026-11",
                company_name='=HYPERLINK("http://evil")',
                edge="slack",
                channel="C1",
            ),
            Decision(
                company_id="c1",
                decision="reopened",
                decided_at=T0 + timedelta(days=3),
                by_id="6b9c3e1d-0000-4000-8000-00000000a11c",
                by_name="@Ada",
                company_name="Globex",
                edge="teams",
                channel="19:x@thread.tacv2",
            ),
        ]
        for row in rows:
            await store.decisions.record(row)
    finally:
        await store.close()


async def test_every_decision_oldest_first_neutralized(tmp_path: Path) -> None:
    """Stdout holds the header and every row, oldest first; formula-like cells start with '."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'state.db'}"
    await _seed(url)
    code, out, err = await run_cli("decisions", env={"OVERAGE_DB_URL": url}, cwd=tmp_path)
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == COLUMNS
    assert [r[3] for r in rows[1:]] == ["billed", "snoozed", "reopened"]
    assert rows[1] == [
        "2026-11-30T23:59:00Z",
        "c1",
        '\'=HYPERLINK("http://evil")',
        "billed",
        "1204",
        "",
        "2026-11",
        "U1",
        "",
        "slack",
        "C1",
    ]
    assert rows[2][5] == "2027-03-01"
    assert rows[3][8] == "'@Ada"


async def test_since_and_out(tmp_path: Path) -> None:
    """--since keeps decisions from that UTC day on; --out writes the file; a bad date exits 2."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'state.db'}"
    await _seed(url)
    target = tmp_path / "audit.csv"
    code, _, err = await run_cli(
        "decisions", "--since", "2026-12-01", "--out", str(target), env={"OVERAGE_DB_URL": url}, cwd=tmp_path
    )
    assert code == 0, err
    assert "wrote 2 decisions" in err
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [r[3] for r in rows[1:]] == ["snoozed", "reopened"]
    code, _, err = await run_cli(
        "decisions", "--since", "1st of December", env={"OVERAGE_DB_URL": url}, cwd=tmp_path
    )
    assert code == 2
    assert "YYYY-MM-DD" in err
