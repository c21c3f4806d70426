"""Benchmark (not a test): concurrent paging against a slow Keepnet, and export memory.

1. 10,000 over-limit companies, page size 100, 100 ms sandbox latency: ``fetch_over_limit`` timed
   with concurrency 1 and 8, against the ideal ``(1 + 1 + ceil(pages / 8)) × latency`` (token,
   page 1, then the other pages eight at a time). Goals: within 1.3× of ideal, ≥ 5× faster than 1.
   Each concurrency is run ``RUNS`` times and its median is used, so both sides are measured alike.
2. Peak RSS of a process exporting a 100,000-row CSV through ``client.export``.
3. 100,000 over-limit companies read in pages of 500: the client's CPU time per company and its peak
   RSS (goals: ≤ 10 µs per company, < 150 MB).

The sandbox runs in this process; each measured client runs in a child process, so client and
server do not share a CPU and the RSS figure is the client's alone (``ru_maxrss``). The last line
is machine-readable: ``ideal_ratio=<x> speedup=<y> export_peak_rss_mb=<z> cpu_us_per_company=<c>
rss_mb_100k=<r>``.

Run: ``.venv/bin/python bench/paging.py``
"""

from __future__ import annotations

import asyncio
import json
import math
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.keepnet.client import KeepnetClient
from bot.sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, Faults, over_limit_companies, run_sandbox

COMPANIES = 10_000
PAGE_SIZE = 100
LATENCY_S = 0.100
EXPORT_ROWS = 100_000
DECODE_ROWS = 100_000
RUNS = 3


def _peak_rss_mb() -> float:
    """This process's peak RSS. VmHWM, because ru_maxrss survives exec and would report the parent's."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # pragma: no cover - not Linux


def _client(base_url: str, *, concurrency: int = 4) -> KeepnetClient:
    return KeepnetClient(
        base_url=base_url,
        client_id=SANDBOX_CLIENT_ID,
        client_secret=SANDBOX_CLIENT_SECRET,
        page_size=PAGE_SIZE,
        concurrency=concurrency,
        timeout_s=60,
    )


async def _child_fetch(base_url: str, concurrency: int) -> dict[str, Any]:
    async with _client(base_url, concurrency=concurrency) as client:
        started = time.perf_counter()
        result = await client.fetch_over_limit()
        elapsed = time.perf_counter() - started
    return {"elapsed_s": elapsed, "companies": len(result.companies), "pages": result.pages_read}


async def _child_export(base_url: str, directory: str) -> dict[str, Any]:
    async with _client(base_url) as client:
        await client.check_access()  # warm up imports, session and token before the baseline
        baseline = _peak_rss_mb()
        started = time.perf_counter()
        export = await client.export("CSV", filename="bench.csv", directory=Path(directory))
        elapsed = time.perf_counter() - started
    export.path.unlink()
    return {
        "baseline_rss_mb": baseline,
        "peak_rss_mb": _peak_rss_mb(),
        "bytes": export.size,
        "elapsed_s": elapsed,
    }


async def _child_decode(base_url: str) -> dict[str, Any]:
    """Read 100,000 over-limit companies (pages of 500, no latency): CPU per company and peak RSS."""
    async with KeepnetClient(
        base_url=base_url, client_id=SANDBOX_CLIENT_ID, client_secret=SANDBOX_CLIENT_SECRET,
        page_size=500, concurrency=4, timeout_s=120, max_pages=1000,
    ) as client:  # fmt: skip
        await client.check_access()
        cpu = time.process_time()
        result = await client.fetch_over_limit()
        cpu = time.process_time() - cpu
    return {"companies": len(result.companies), "cpu_s": cpu, "peak_rss_mb": _peak_rss_mb()}


async def _run_child(*args: str) -> dict[str, Any]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, __file__, *args, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"child {args[0]} failed with exit code {proc.returncode}")
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return result


async def _median_fetch(base_url: str, concurrency: int) -> dict[str, Any]:
    """``RUNS`` child runs at ``concurrency``; the figures of the run with the median time."""
    runs = [await _run_child("--fetch", base_url, str(concurrency)) for _ in range(RUNS)]
    median = statistics.median_low(float(r["elapsed_s"]) for r in runs)
    return next(r for r in runs if float(r["elapsed_s"]) == median)


async def _paging() -> tuple[float, float]:
    faults = Faults(latency_ms=LATENCY_S * 1000)
    async with run_sandbox(companies=over_limit_companies(COMPANIES), faults=faults) as sandbox:
        slow = await _median_fetch(sandbox.base_url, 1)
        fast = await _median_fetch(sandbox.base_url, 8)
    pages = math.ceil(COMPANIES / PAGE_SIZE)
    ideal = (1 + 1 + math.ceil(pages / 8)) * LATENCY_S
    ideal_ratio = fast["elapsed_s"] / ideal
    speedup = slow["elapsed_s"] / fast["elapsed_s"]
    print(f"paging: {COMPANIES} companies, {pages} pages of {PAGE_SIZE}, latency {LATENCY_S * 1000:.0f} ms")
    print(f"  concurrency 1: {slow['elapsed_s']:.2f} s (median of {RUNS}; {slow['companies']} companies)")
    print(f"  concurrency 8: {fast['elapsed_s']:.2f} s (median of {RUNS}; {fast['companies']} companies)")
    print(f"  ideal (1 + 1 + ceil({pages}/8)) × {LATENCY_S:.1f} s = {ideal:.2f} s")
    print(f"  ratio to ideal {ideal_ratio:.2f} (goal ≤ 1.3), speed-up {speedup:.1f}× (goal ≥ 5)")
    return ideal_ratio, speedup


async def main() -> None:
    """Run both measurements and print the figures."""
    ideal_ratio, speedup = await _paging()

    with tempfile.TemporaryDirectory() as directory:
        async with run_sandbox(companies=over_limit_companies(EXPORT_ROWS)) as sandbox:
            export = await _run_child("--export", sandbox.base_url, directory)
    print(
        f"export: {EXPORT_ROWS} rows, {export['bytes'] / 1e6:.1f} MB CSV in {export['elapsed_s']:.2f} s; "
        f"client RSS {export['baseline_rss_mb']:.0f} MB before, peak {export['peak_rss_mb']:.0f} MB"
    )
    async with run_sandbox(companies=over_limit_companies(DECODE_ROWS)) as sandbox:
        decode = await _run_child("--decode", sandbox.base_url)
    per_company_us = decode["cpu_s"] / decode["companies"] * 1e6
    print(
        f"decode: {decode['companies']:,} companies read in pages of 500: client CPU {decode['cpu_s']:.2f} s "
        f"({per_company_us:.1f} µs per company; goal ≤ 10), peak RSS {decode['peak_rss_mb']:.0f} MB (goal < 150)"
    )
    print(
        f"ideal_ratio={ideal_ratio:.2f} speedup={speedup:.2f} export_peak_rss_mb={export['peak_rss_mb']:.1f} "
        f"cpu_us_per_company={per_company_us:.1f} rss_mb_100k={decode['peak_rss_mb']:.1f}"
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--fetch":
        print(json.dumps(asyncio.run(_child_fetch(sys.argv[2], int(sys.argv[3])))))
    elif len(sys.argv) > 1 and sys.argv[1] == "--decode":
        print(json.dumps(asyncio.run(_child_decode(sys.argv[2]))))
    elif len(sys.argv) > 1 and sys.argv[1] == "--export":
        print(json.dumps(asyncio.run(_child_export(sys.argv[2], sys.argv[3]))))
    else:
        asyncio.run(main())
