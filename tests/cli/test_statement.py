"""``overage-bot statement``: the XLSX (and CSV) from the sandbox, states from an existing database only."""

from __future__ import annotations

import asyncio
import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from bot.exports.neutralize import neutralize_cell
from bot.report.decisions import Decision
from bot.report.statement import STATEMENT_COLUMNS, TRIAL_STATE
from bot.store.database import Store


def _files(out: Path) -> tuple[Path, Path]:
    [xlsx] = out.glob("overage-statement-*.xlsx")
    [csv_file] = out.glob("overage-statement-*.csv")
    return xlsx, csv_file


def test_statement_from_the_sandbox_creates_no_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """XLSX + CSV with the header, trials marked and left out of the Total; no database file appears."""
    db = tmp_path / "state.sqlite3"
    monkeypatch.setenv("OVERAGE_DB_URL", f"sqlite+aiosqlite:///{db}")
    monkeypatch.setenv("OVERAGE_SEAT_PRICES", "Custom=2.50,Enterprise=2.00")
    assert main(["statement", "--out", str(tmp_path / "out"), "--csv"]) == 0
    assert not db.exists()
    printed = capsys.readouterr().out
    assert "No state database yet" in printed
    assert "(trials and ignored customers excluded)" in printed
    xlsx, csv_file = _files(tmp_path / "out")
    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    assert rows[0] == STATEMENT_COLUMNS
    data, total = rows[1:-1], rows[-1]
    assert len(data) == 100  # the sandbox's 100 over-limit customers
    excess = STATEMENT_COLUMNS.index("Excess")
    assert [r[excess] for r in data if r[excess] is not None] == sorted(
        (r[excess] for r in data if r[excess] is not None), reverse=True
    )
    state = STATEMENT_COLUMNS.index("State")
    trials = [r for r in data if r[state] == TRIAL_STATE]
    assert trials, "the sandbox has trial customers"
    billable = sum(r[excess] or 0 for r in data if r[state] != TRIAL_STATE)
    assert total[0] == "Total"
    assert total[excess] == billable
    lines = list(csv.reader(csv_file.open(encoding="utf-8-sig", newline="")))
    assert [line[0] for line in lines[1:-1]] == [neutralize_cell(str(r[0])) for r in data]


async def _ignore_first(db: Path, company_id: str) -> None:
    store = await Store.open(f"sqlite+aiosqlite:///{db}")
    try:
        decision = Decision(
            company_id=company_id,
            decision="ignored",
            decided_at=datetime.now(UTC),
            by_id="U0BILLING",
            by_name="Billing Bea",
        )
        await store.decisions.record(decision)
    finally:
        await store.close()


async def test_states_come_from_an_existing_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An ignored customer shows 'ignored' with who decided, and leaves the Total."""
    db = tmp_path / "state.sqlite3"
    monkeypatch.setenv("OVERAGE_DB_URL", f"sqlite+aiosqlite:///{db}")
    monkeypatch.setenv("OVERAGE_SEAT_PRICE", "1")
    first_out = tmp_path / "first"
    assert await _run(["statement", "--out", str(first_out)]) == 0
    first = list(load_workbook(next(first_out.glob("*.xlsx"))).active.iter_rows(values_only=True))
    top_id = first[1][1]
    await _ignore_first(db, top_id)
    second_out = tmp_path / "second"
    assert await _run(["statement", "--out", str(second_out)]) == 0
    rows = list(load_workbook(next(second_out.glob("*.xlsx"))).active.iter_rows(values_only=True))
    top = dict(zip(STATEMENT_COLUMNS, rows[1], strict=True))
    assert (top["Keepnet ID"], top["State"], top["Decided by"]) == (top_id, "ignored", "Billing Bea")
    amount = STATEMENT_COLUMNS.index("Amount")
    assert rows[-1][amount] == pytest.approx(
        first[-1][amount] - (first[1][STATEMENT_COLUMNS.index("Excess")])
    )


async def _run(argv: list[str]) -> int:
    return await asyncio.to_thread(main, argv)
