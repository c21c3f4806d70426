"""Benchmark (not a test): peak memory and time of a 100,000-customer billing statement.

Builds a report of 100,000 over-limit companies (with license types, trials and prices), its
statement rows, and writes the XLSX (openpyxl write-only) and the CSV, in a child process so the
figure is the statement's alone. Goal: the XLSX stays under the export memory goal (peak RSS of the
whole process < 400 MB; the rows, not the file, dominate). The last line is machine-readable:
``statement_rows=<n> statement_peak_rss_mb=<x> statement_xlsx_s=<y> statement_xlsx_mb=<z>``.

Run: ``.venv/bin/python bench/statement.py``
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROWS = 100_000


def _peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def child(rows: int) -> dict[str, float]:
    """Build and write the statement in this process; return its figures."""
    from bot.exports.statement import write_statement_csv, write_statement_xlsx
    from bot.keepnet.models import Company
    from bot.report.model import build_report
    from bot.report.pricing import Pricing
    from bot.report.statement import build_statement

    types = ["Custom", "Enterprise", "Trial", "Basic"]
    companies = [
        Company.from_wire(
            {
                "companyResourceId": f"id-{i:06d}",
                "companyName": f"Customer {i} Holdings & Sons",
                "resellerName": "Bench MSP",
                "licenseTypeName": types[i % 4],
                "numberOfUsers": "100",
                "targetUserCount": 101 + i % 5000,
                "licenseEndDate": "2027-03-01T00:00:00",
            }
        )
        for i in range(rows)
    ]
    pricing = Pricing(default_price=3.0, prices={"custom": 2.5, "enterprise": 2.0})
    report = build_report(
        companies,
        customer_count=rows,
        top_n=10,
        generated_at=datetime.now(UTC),
        source="bench",
        pricing=pricing,
    )
    del companies
    statement = build_statement(report, tz=UTC)
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        xlsx = write_statement_xlsx(statement, Path(folder) / "s.xlsx")
        xlsx_s = time.perf_counter() - start
        write_statement_csv(statement, Path(folder) / "s.csv")
        size = xlsx.stat().st_size / 1e6
    return {"peak_rss_mb": _peak_rss_mb(), "xlsx_s": xlsx_s, "xlsx_mb": size}


def main() -> None:
    """Run the child and print its figures."""
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(child(int(sys.argv[2]))))
        return
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(ROWS)], capture_output=True, text=True, check=True
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"{ROWS:,} customers: XLSX written in {figures['xlsx_s']:.1f} s, {figures['xlsx_mb']:.1f} MB")
    print(
        f"statement_rows={ROWS} statement_peak_rss_mb={figures['peak_rss_mb']:.1f} "
        f"statement_xlsx_s={figures['xlsx_s']:.1f} statement_xlsx_mb={figures['xlsx_mb']:.1f}"
    )


if __name__ == "__main__":
    main()
