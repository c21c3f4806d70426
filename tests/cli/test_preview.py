"""`overage-bot preview`: the report from the sandbox, the exports and the Slack message on disk."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import openpyxl
import pytest

from bot.cli.preview import preview
from bot.config import load_settings
from bot.sandbox import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    Faults,
    RunningSandbox,
    run_sandbox,
    seed_companies,
)


def test_preview_on_a_fresh_folder_uses_the_sandbox(tmp_path: Path) -> None:
    """Without credentials `python -m bot preview` says it uses the sandbox, prints the summary and writes files."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "preview", "--out", "exports"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "LOG_FORMAT": "json"},
    )
    assert result.returncode == 0, result.stderr
    assert "built-in Keepnet sandbox" in result.stdout
    match = re.search(
        r"^(\d[\d,]*) of ([\d,]+) customers are over their license limit \(([\d,]+) excess users\)$",
        result.stdout,
        re.M,
    )
    assert match is not None, result.stdout
    over = int(match.group(1).replace(",", ""))
    assert (over, match.group(2)) == (100, "1,000")

    out = tmp_path / "exports"
    csv_file = next(out.glob("overage-20*.csv"))
    with csv_file.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == over + 1
    assert not any(row[0].startswith(("=", "+", "-", "@")) for row in rows[1:])

    workbook = openpyxl.load_workbook(next(out.glob("overage-20*.xlsx")), read_only=True)
    assert len(list(workbook.active.iter_rows(values_only=True))) == over + 1
    workbook.close()

    with next(out.glob("overage-statement-*.csv")).open(encoding="utf-8-sig", newline="") as handle:
        statement = list(csv.reader(handle))
    assert statement[0][:3] == ["Company", "Keepnet ID", "Reseller"]
    assert len(statement) == over + 2  # header, one row per customer, Total
    assert statement[-1][0] == "Total"

    message = json.loads((out / "message.json").read_text(encoding="utf-8"))
    assert set(message) == {"text", "blocks"}
    assert "100" in message["text"]
    assert "https://app.slack.com/block-kit-builder/#" in result.stdout


@pytest.fixture(name="reseller_sandbox")
async def _reseller_sandbox() -> AsyncIterator[RunningSandbox]:
    async with run_sandbox(companies=seed_companies(total=50), faults=Faults(role="CompanyAdmin")) as sandbox:
        yield sandbox


async def test_preview_with_a_non_reseller_credential_explains_the_fix(
    reseller_sandbox: RunningSandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With credentials the live path is used; a 403 exits 1 with the Client Role remediation."""
    monkeypatch.setenv("KEEPNET_BASE_URL", reseller_sandbox.base_url)
    monkeypatch.setenv("KEEPNET_CLIENT_ID", SANDBOX_CLIENT_ID)
    monkeypatch.setenv("KEEPNET_CLIENT_SECRET", SANDBOX_CLIENT_SECRET)
    code = await preview(load_settings(), out=tmp_path / "out")
    captured = capsys.readouterr()
    assert code == 1
    assert "Client Role = Reseller" in captured.err
    assert "sandbox" not in captured.out
    assert not (tmp_path / "out").exists()


async def test_preview_into_an_unwritable_folder_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An --out path that cannot be created gives one line naming it and exit code 1, no traceback."""
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    code = await preview(load_settings(), out=blocker / "out")
    err = capsys.readouterr().err
    assert code == 1
    assert f"cannot write to {blocker / 'out'}" in err
    assert "Traceback" not in err


def test_preview_ignores_a_proxy_for_the_sandbox(tmp_path: Path) -> None:
    """A corporate proxy in the environment never sees the built-in sandbox's loopback traffic."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "preview", "--out", "exports"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
        env={
            "PATH": "/usr/bin:/bin",
            "HTTP_PROXY": "http://127.0.0.1:9",
            "HTTPS_PROXY": "http://127.0.0.1:9",
        },
    )
    assert result.returncode == 0, result.stderr
    assert "customers are over their license limit" in result.stdout
