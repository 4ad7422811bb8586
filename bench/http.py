"""HTTP benchmark: POST /v1/ask (extractive) through `madoguchi serve`, throughput and latency at several
concurrencies and worker counts, with the index embedded (PersistentClient) or on a Chroma server (`chroma run`),
against the limits measured in the same run: the desk's own ask in process (for the HTTP overhead) and one
worker (for what more workers add).

    make bench          # in the runtime install (.venv-runtime), as users run it
    .venv-runtime/bin/python bench/http.py [--concurrency 1,4,16] [--requests 600] [--seconds 20]
                                   [--modes embedded] [--workers 1,2] [--cache off] [--repeat 3]

The load generator (stdlib http.client, one keep-alive connection per thread) runs on the same machine over loopback: each level stops after
``--requests`` answers or ``--seconds``, whichever comes first. ``cache off`` sets MADOGUCHI_CACHE_SIZE=0 (every
request retrieves and composes); ``cache on`` is the default in-process answer cache, warm after one pass
over the 113 evaluation questions; ``--query-cache off`` (the default) turns the query-embedding cache off too, so
each request embeds its question as a new question would. Rate limiting is off. Prints a table; asserts nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and this file (http.py) would shadow the
# standard library's `http` package: put the project root there instead.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from bench.harness import (  # noqa: E402
    base_env,
    children,
    chroma_server,
    ingest,
    install_note,
    pct,
    questions,
    serve,
)
from bot.config import Settings  # noqa: E402
from bot.desk import Desk  # noqa: E402

console = Console(width=150)


@dataclass
class Level:
    """The result of one load level."""

    label: str
    concurrency: int
    workers: int = 1
    server_cpu: float = 0.0  # CPU seconds of the server's processes during the level
    client_cpu: float = 0.0  # CPU seconds of this load generator during the level
    latencies: list[float] = field(default_factory=list)
    gaps: list[float] = field(default_factory=list)  # per answer: client latency − the desk's own time (Server-Timing)
    errors: int = 0
    seconds: float = 0.0

    @property
    def rps(self) -> float:
        """Successful answers per second."""
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def load(url: str, qs: list[str], concurrency: int, max_requests: int, max_seconds: float) -> Level:
    """Send POST /v1/ask from ``concurrency`` threads, each on its own keep-alive connection, until the request
    or time budget is spent.

    The client is the standard library's ``http.client``: 0.5–0.7 ms of CPU per request here, where httpx's
    AsyncClient took 2.5 ms — on two cores that client time ran in series with the server's at c = 1 and was
    counted as HTTP overhead (docs/performance.md, seventh session)."""
    level = Level("", concurrency)
    counter = iter(range(max_requests))
    lock = threading.Lock()
    parts = urlsplit(url)
    start = time.perf_counter()
    deadline = start + max_seconds

    def worker() -> None:
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=60)
        try:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None or time.perf_counter() > deadline:
                    return
                body = json.dumps({"question": qs[i % len(qs)]}).encode()
                sent = time.perf_counter()
                try:
                    conn.request("POST", "/v1/ask", body=body, headers={"Content-Type": "application/json"})
                    response = conn.getresponse()
                    response.read()
                    ok, timing = response.status == 200, response.getheader("server-timing", "")
                except (OSError, http.client.HTTPException):
                    ok, timing = False, ""
                    conn.close()  # reconnects on the next request
                elapsed = (time.perf_counter() - sent) * 1000
                with lock:
                    if ok:
                        level.latencies.append(elapsed)
                        desk_ms = desk_time(timing)
                        if desk_ms is not None:
                            level.gaps.append(elapsed - desk_ms)
                    else:
                        level.errors += 1
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    level.seconds = time.perf_counter() - start
    return level


def desk_time(header: str) -> float | None:
    """The ``desk;dur=`` milliseconds of a Server-Timing header, or None."""
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if name == "desk" and params.startswith("dur="):
            try:
                return float(params[4:])
            except ValueError:
                return None
    return None


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and its children so far (from /proc)."""
    total = 0.0
    for p in [pid, *children(pid)]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def in_process_ask_ms(data_dir: Path, qs: list[str], env: dict[str, str]) -> list[float]:
    """Milliseconds of `Desk.ask` in this process over the same index, cache off: the limit for HTTP."""
    settings = Settings(data_dir=data_dir, corpus_dir=Path(env["MADOGUCHI_CORPUS_DIR"]), cache_size=0,
                        chroma_url=env.get("MADOGUCHI_CHROMA_URL") or None, _env_file=None)  # type: ignore[call-arg]
    desk = Desk(settings)
    for q in qs:  # warm: index, Sudachi, embedder
        desk.ask(q)
    out = []
    for i in range(2 * len(qs)):
        start = time.perf_counter()
        desk.ask(qs[i % len(qs)])
        out.append((time.perf_counter() - start) * 1000)
    return out


