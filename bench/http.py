"""HTTP benchmark: POST /v1/ask (extractive) through `madoguchi serve`, throughput and latency at several
concurrencies, with the index embedded (PersistentClient) and on a Chroma server (`chroma run`).

    .venv/bin/python bench/http.py [--concurrency 1,4,16] [--requests 600] [--seconds 20]
                                   [--modes embedded,server] [--workers 1] [--cache off,on]

The load generator (httpx, async, keep-alive) runs on the same machine over loopback: each level stops after
``--requests`` answers or ``--seconds``, whichever comes first. ``cache off`` sets MADOGUCHI_CACHE_SIZE=0 (every
request retrieves and composes); ``cache on`` is the default in-process answer cache, warm after one pass
over the 113 evaluation questions. Rate limiting is off. Prints a table; asserts nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and this file (http.py) would shadow the
# standard library's `http` package: put the project root there instead.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import asyncio  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

import httpx  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from bench.harness import base_env, chroma_server, ingest, pct, questions, serve  # noqa: E402

console = Console(width=150)


@dataclass
class Level:
    """The result of one load level."""

    label: str
    concurrency: int
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    @property
    def rps(self) -> float:
        """Successful answers per second."""
        return len(self.latencies) / self.seconds if self.seconds else 0.0


async def load(url: str, qs: list[str], concurrency: int, max_requests: int, max_seconds: float) -> Level:
    """Send POST /v1/ask from ``concurrency`` tasks until the request or time budget is spent."""
    level = Level("", concurrency)
    counter = iter(range(max_requests))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        start = time.perf_counter()
        deadline = start + max_seconds

        async def worker() -> None:
            for i in counter:
                if time.perf_counter() > deadline:
                    return
                sent = time.perf_counter()
                try:
                    response = await client.post("/v1/ask", json={"question": qs[i % len(qs)]})
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    level.latencies.append((time.perf_counter() - sent) * 1000)
                else:
                    level.errors += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        level.seconds = time.perf_counter() - start
    return level


def run_mode(mode: str, workdir: Path, args: argparse.Namespace, qs: list[str]) -> list[Level]:
    """Index, serve and load one deployment mode; one Level per (cache, concurrency)."""
    out: list[Level] = []
    levels = [int(c) for c in args.concurrency.split(",") if c]
    for cache in args.cache.split(","):
        extra = {"MADOGUCHI_CACHE_SIZE": "0"} if cache == "off" else {}
        data = workdir / f"{mode}-{cache}"
        data.mkdir(parents=True)
        if mode == "server":
            with chroma_server(data / "chroma-server") as chroma_url:
                env = base_env(data / "data", MADOGUCHI_CHROMA_URL=chroma_url, **extra)
                ingest(env, data)
                out += _serve_and_load(env, data, args, qs, levels, f"server, cache {cache}")
        else:
            env = base_env(data / "data", **extra)
            ingest(env, data)
            out += _serve_and_load(env, data, args, qs, levels, f"embedded, cache {cache}")
    return out


def _serve_and_load(env: dict[str, str], data: Path, args: argparse.Namespace, qs: list[str], levels: list[int],
                    label: str) -> list[Level]:
    out = []
    with serve(env, data, workers=args.workers) as served:
        asyncio.run(load(served.url, qs, 4, len(qs), 120))  # warm-up: every question once (fills the cache if on)
        for concurrency in levels:
            level = asyncio.run(load(served.url, qs, concurrency, args.requests, args.seconds))
            level.label = label
            out.append(level)
            console.print(f"  {label:<22} c={concurrency:<3} {level.rps:6.1f} req/s  p95 {pct(level.latencies, 95):6.1f} ms")
    return out


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--concurrency", default="1,4,16")
    parser.add_argument("--requests", type=int, default=600, help="answers per level at most")
    parser.add_argument("--seconds", type=float, default=20, help="seconds per level at most")
    parser.add_argument("--modes", default="embedded,server")
    parser.add_argument("--workers", type=int, default=1, help="`madoguchi serve --workers`")
    parser.add_argument("--cache", default="off,on", help="answer cache: off, on or off,on")
    args = parser.parse_args()
    qs = questions()
    rows: list[Level] = []
    with tempfile.TemporaryDirectory() as tmp:
        for mode in args.modes.split(","):
            rows += run_mode(mode, Path(tmp), args, qs)
    load1, load5, _ = os.getloadavg()
    table = Table(title=f"POST /v1/ask, extractive, {args.workers} worker(s), {os.cpu_count()} cores "
                        f"(load average {load1:.2f} / {load5:.2f} at the end)")
    for col in ("deployment", "concurrency", "answers", "errors", "req/s", "p50 ms", "p95 ms"):
        table.add_column(col)
    for level in rows:
        ms = level.latencies
        table.add_row(level.label, str(level.concurrency), str(len(ms)), str(level.errors), f"{level.rps:.1f}",
                      f"{statistics.median(ms) if ms else 0:.1f}", f"{pct(ms, 95):.1f}")
    console.print(table)


if __name__ == "__main__":
    main()
