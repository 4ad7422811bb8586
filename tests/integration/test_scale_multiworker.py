"""Scale-out end to end: two `madoguchi serve` processes over one Chroma server (`chroma run`), PostgreSQL for
the audit log and Redis for rate limits and the answer cache, all on loopback.

Each worker has its own data dir (stateless workers: the BM25 cache is rebuilt from Chroma). Checks: one rate
limit shared by both, identical answers from both (repeats served from the shared cache), one audit row per
answer served, a corpus ingested into the same Chroma server while they run is picked up without a restart,
and `madoguchi serve --workers 2` serves with the same settings.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

pytestmark = [pytest.mark.services, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/test"
RATE = 8  # answers per minute per client, shared by the workers
QUESTIONS = ["コネクター度の定義は？", "地場産業成長プランの要件は？", "よろず支援拠点では何を相談できますか？"]
NEW_FACT_QUESTION = "もみじ市の広域連携窓口の受付時間は？"
NEW_DOC = """# もみじ市 広域連携窓口のご案内

## 受付時間

もみじ市の広域連携窓口の受付時間は、平日の午前9時から午後5時までです。
"""
START_TIMEOUT = 240.0  # seconds for a worker to load the index on a busy machine (never asserted as a timing)
PICKUP_TIMEOUT = 90.0  # seconds for both workers to report a newly ingested corpus (expected ~10 s)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _reachable(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def _wait_ok(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = START_TIMEOUT) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            pytest.fail(f"{proc.args} exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    pytest.fail(f"{url} was not ready within {timeout:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


# --- services ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Chroma server (`chroma run`) on a free loopback port."""
    chroma = BIN / "chroma"
    if not chroma.exists():
        pytest.skip("the chroma CLI is not installed")
    root = tmp_path_factory.mktemp("chroma-server")
    port = _free_port()
    log = root / "chroma.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([str(chroma), "run", "--path", str(root / "db"), "--host", "127.0.0.1", "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ok(f"{url}/api/v2/heartbeat", proc, log, 60)
        yield url
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    """An empty Redis database of this module's own on 127.0.0.1:6379, flushed afterwards."""
    if not _reachable(6379):
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    import redis

    for db in range(15, 0, -1):
        client = redis.Redis(host="127.0.0.1", port=6379, db=db)
        if client.dbsize() == 0 and client.set("madoguchi:test:claim", "1", nx=True):
            break
    else:
        pytest.skip("no empty Redis database to use")
    yield f"redis://127.0.0.1:6379/{db}"
    client.flushdb()


def _pg():  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(ADMIN_DSN, autocommit=True, connect_timeout=5)


@pytest.fixture(scope="module")
def pg_schema() -> Iterator[str]:
    """A fresh PostgreSQL schema (dropped afterwards)."""
    try:
        _pg().close()
    except Exception as exc:
        pytest.skip(f"PostgreSQL at {ADMIN_DSN} is not reachable: {exc}")
    schema = f"scale_test_{uuid.uuid4().hex[:12]}"
    with _pg() as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    yield schema
    with _pg() as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


# --- the deployment -------------------------------------------------------------------------------


@dataclass
class Deployment:
    """The services, the corpus and the workers' URLs."""

    root: Path
    corpus: Path
    env: dict[str, str]
    workers: list[str]
    schema: str

    def ingest(self) -> str:
        """Ingest the corpus into the Chroma server from a separate data dir; returns the new corpus version."""
        env = {**self.env, "MADOGUCHI_DATA_DIR": str(self.root / "ingest-node")}
        done = subprocess.run([str(BIN / "madoguchi"), "ingest"], env=env, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stderr
        found = re.search(r"corpus ([0-9a-f]{16})", done.stdout)
        assert found, done.stdout
        return found.group(1)

    def answer_rows(self, ids: set[str]) -> list[tuple[str, dict[str, object]]]:
        """(answer_id, meta) of the audit rows for these answer ids."""
        with _pg() as conn:
            rows = conn.execute(f'SELECT answer_id, meta FROM "{self.schema}".answers WHERE answer_id = ANY(%s)',
                                (list(ids),)).fetchall()
        return [(r[0], r[1] if isinstance(r[1], dict) else json.loads(r[1])) for r in rows]


def _ask(url: str, question: str, client_ip: str) -> httpx.Response:
    return httpx.post(f"{url}/v1/ask", json={"question": question}, headers={"X-Forwarded-For": client_ip}, timeout=120)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory, chroma_url: str, redis_url: str, pg_schema: str) -> Iterator[Deployment]:
    """The shipped corpus ingested into the Chroma server, and two workers on their own ports and data dirs."""
    root = tmp_path_factory.mktemp("scale")
    corpus = root / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MADOGUCHI_")}
    env |= {
        "MADOGUCHI_CHROMA_URL": chroma_url,
        "MADOGUCHI_DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{pg_schema}",
        "MADOGUCHI_REDIS_URL": redis_url,
        "MADOGUCHI_CORPUS_DIR": str(corpus),
        "MADOGUCHI_RATE_LIMIT": f"{RATE}/minute",
        "MADOGUCHI_TRUSTED_PROXIES": "127.0.0.1",  # each phase of the test is its own client (X-Forwarded-For)
        "MADOGUCHI_EMBED_THREADS": "1",
    }
    deployment = Deployment(root, corpus, env, [], pg_schema)
    deployment.ingest()
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for i in range(2):
            port = _free_port()
            log = root / f"worker{i}.log"
            worker_env = {**env, "MADOGUCHI_DATA_DIR": str(root / f"worker{i}")}
            with log.open("wb") as out:
                procs.append(subprocess.Popen(
                    [str(BIN / "madoguchi"), "serve", "--host", "127.0.0.1", "--port", str(port)],
                    env=worker_env, stdout=out, stderr=subprocess.STDOUT))
            deployment.workers.append(f"http://127.0.0.1:{port}")
        for url, proc, i in zip(deployment.workers, procs, range(2), strict=True):
            _wait_ok(f"{url}/readyz", proc, root / f"worker{i}.log")
        yield deployment
    finally:
        for proc in procs:
            _stop(proc)


