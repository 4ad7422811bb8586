"""Shared plumbing of the server benchmarks: an index in a temp dir, a Chroma server, a `madoguchi serve`
subprocess, percentiles and process memory. Not a benchmark itself."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MADOGUCHI = str(BIN / "madoguchi")
CHROMA = str(BIN / "chroma")


def install_note() -> str:
    """Which install runs the bench: the runtime one has no test packages; and whether queries get one BLAS thread."""
    import importlib.util

    kind = "dev/test install" if importlib.util.find_spec("pytest") else "runtime install"
    pool = "threadpoolctl present" if importlib.util.find_spec("threadpoolctl") else "NO threadpoolctl"
    return f"{kind} ({sys.prefix}), {pool}"


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile of a list of numbers (0 for an empty list)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def questions() -> list[str]:
    """The shipped qa questions (real phrasing)."""
    lines = (REPO / "evals" / "datasets" / "qa.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def base_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """Environment for a madoguchi process over ``data_dir`` (no .env, quiet logs, no rate limit)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MADOGUCHI_")}
    env |= {
        "MADOGUCHI_DATA_DIR": str(data_dir),
        "MADOGUCHI_CORPUS_DIR": str(REPO / "corpus"),
        "MADOGUCHI_RATE_LIMIT": "off",
        "MADOGUCHI_LOG_LEVEL": "WARNING",
    }
    return env | dict(extra)


def ingest(env: Mapping[str, str], cwd: Path) -> str:
    """Run ``madoguchi ingest`` with ``env``; returns its last output line."""
    done = subprocess.run([MADOGUCHI, "ingest"], env=dict(env), cwd=cwd, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(f"ingest failed: {done.stderr or done.stdout}")
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


@contextmanager
def chroma_server(path: Path) -> Iterator[str]:
    """A `chroma run` server on a free loopback port; yields its URL."""
    port = free_port()
    path.mkdir(parents=True, exist_ok=True)
    log = (path.parent / "chroma.log").open("w")
    proc = subprocess.Popen([CHROMA, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/api/v2/heartbeat", proc, 60)
        yield url
    finally:
        stop(proc)
        log.close()


@dataclass
class Served:
    """A running `madoguchi serve`."""

    url: str
    proc: subprocess.Popen[bytes]
    ready_seconds: float


def wait_http(url: str, proc: subprocess.Popen[bytes], timeout: float) -> float:
    """Poll ``url`` until it answers 200; returns the seconds waited (raises when the process dies)."""
    start = time.perf_counter()
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited ({proc.returncode}) before {url} answered")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return time.perf_counter() - start
        except httpx.HTTPError:
            pass
        if time.perf_counter() - start > timeout:
            raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")
        time.sleep(0.02)


@contextmanager
def serve(env: Mapping[str, str], cwd: Path, workers: int = 1, log_name: str = "serve.log") -> Iterator[Served]:
    """`madoguchi serve` on a free port; yields once /readyz answers 200 (ready_seconds = spawn → ready)."""
    port = free_port()
    log = (cwd / log_name).open("w")
    cmd = [MADOGUCHI, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(cmd, env=dict(env), cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        ready = wait_http(f"{url}/readyz", proc, 300)
        yield Served(url, proc, ready)
    finally:
        stop(proc)
        log.close()


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL after 20 s."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def children(pid: int) -> list[int]:
    """Direct child process ids (from /proc)."""
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


def rss_mb(pid: int) -> float:
    """Resident set size of one process in MB (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pss_mb(pid: int) -> float:
    """Proportional set size in MB: shared pages (libraries, the mmap'd Sudachi dictionary) split between the
    processes sharing them, so the sum over workers is what they really take."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def clean(path: Path) -> None:
    """Remove a work directory."""
    shutil.rmtree(path, ignore_errors=True)
