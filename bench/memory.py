"""Memory and cold start: `madoguchi serve` on an existing index of the shipped corpus, default settings.

    .venv/bin/python bench/memory.py [--runs 3] [--workers 1,2]

For each run: seconds from spawning the process to GET /readyz = 200 (index loaded, embedder warm), resident
memory (RSS and PSS, parent + worker processes) when ready and after warm-up (every evaluation question once through
POST /v1/ask, rate limit off). Prints a table; asserts nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path: put the project root there instead.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402

import httpx  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from bench.harness import base_env, children, ingest, pss_mb, questions, rss_mb, serve  # noqa: E402

console = Console(width=150)


def total_rss(pid: int) -> tuple[float, float, int]:
    """RSS and PSS of a server and its worker processes (MB), and how many processes that is."""
    pids = [pid, *children(pid)]
    return sum(rss_mb(p) for p in pids), sum(pss_mb(p) for p in pids), len(pids)


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()
    qs = questions()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = base_env(work / "data")
        ingest(env, work)
        for workers in [int(w) for w in args.workers.split(",") if w]:
            for run in range(args.runs):
                with serve(env, work, workers=workers) as served:
                    ready_rss, _, processes = total_rss(served.proc.pid)
                    with httpx.Client(base_url=served.url, timeout=60) as client:
                        for q in qs:
                            client.post("/v1/ask", json={"question": q})
                    warm_rss, warm_pss, _ = total_rss(served.proc.pid)
                rows.append((workers, run + 1, processes, served.ready_seconds, ready_rss, warm_rss, warm_pss))
                console.print(f"  workers={workers} run {run + 1}: ready {served.ready_seconds:.2f} s, "
                              f"RSS {ready_rss:.0f} → {warm_rss:.0f} MB (PSS {warm_pss:.0f} MB)")
    load1, load5, _ = os.getloadavg()
    table = Table(title=f"madoguchi serve, shipped corpus, defaults, {os.cpu_count()} cores "
                        f"(load average {load1:.2f} / {load5:.2f} at the end)")
    for col in ("workers", "run", "processes", "spawn → ready (s)", "RSS ready (MB)", "RSS after warm-up (MB)",
                "PSS after warm-up (MB)"):
        table.add_column(col)
    for workers, run, processes, ready, ready_rss, warm_rss, warm_pss in rows:
        table.add_row(str(workers), str(run), str(processes), f"{ready:.2f}", f"{ready_rss:.0f}", f"{warm_rss:.0f}",
                      f"{warm_pss:.0f}")
    for workers in sorted({r[0] for r in rows}):
        mine = [r for r in rows if r[0] == workers]
        table.add_row(str(workers), "median", "", *(f"{statistics.median(r[i] for r in mine):.{2 if i == 3 else 0}f}"
                                                      for i in (3, 4, 5, 6)))
    console.print(table)


if __name__ == "__main__":
    main()