def run_mode(mode: str, workdir: Path, args: argparse.Namespace, qs: list[str]) -> tuple[list[Level], float]:
    """Index, serve and load one deployment mode; one Level per (cache, workers, concurrency), and the in-process
    ask p50 (ms) over the same index."""
    out: list[Level] = []
    levels = [int(c) for c in args.concurrency.split(",") if c]
    inproc = 0.0
    for cache in args.cache.split(","):
        extra = {"MADOGUCHI_CACHE_SIZE": "0"} if cache == "off" else {}
        if os.environ.get("MADOGUCHI_QUERY_CACHE_SIZE"):
            extra["MADOGUCHI_QUERY_CACHE_SIZE"] = os.environ["MADOGUCHI_QUERY_CACHE_SIZE"]
        data = workdir / f"{mode}-{cache}"
        data.mkdir(parents=True)
        if mode == "server":
            with chroma_server(data / "chroma-server") as chroma_url:
                env = base_env(data / "data", MADOGUCHI_CHROMA_URL=chroma_url, **extra)
                ingest(env, data)
                inproc = inproc or statistics.median(in_process_ask_ms(data / "inproc", qs, env))
                out += _serve_and_load(env, data, args, qs, levels, f"server, cache {cache}")
        else:
            env = base_env(data / "data", **extra)
            ingest(env, data)
            inproc = inproc or statistics.median(in_process_ask_ms(data / "data", qs, env))
            out += _serve_and_load(env, data, args, qs, levels, f"embedded, cache {cache}")
    return out, inproc


def _serve_and_load(env: dict[str, str], data: Path, args: argparse.Namespace, qs: list[str], levels: list[int],
                    label: str) -> list[Level]:
    out = []
    for workers in [int(w) for w in args.workers.split(",") if w]:
        with serve(env, data, workers=workers) as served:
            load(served.url, qs, 4 * workers, 2 * len(qs), 120)  # warm-up: each worker sees questions
            for concurrency in levels:
                server_before, client_before = cpu_seconds(served.proc.pid), time.process_time()
                level = load(served.url, qs, concurrency, args.requests, args.seconds)
                level.server_cpu = cpu_seconds(served.proc.pid) - server_before
                level.client_cpu = time.process_time() - client_before
                level.label, level.workers = label, workers
                out.append(level)
                console.print(f"  {label:<22} workers={workers} c={concurrency:<3} {level.rps:6.1f} req/s  "
                              f"p50 {statistics.median(level.latencies or [0]):6.1f}  p95 {pct(level.latencies, 95):6.1f} ms"
                              f"  HTTP path p50 {statistics.median(level.gaps or [0]):5.1f} ms")
    return out


def cpu_columns(levels: list[Level]) -> list[str]:
    """Server and client CPU per answer (median over runs) and the rate the cores could at most sustain with both
    on this machine: cores / (server + client CPU per answer)."""
    server = statistics.median(lv.server_cpu / max(1, len(lv.latencies)) * 1000 for lv in levels)
    client = statistics.median(lv.client_cpu / max(1, len(lv.latencies)) * 1000 for lv in levels)
    bound = len(os.sched_getaffinity(0)) * 1000 / (server + client) if server + client else 0.0
    return [f"{server:.1f}", f"{client:.1f}", f"{bound:.0f}"]


