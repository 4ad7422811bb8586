"""Plan analysis latency: `madoguchi precheck` / `match` as a CLI call (load every time) against POST /v1/precheck
and /v1/match in a running `madoguchi serve` (first call, then every later call).

    .venv/bin/python bench/plans.py [--cli 3]

Plans: the shipped suites evals/datasets/precheck.jsonl and match.jsonl (each plan once per endpoint, one client,
keep-alive, loopback). ``--cli`` CLI calls of each command are timed for comparison. Prints a table; asserts nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import httpx  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from bench.harness import MADOGUCHI, REPO, base_env, ingest, pct, serve  # noqa: E402

console = Console(width=150)


def plans(task: str) -> list[str]:
    """The plans of one shipped suite."""
    path = REPO / "evals" / "datasets" / f"{task}.jsonl"
    return [json.loads(line)["plan"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def time_http(client: httpx.Client, url: str, texts: list[str]) -> tuple[float, list[float]]:
    """Seconds of the first call and of every later call (each must answer 200)."""
    times: list[float] = []
    for text in texts:
        start = time.perf_counter()
        response = client.post(url, json={"plan": text})
        times.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code} {response.text[:200]}")
    return times[0], times[1:]


def time_cli(command: str, text: str, env: dict[str, str], cwd: Path, runs: int) -> list[float]:
    """Seconds of ``runs`` CLI calls of ``madoguchi <command> plan.md``."""
    plan = cwd / "plan.md"
    plan.write_text(text, encoding="utf-8")
    out: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([MADOGUCHI, command, str(plan)], env=env, cwd=cwd, capture_output=True, check=True, timeout=300)
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", type=int, default=3, help="CLI calls per command for comparison (0: skip)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="madoguchi-bench-plans-") as tmp:
        work = Path(tmp)
        env = base_env(work / "data", MADOGUCHI_EMBED_THREADS="1")
        ingest(env, work)
        table = Table(title="plan analysis latency (seconds)")
        for col in ("how", "command", "calls", "first", "p50", "p95", "max"):
            table.add_column(col)
        if args.cli:
            for command in ("precheck", "match"):
                runs = time_cli(command, plans(command)[0], env, work, args.cli)
                table.add_row("CLI (loads each time)", command, str(len(runs)), f"{runs[0]:.2f}",
                              f"{pct(runs, 50):.2f}", f"{pct(runs, 95):.2f}", f"{max(runs):.2f}")
        with serve(env, work) as served, httpx.Client(base_url=served.url, timeout=120) as client:
            for command in ("precheck", "match"):
                first, later = time_http(client, f"/v1/{command}", plans(command))
                table.add_row("HTTP, running server", command, str(len(later) + 1), f"{first:.2f}",
                              f"{pct(later, 50):.2f}", f"{pct(later, 95):.2f}", f"{max(later):.2f}")
        console.print(table)


if __name__ == "__main__":
    main()