# --- the checks ------------------------------------------------------------------------------------


def test_one_rate_limit_is_shared_by_both_workers(deployment: Deployment) -> None:
    a, b = deployment.workers
    statuses = [_ask(a if i % 2 == 0 else b, QUESTIONS[0], "198.51.100.7").status_code for i in range(RATE + 4)]
    assert statuses == [200] * RATE + [429] * 4  # separate counters would have let all 12 through
    assert _ask(b, QUESTIONS[0], "198.51.100.8").status_code == 200  # another client has its own budget


def test_both_workers_give_the_same_answers_and_log_each_one_once(deployment: Deployment) -> None:
    a, b = deployment.workers
    served: dict[str, dict[str, object]] = {}
    repeats: list[str] = []
    for i, question in enumerate(QUESTIONS):
        first, second = (a, b) if i % 2 == 0 else (b, a)
        one = _ask(first, question, f"203.0.113.{2 * i + 1}").json()
        two = _ask(second, question, f"203.0.113.{2 * i + 2}").json()
        assert (one["answer"], one["citations"], one["refused"]) == (two["answer"], two["citations"], two["refused"])
        assert one["answer_id"] != two["answer_id"]
        served |= {one["answer_id"]: one, two["answer_id"]: two}
        repeats.append(two["answer_id"])

    deadline = time.monotonic() + 60
    rows = deployment.answer_rows(set(served))
    while len(rows) < len(served) and time.monotonic() < deadline:  # each worker writes its rows in the background
        time.sleep(0.5)
        rows = deployment.answer_rows(set(served))
    assert sorted(r[0] for r in rows) == sorted(served)  # every answer served has exactly one audit row
    meta = dict(rows)
    assert all(meta[answer_id].get("cache") == "hit" for answer_id in repeats)  # the other worker's cache entry


def test_a_corpus_ingested_while_serving_is_picked_up_without_restart(deployment: Deployment) -> None:
    a, b = deployment.workers
    before = [_ask(url, NEW_FACT_QUESTION, "192.0.2.1" if url == a else "192.0.2.2").json() for url in (a, b)]
    assert all("午前9時から午後5時" not in answer["answer"] for answer in before)
    old_versions = {httpx.get(f"{url}/readyz", timeout=30).json()["corpus_version"] for url in (a, b)}

    (deployment.corpus / "documents").mkdir(exist_ok=True)
    (deployment.corpus / "documents" / "momiji.md").write_text(NEW_DOC, encoding="utf-8")
    version = deployment.ingest()
    assert version not in old_versions

    seen: dict[str, str] = {}
    ingested = time.monotonic()
    deadline = ingested + PICKUP_TIMEOUT
    while True:  # each worker checks the store's pointer every 5 s and loads the new generation itself
        for url in (a, b):
            response = httpx.get(f"{url}/readyz", timeout=30)
            if response.status_code == 200:
                seen[url] = response.json()["corpus_version"]
        if seen == {a: version, b: version} or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert seen == {a: version, b: version}
    print(f"both workers serve corpus {version} {time.monotonic() - ingested:.1f} s after the ingest")  # -s shows it
    for i, url in enumerate((a, b)):
        answer = _ask(url, NEW_FACT_QUESTION, f"192.0.2.{10 + i}").json()
        assert not answer["refused"] and "午前9時から午後5時" in answer["answer"]  # not the cached old answer
        assert any(c["chunk_id"].startswith("momiji:") for c in answer["citations"])


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def test_serve_with_two_worker_processes(deployment: Deployment) -> None:
    port = _free_port()
    log = deployment.root / "serve-workers.log"
    env = {**deployment.env, "MADOGUCHI_DATA_DIR": str(deployment.root / "multi")}  # both workers share this dir
    with log.open("wb") as out:
        proc = subprocess.Popen([str(BIN / "madoguchi"), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
                                env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ok(f"{url}/readyz", proc, log)
        workers = [pid for pid in _children(proc.pid)  # forked workers (not multiprocessing's resource tracker)
                   if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()]
        assert len(workers) >= 2, f"expected two worker processes under {proc.pid}, found {workers}"
        answers = [_ask(url, q, f"198.18.0.{i}").json() for i, q in enumerate(QUESTIONS * 2)]
        assert len({a["answer_id"] for a in answers}) == len(answers)
        assert answers[0]["answer"] == answers[len(QUESTIONS)]["answer"]
        versions = {httpx.get(f"{url}/readyz", timeout=30).json()["corpus_version"] for _ in range(6)}
        assert versions == {httpx.get(f"{deployment.workers[0]}/readyz", timeout=30).json()["corpus_version"]}
    finally:
        _stop(proc)