def targets(runs: list[tuple[list[Level], float]], cores: int) -> Table:
    """The issue's HTTP targets as ratios against their limits, median over the runs."""
    table = Table(title=f"Targets: median of {len(runs)} runs, each against its limit in the same run")
    for col in ("target", "median", "runs", "met"):
        table.add_column(col)

    def find(levels: list[Level], workers: int, c: int) -> Level | None:
        return next((lv for lv in levels if lv.workers == workers and lv.concurrency == c
                     and lv.label.endswith("cache off")), None)

    over, gain, tail, path = [], [], [], []
    for levels, inproc in runs:
        one, many = find(levels, 1, 1), find(levels, cores, 16)
        single16 = find(levels, 1, 16)
        if one and one.latencies:
            over.append((statistics.median(one.latencies) - inproc, inproc))
        if one and one.gaps:
            path.append(statistics.median(one.gaps))
        if many and single16 and single16.rps:
            gain.append((many.rps / single16.rps, many.rps, single16.rps))
            tail.append(pct(many.latencies, 95))
    if over:
        med = statistics.median(o for o, _ in over)
        table.add_row("HTTP c=1 p50 − in-process ask p50 ≤ 3 ms", f"{med:+.1f} ms",
                      " ".join(f"{o:+.1f} (in-process {i:.1f})" for o, i in over), "yes" if med <= 3 else "no")
    if path:  # the same limit read inside each request: client latency − the desk's own time (Server-Timing)
        med = statistics.median(path)
        table.add_row("same, per request: c=1 latency − desk time ≤ 3 ms", f"+{med:.1f} ms",
                      " ".join(f"+{g:.1f}" for g in path), "yes" if med <= 3 else "no")
    if gain:
        med = statistics.median(g for g, _, _ in gain)
        table.add_row(f"c=16: {cores} workers ≥ 1.7× one worker (req/s)", f"{med:.2f}×",
                      " ".join(f"{m:.0f}/{s:.0f}" for _, m, s in gain), "yes" if med >= 1.7 else "no")
        med = statistics.median(tail)
        table.add_row(f"c=16, {cores} workers: p95 ≤ 150 ms", f"{med:.0f} ms", " ".join(f"{t:.0f}" for t in tail),
                      "yes" if med <= 150 else "no")
    return table


def main() -> None:
    """Run the benchmark ``--repeat`` times and print the tables."""
    cores = len(os.sched_getaffinity(0))
    parser = argparse.ArgumentParser()
    parser.add_argument("--concurrency", default="1,4,16")
    parser.add_argument("--requests", type=int, default=600, help="answers per level at most")
    parser.add_argument("--seconds", type=float, default=20, help="seconds per level at most")
    parser.add_argument("--modes", default="embedded", help="embedded, server or embedded,server")
    parser.add_argument("--workers", default=f"1,{cores}", help="`madoguchi serve --workers`, one or several")
    parser.add_argument("--cache", default="off", help="answer cache: off, on or off,on")
    parser.add_argument("--query-cache", default="off", choices=("off", "on"),
                        help="query-embedding cache (MADOGUCHI_QUERY_CACHE_SIZE): off, so that every request embeds "
                             "its question as a new one would (the bench cycles through 113 questions)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.query_cache == "off":  # the server's environment (base_env) and this process's in-process desk
        os.environ["MADOGUCHI_QUERY_CACHE_SIZE"] = "0"
    qs = questions()
    load_start = os.getloadavg()[0]
    runs: list[tuple[list[Level], float]] = []
    for r in range(args.repeat):
        console.print(f"run {r + 1}/{args.repeat} (load average {os.getloadavg()[0]:.2f})")
        levels: list[Level] = []
        inproc = 0.0
        with tempfile.TemporaryDirectory() as tmp:
            for mode in args.modes.split(","):
                got, ms = run_mode(mode, Path(tmp), args, qs)
                levels += got
                inproc = inproc or ms
        console.print(f"  in-process ask p50 {inproc:.1f} ms")
        runs.append((levels, inproc))
    load1, load5, _ = os.getloadavg()
    table = Table(title=f"POST /v1/ask, extractive, query cache {args.query_cache}, median over {args.repeat} runs; "
                        f"{os.cpu_count()} cores, load "
                        f"average {load_start:.2f} → {load1:.2f} (5 min: {load5:.2f})")
    for col in ("deployment", "workers", "concurrency", "answers", "errors", "req/s", "p50 ms", "p95 ms",
                "HTTP path p50 ms", "server CPU ms/req", "client CPU ms/req", "CPU bound req/s"):
        table.add_column(col)
    for i, level in enumerate(runs[0][0]):
        every = [run[0][i] for run in runs]
        table.add_row(level.label, str(level.workers), str(level.concurrency),
                      str(int(statistics.median(len(lv.latencies) for lv in every))),
                      str(sum(lv.errors for lv in every)), f"{statistics.median(lv.rps for lv in every):.1f}",
                      f"{statistics.median(statistics.median(lv.latencies or [0]) for lv in every):.1f}",
                      f"{statistics.median(pct(lv.latencies, 95) for lv in every):.1f}",
                      f"{statistics.median(statistics.median(lv.gaps or [0]) for lv in every):.1f}",
                      *cpu_columns(every))
    console.print(table)
    console.print(targets(runs, cores))
    console.print(install_note())


if __name__ == "__main__":
    main()
