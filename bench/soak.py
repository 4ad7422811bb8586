"""Soak test: drive the web API on loopback at a set rate and check that every answer and feedback was logged.

    .venv/bin/python bench/soak.py [--rate 50] [--duration 300] [--url http://127.0.0.1:8000]
                                   [--data-dir .madoguchi] [--database-url URL] [--json]

Without ``--url`` it copies the index of ``--data-dir`` (default: MADOGUCHI_DATA_DIR) to a temporary directory,
starts ``madoguchi serve`` there (rate limit off, a fresh SQLite audit log) and stops it gracefully at the end.
Requests go out open-loop at ``--rate`` per second for ``--duration`` seconds (capped by ``--max-requests``):
mostly ``POST /v1/ask`` with the questions of evals/datasets/qa.jsonl (every ``--stream-every``-th as SSE), and
every ``--feedback-every``-th tick a ``POST /v1/feedback`` for an answer already served.

Prints errors, p50/p95 latency and the achieved rate, then checks audit rows == answers served and feedback
rows == feedback posted (with ``--url``, only when ``--database-url`` names the server's audit database; the
check then compares row counts before and after). Exit status 1 on any error or row mismatch.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and bench/retrieval.py would shadow the
# `retrieval` package: put the project root there instead.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter, deque  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from dataclasses import asdict, dataclass, field  # noqa: E402
from typing import Any  # noqa: E402

import httpx  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
QA = REPO / "evals" / "datasets" / "qa.jsonl"
READY_TIMEOUT = 300.0
STOP_TIMEOUT = 60.0
ROWS_TIMEOUT = 30.0


@dataclass
class SoakConfig:
    """What to send, how fast, for how long, and where."""

    rate: float = 50.0
    duration: float = 300.0
    url: str | None = None
    data_dir: Path | None = None
    corpus_dir: Path | None = None
    database_url: str | None = None
    max_requests: int = 50_000
    feedback_every: int = 5
    stream_every: int = 7
    questions: int = 0  # 0 = every question of qa.jsonl
    timeout: float = 60.0
    drain: float = 120.0
    concurrency: int = 128
    cache: bool = True
    work_dir: Path | None = None


@dataclass
class SoakReport:
    """Figures of one soak run."""

    requests: int = 0
    asks: int = 0
    feedback_posts: int = 0
    errors: int = 0
    errors_by: dict[str, int] = field(default_factory=dict)
    elapsed_s: float = 0.0
    achieved_rate: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    ask_p50_ms: float = 0.0
    ask_p95_ms: float = 0.0
    feedback_p50_ms: float = 0.0
    feedback_p95_ms: float = 0.0
    answers_served: int = 0
    feedback_posted: int = 0
    rows_checked: bool = False
    audit_answers: int | None = None
    audit_feedback: int | None = None

    @property
    def rows_ok(self) -> bool:
        """True when the audit log holds exactly the answers served and the feedback posted."""
        return self.rows_checked and self.audit_answers == self.answers_served and self.audit_feedback == self.feedback_posted

    @property
    def ok(self) -> bool:
        """No error and (where checked) the rows add up."""
        return self.errors == 0 and (self.rows_ok or not self.rows_checked)


def load_questions(limit: int = 0) -> list[dict[str, Any]]:
    """Questions (with their history, if any) from evals/datasets/qa.jsonl."""
    cases = [json.loads(line) for line in QA.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = [{"question": c["question"], **({"history": c["history"]} if c.get("history") else {})} for c in cases]
    return items[:limit] if limit else items


def percentile(values: list[float], q: int) -> float:
    """The q-th percentile (0 when there are no values)."""
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def feedback_token_of(text: str, stream: bool) -> str | None:
    """The feedback token sent with an answer (JSON body, or the SSE ``done`` event)."""
    try:
        if not stream:
            return json.loads(text).get("feedback_token")
        done = [line for line in text.splitlines() if line.startswith("data:") and "feedback_token" in line]
        return json.loads(done[-1][5:].strip()).get("feedback_token") if done else None
    except (ValueError, AttributeError):
        return None


def answer_id_of_stream(text: str) -> str | None:
    """The answer id of an SSE answer (from its ``done`` event), or None when it ended in ``error``."""
    event, answer_id = "", None
    for line in text.splitlines():
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:") and event == "done":
            answer_id = json.loads(line[5:].strip()).get("answer_id")
        elif line.startswith("data:") and event == "error":
            return None
    return answer_id


class Driver:
    """Sends the requests of one run and keeps the samples."""

    def __init__(self, cfg: SoakConfig, client: httpx.AsyncClient, questions: list[dict[str, Any]]) -> None:
        self.cfg, self.client, self.questions = cfg, client, questions
        self.samples: list[tuple[str, float]] = []  # (kind, seconds) of successful requests
        self.errors: Counter[str] = Counter()
        self.kinds: Counter[str] = Counter()
        self.unrated: deque[str] = deque()
        self.tokens: dict[str, str | None] = {}  # answer id → its feedback token
        self.answers: set[str] = set()
        self.feedback_ok = 0

    async def tick(self, i: int) -> None:
        """One scheduled request: a feedback post on every n-th tick (when an answer is waiting), else an ask."""
        if self.cfg.feedback_every and i % self.cfg.feedback_every == self.cfg.feedback_every - 1 and self.unrated:
            await self.feedback(self.unrated.popleft(), "up" if i % 3 else "down")
        else:
            await self.ask(i)

    async def ask(self, i: int) -> None:
        payload = dict(self.questions[i % len(self.questions)])
        stream = bool(self.cfg.stream_every) and i % self.cfg.stream_every == 0
        payload["stream"] = stream
        self.kinds["ask"] += 1
        started = time.perf_counter()
        try:
            response = await self.client.post("/v1/ask", json=payload)
        except httpx.HTTPError as exc:
            self.errors[f"ask:{type(exc).__name__}"] += 1
            return
        seconds = time.perf_counter() - started
        if response.status_code != 200:
            self.errors[f"ask:{response.status_code}"] += 1
            return
        answer_id = answer_id_of_stream(response.text) if stream else response.json().get("answer_id")
        self.tokens[answer_id or ""] = feedback_token_of(response.text, stream)
        if not answer_id:
            self.errors["ask:stream_error" if stream else "ask:no_answer_id"] += 1
            return
        self.samples.append(("ask", seconds))
        self.answers.add(answer_id)
        self.unrated.append(answer_id)

    async def feedback(self, answer_id: str, rating: str) -> None:
        self.kinds["feedback"] += 1
        started = time.perf_counter()
        try:
            response = await self.client.post("/v1/feedback", json={"answer_id": answer_id, "rating": rating,
                                                                       "feedback_token": self.tokens.pop(answer_id, None)})
        except httpx.HTTPError as exc:
            self.errors[f"feedback:{type(exc).__name__}"] += 1
            return
        if response.status_code != 200:
            self.errors[f"feedback:{response.status_code}"] += 1
            return
        self.samples.append(("feedback", time.perf_counter() - started))
        self.feedback_ok += 1


async def drive(cfg: SoakConfig, base_url: str) -> tuple[Driver, float]:
    """Send ``rate × duration`` requests (at most ``max_requests``) open-loop; wait ``drain`` s for stragglers."""
    limits = httpx.Limits(max_connections=cfg.concurrency, max_keepalive_connections=cfg.concurrency)
    total = max(1, min(int(cfg.rate * cfg.duration), cfg.max_requests))
    async with httpx.AsyncClient(base_url=base_url, timeout=cfg.timeout, limits=limits) as client:
        driver = Driver(cfg, client, load_questions(cfg.questions))
        loop = asyncio.get_running_loop()
        start = loop.time()
        tasks = []
        for i in range(total):
            delay = start + i / cfg.rate - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(driver.tick(i)))
        _, pending = await asyncio.wait(tasks, timeout=cfg.drain)
        for task in pending:
            task.cancel()
        if pending:
            driver.errors["unfinished"] += len(pending)
        return driver, loop.time() - start


# --- the server under test ------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def copy_index(source: Path, target: Path) -> None:
    """Copy the index generations and the embedded Chroma store (not the audit log) of a data dir."""
    if not (source / "index").is_dir():
        raise SystemExit(f"{source} に索引がありません。先に `madoguchi ingest` を実行してください。")
    shutil.copytree(source / "index", target / "index")
    if (source / "chroma").is_dir():
        shutil.copytree(source / "chroma", target / "chroma")


@contextmanager
def own_server(cfg: SoakConfig, work: Path) -> Iterator[tuple[str, str]]:
    """``madoguchi serve`` over a temp copy of the index; yields (base URL, audit database URL)."""
    from bot.config import Settings

    source = cfg.data_dir or Settings().data_dir
    data = work / "data"
    copy_index(Path(source), data)
    audit_url = f"sqlite:///{data / 'audit-soak.sqlite'}"
    port = _free_port()
    env = {
        **os.environ, "MADOGUCHI_DATA_DIR": str(data), "MADOGUCHI_DATABASE_URL": audit_url,
        "MADOGUCHI_RATE_LIMIT": "off", "MADOGUCHI_FEEDBACK_RATE_LIMIT": "off",
        # one load generator holds up to --concurrency connections from one address: lift the per-address cap
        "MADOGUCHI_SERVE_MAX_CONNECTIONS_PER_IP": "0", "MADOGUCHI_LOG_LEVEL": "WARNING",
    }
    if cfg.corpus_dir:
        env["MADOGUCHI_CORPUS_DIR"] = str(cfg.corpus_dir)
    if not cfg.cache:
        env["MADOGUCHI_CACHE_SIZE"] = "0"
    log = (work / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=REPO,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(proc, url, work / "server.log")
        yield url, audit_url
    finally:
        if proc.poll() is None:
            proc.terminate()  # graceful: the app flushes the audit log on shutdown
            try:
                proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()


def _wait_ready(proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"サーバーが起動しませんでした:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("サーバーの準備が時間内に整いませんでした（/readyz）。")


def audit_rows(database_url: str) -> tuple[int, int]:
    """(answers, feedback) rows stored in an audit database."""
    from bot.audit.store import AuditStore

    store = AuditStore(database_url)
    try:
        return store.count("answers"), store.count("feedback")
    finally:
        store.dispose()


def _wait_rows(database_url: str, before: tuple[int, int], expected: tuple[int, int]) -> tuple[int, int]:
    """Row deltas once they reach ``expected`` (the server writes in the background), or after a timeout."""
    deadline = time.monotonic() + ROWS_TIMEOUT
    while True:
        now = audit_rows(database_url)
        delta = (now[0] - before[0], now[1] - before[1])
        if delta == expected or time.monotonic() > deadline:
            return delta
        time.sleep(0.5)


# --- one run ------------------------------------------------------------------------------------------------
def report_of(driver: Driver, elapsed: float) -> SoakReport:
    """Latency, error and rate figures of a finished run."""
    by_kind = {k: [s * 1000 for kind, s in driver.samples if kind == k] for k in ("ask", "feedback")}
    every = by_kind["ask"] + by_kind["feedback"]
    requests = sum(driver.kinds.values())
    return SoakReport(
        requests=requests, asks=driver.kinds["ask"], feedback_posts=driver.kinds["feedback"],
        errors=sum(driver.errors.values()), errors_by=dict(driver.errors), elapsed_s=round(elapsed, 2),
        achieved_rate=round(requests / elapsed, 2) if elapsed else 0.0,
        p50_ms=round(percentile(every, 50), 1), p95_ms=round(percentile(every, 95), 1),
        ask_p50_ms=round(percentile(by_kind["ask"], 50), 1), ask_p95_ms=round(percentile(by_kind["ask"], 95), 1),
        feedback_p50_ms=round(percentile(by_kind["feedback"], 50), 1),
        feedback_p95_ms=round(percentile(by_kind["feedback"], 95), 1),
        answers_served=len(driver.answers), feedback_posted=driver.feedback_ok,
    )


def run_soak(cfg: SoakConfig) -> SoakReport:
    """Run one soak against ``cfg.url`` or a server of its own; return the figures and the row check."""
    if cfg.url:
        before = audit_rows(cfg.database_url) if cfg.database_url else (0, 0)
        driver, elapsed = asyncio.run(drive(cfg, cfg.url))
        report = report_of(driver, elapsed)
        if cfg.database_url:
            delta = _wait_rows(cfg.database_url, before, (report.answers_served, report.feedback_posted))
            report.rows_checked, (report.audit_answers, report.audit_feedback) = True, delta
        return report
    with tempfile.TemporaryDirectory(prefix="madoguchi-soak-", dir=cfg.work_dir) as tmp:
        with own_server(cfg, Path(tmp)) as (url, audit_url):
            driver, elapsed = asyncio.run(drive(cfg, url))
        report = report_of(driver, elapsed)  # the server has stopped and flushed its audit log
        report.rows_checked = True
        report.audit_answers, report.audit_feedback = audit_rows(audit_url)
        return report


def print_report(report: SoakReport) -> None:
    """The figures as a few readable lines."""
    print(f"requests      {report.requests} ({report.asks} ask, {report.feedback_posts} feedback) in {report.elapsed_s} s")
    print(f"achieved rate {report.achieved_rate} req/s")
    print(f"errors        {report.errors} {report.errors_by or ''}")
    print(f"latency       p50 {report.p50_ms} ms, p95 {report.p95_ms} ms "
          f"(ask p50 {report.ask_p50_ms} / p95 {report.ask_p95_ms}; "
          f"feedback p50 {report.feedback_p50_ms} / p95 {report.feedback_p95_ms})")
    if report.rows_checked:
        mark = "OK" if report.rows_ok else "MISMATCH"
        print(f"audit rows    answers {report.audit_answers} / served {report.answers_served}; "
              f"feedback {report.audit_feedback} / posted {report.feedback_posted} -> {mark}")
    else:
        print("audit rows    not checked (give --database-url with --url)")


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=50.0, help="requests per second (default 50)")
    parser.add_argument("--duration", type=float, default=300.0, help="seconds of sending (default 300)")
    parser.add_argument("--max-requests", type=int, default=50_000, help="hard cap on requests sent")
    parser.add_argument("--url", help="an already running desk (default: start one on a temp copy of the index)")
    parser.add_argument("--data-dir", type=Path, help="data dir whose index is copied (default: MADOGUCHI_DATA_DIR)")
    parser.add_argument("--corpus-dir", type=Path, help="corpus dir for the started server")
    parser.add_argument("--database-url", help="audit database of the --url server, for the row check")
    parser.add_argument("--feedback-every", type=int, default=5, help="every n-th request is a feedback post")
    parser.add_argument("--stream-every", type=int, default=7, help="every n-th ask uses SSE (0 = never)")
    parser.add_argument("--questions", type=int, default=0, help="use only the first n questions of qa.jsonl")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    parser.add_argument("--no-cache", action="store_true", help="start the server with the answer cache off")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    cfg = SoakConfig(
        rate=args.rate, duration=args.duration, max_requests=args.max_requests, url=args.url,
        data_dir=args.data_dir, corpus_dir=args.corpus_dir, database_url=args.database_url,
        feedback_every=args.feedback_every, stream_every=args.stream_every, questions=args.questions,
        timeout=args.timeout, cache=not args.no_cache,
    )
    report = run_soak(cfg)
    if args.json:
        print(json.dumps({**asdict(report), "rows_ok": report.rows_ok, "ok": report.ok}, ensure_ascii=False, indent=1))
    else:
        print_report(report)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
