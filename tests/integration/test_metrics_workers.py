"""`madoguchi serve --workers 2`: /metrics in any worker counts the answers of all workers (Prometheus
multiprocess mode), and the default number of workers follows the cores only where state is shared."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from conftest import free_port
from prometheus_client.parser import text_string_to_metric_families

from bot.config import Settings
from bot.web.cli import default_workers, usable_cores

BIN = Path(sys.executable).parent
QUESTIONS = ["コネクター度の定義は？", "地場産業成長プランの要件は？", "よろず支援拠点では何を相談できますか？"]
ASKS = 24


def _answers_total(body: str) -> float:
    """madoguchi_answers_total summed over its labels."""
    return sum(s.value for family in text_string_to_metric_families(body) for s in family.samples
               if s.name == "madoguchi_answers_total")


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


@pytest.mark.slow
def test_metrics_sum_the_answers_of_every_worker(cli_env: dict[str, str], tmp_path: Path) -> None:
    port = free_port()
    env = {**cli_env, "MADOGUCHI_RATE_LIMIT": "off", "MADOGUCHI_CACHE_SIZE": "0", "MADOGUCHI_LOG_LEVEL": "WARNING"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([str(BIN / "madoguchi"), "serve", "--host", "127.0.0.1", "--port", str(port),
                                 "--workers", "2"], env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        ready = 0
        while ready < 6:  # several answers in a row: both workers have loaded (each answers /readyz only when ready)
            assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            try:
                ready = ready + 1 if httpx.get(f"{url}/readyz", timeout=10).status_code == 200 else 0
            except httpx.HTTPError:
                ready = 0
            time.sleep(0.2)
        workers = [pid for pid in _children(proc.pid)  # forked workers (not multiprocessing's resource tracker)
                   if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()]
        assert len(workers) == 2

        def ask(i: int) -> int:  # a fresh connection each time, so the kernel hands them to both workers
            return httpx.post(f"{url}/v1/ask", json={"question": QUESTIONS[i % len(QUESTIONS)]}, timeout=120).status_code

        with ThreadPoolExecutor(6) as pool:
            assert list(pool.map(ask, range(ASKS))) == [200] * ASKS
        totals = {_answers_total(httpx.get(f"{url}/metrics", timeout=30).text) for _ in range(8)}
        assert totals == {ASKS}  # one worker's own count would be less than all answers served

        # A worker that dies is replaced, and the server answers as before.
        os.kill(workers[0], signal.SIGKILL)
        while workers[0] in _children(proc.pid) or len(_children(proc.pid)) < 2:
            assert time.monotonic() < deadline + 120, log.read_text(errors="replace")[-3000:]
            time.sleep(0.2)
        with ThreadPoolExecutor(6) as pool:
            assert list(pool.map(ask, range(6))) == [200] * 6
    finally:
        proc.terminate()
        proc.wait(30)


def test_workers_default_to_the_cores_only_with_shared_rate_limits(tmp_path: Path) -> None:
    alone = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    shared = Settings(data_dir=tmp_path, redis_url="redis://127.0.0.1:6379/0", _env_file=None)  # type: ignore[call-arg]
    assert default_workers(alone) == 1
    assert default_workers(shared) == usable_cores()
