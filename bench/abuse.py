"""Abuse bench: what hostile uploads and slow clients cost the other visitors of a desk.

    .venv/bin/python bench/abuse.py [--data-dir .madoguchi] [--duration 30] [--asks 40] [--slow 300] [--json]

Starts ``madoguchi serve`` over a temporary copy of the index (answer cache off, so every answer is computed;
rate limit off) and measures, for another visitor, p50/p95 of ``POST /v1/ask``:

1. idle;
2. while four clients (four loopback addresses, 127.0.0.2–5) upload hostile plans in a loop for ``--duration``
   seconds: a 357 KB .docx expanding to 100 MB, one with a 400 MB zero-filled part, a 20,000-page PDF, a 9 MB
   text, and an honest-looking 1.5 MB .docx of 60,000 paragraphs;
3. while ``--slow`` connections trickle their headers.

It also prints how long each hostile file takes to be refused when the desk is idle, the server's RSS before,
at the peak of and after the upload attack, and how many slow connections the server still holds at the end.
"""

from __future__ import annotations

import sys
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)
sys.path.insert(1, str(Path(__file__).resolve().parent.parent / "tests"))

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
from collections import Counter  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from typing import Any  # noqa: E402

import httpx  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
ATTACKERS = ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"]
VISITOR = "127.0.0.9"  # the other visitor has an address of its own


def hostile_files() -> dict[str, tuple[str, bytes]]:
    """The attack files (built in memory)."""
    from hostile_files import docx_xml_bomb, docx_zero_part, heavy_docx, long_text, many_pages_pdf

    return {
        "docx 357KB→100MB": ("bomb.docx", docx_xml_bomb(100)),
        "docx zero part 400MB": ("zero.docx", docx_zero_part(400)),
        "pdf 20,000 pages": ("pages.pdf", many_pages_pdf(20_000)),
        "txt 9MB": ("long.txt", long_text(3_000_000)),
        "docx 60,000 paragraphs": ("heavy.docx", heavy_docx()),
    }


def questions() -> list[str]:
    """Questions of the QA eval set."""
    lines = (REPO / "evals" / "datasets" / "qa.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the plan workers are the forkserver's), in MB."""
    total = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total += int(line.split()[1])
    return total / 1024


@contextmanager
def server(data_dir: Path, work: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``madoguchi serve`` over a copy of the index (cache and rate limit off)."""
    data = work / "data"
    shutil.copytree(data_dir / "index", data / "index")
    if (data_dir / "chroma").is_dir():
        shutil.copytree(data_dir / "chroma", data / "chroma")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "MADOGUCHI_DATA_DIR": str(data), "MADOGUCHI_DATABASE_URL": f"sqlite:///{data / 'audit.sqlite'}",
           "MADOGUCHI_RATE_LIMIT": "off", "MADOGUCHI_CACHE_SIZE": "0", "MADOGUCHI_LOG_LEVEL": "WARNING"}
    log = (work / "server.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SystemExit((work / "server.log").read_text(errors="replace")[-3000:])
            try:
                if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def percentiles(samples: list[float]) -> dict[str, float | None]:
    """p50 / p95 in milliseconds."""
    if not samples:
        return {"p50_ms": None, "p95_ms": None, "n": 0}
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 1), "p95_ms": round(p95 * 1000, 1), "n": len(ordered)}


async def visitor(url: str, asks: list[str], stop: Callable[[], bool] | None = None) -> tuple[list[float], Counter[int]]:
    """Another visitor asking questions one after another; latencies and statuses."""
    samples: list[float] = []
    statuses: Counter[int] = Counter()
    transport = httpx.AsyncHTTPTransport(local_address=VISITOR)
    async with httpx.AsyncClient(base_url=url, timeout=120, transport=transport) as client:
        for question in asks:
            if stop is not None and stop():
                break
            started = time.perf_counter()
            response = await client.post("/v1/ask", json={"question": question})
            statuses[response.status_code] += 1
            if response.status_code == 200:
                samples.append(time.perf_counter() - started)
    return samples, statuses


async def attacker(url: str, source: str, files: list[tuple[str, bytes]], until: float, seen: Counter[str]) -> None:
    """Upload hostile files from one source address until the deadline."""
    transport = httpx.AsyncHTTPTransport(local_address=source)
    async with httpx.AsyncClient(base_url=url, timeout=120, transport=transport) as client:
        n = 0
        while time.monotonic() < until:
            name, data = files[n % len(files)]
            n += 1
            try:
                response = await client.post("/v1/precheck", files={"file": (name, data, "application/octet-stream")})
                seen[str(response.status_code)] += 1
            except httpx.HTTPError as exc:
                seen[type(exc).__name__] += 1


async def under_upload_attack(url: str, pid: int, asks: list[str], duration: float) -> dict[str, Any]:
    """Ask while four addresses upload hostile plans; RSS sampled every 0.2 s."""
    files = list(hostile_files().values())
    seen: Counter[str] = Counter()
    until = time.monotonic() + duration
    peak = rss_mb(pid)
    done = False

    async def sample() -> None:
        nonlocal peak
        while not done:
            peak = max(peak, rss_mb(pid))
            await asyncio.sleep(0.2)

    sampler = asyncio.create_task(sample())
    attacks = [asyncio.create_task(attacker(url, ip, files, until, seen)) for ip in ATTACKERS]
    await asyncio.sleep(1.0)  # the attack is under way
    samples, statuses = await visitor(url, asks * 50, stop=lambda: time.monotonic() > until)
    await asyncio.gather(*attacks)
    done = True
    await sampler
    return {"ask": percentiles(samples), "ask_status": dict(statuses), "uploads": dict(seen), "rss_peak_mb": round(peak)}


def slow_client(url: str) -> socket.socket | None:
    host, port = url.removeprefix("http://").split(":")
    try:
        sock = socket.create_connection((host, int(port)), timeout=5)
        sock.sendall(b"POST /v1/ask HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        return sock
    except OSError:
        return None


def still_open(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        return sock.recv(1) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False


async def under_slow_attack(url: str, asks: list[str], connections: int, hold: float) -> dict[str, Any]:
    """Ask while ``connections`` sockets trickle their headers; how many the server still holds after ``hold`` s."""
    socks = [s for s in (slow_client(url) for _ in range(connections)) if s is not None]
    samples, statuses = await visitor(url, asks)
    await asyncio.sleep(max(0.0, hold))
    held = sum(still_open(s) for s in socks)
    for s in socks:
        s.close()
    return {"ask": percentiles(samples), "ask_status": dict(statuses), "opened": len(socks), "held_after_s": hold,
            "still_held": held}


def refusal_times(url: str) -> dict[str, dict[str, Any]]:
    """Each hostile file alone on an idle desk: status and seconds until the answer."""
    out = {}
    with httpx.Client(base_url=url, timeout=300) as client:
        for label, (name, data) in hostile_files().items():
            started = time.perf_counter()
            response = client.post("/v1/precheck", files={"file": (name, data, "application/octet-stream")})
            out[label] = {"kb": len(data) // 1024, "status": response.status_code,
                          "seconds": round(time.perf_counter() - started, 2),
                          "message": response.json().get("error", {}).get("message", "")[:60]}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--asks", type=int, default=40)
    parser.add_argument("--slow", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from bot.config import Settings

    data_dir = args.data_dir or Settings().data_dir
    asks = questions()[: args.asks]
    with tempfile.TemporaryDirectory() as tmp, server(Path(data_dir), Path(tmp)) as (url, proc):
        asyncio.run(visitor(url, asks))  # warm: every question once
        idle, _ = asyncio.run(visitor(url, asks))
        rss_before = rss_mb(proc.pid)
        refused = refusal_times(url)
        attack = asyncio.run(under_upload_attack(url, proc.pid, asks, args.duration))
        time.sleep(2.0)
        rss_after = rss_mb(proc.pid)
        settings = Settings()
        slow = asyncio.run(under_slow_attack(url, asks, args.slow, settings.serve_header_timeout + 2))
    report = {
        "idle": percentiles(idle),
        "refusals": refused,
        "upload_attack": attack,
        "rss_mb": {"before": round(rss_before), "peak": attack["rss_peak_mb"], "after": round(rss_after)},
        "slow_clients": slow,
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    i, a, s = report["idle"], attack["ask"], slow["ask"]
    print("hostile file alone (idle desk):")
    for label, row in refused.items():
        print(f"  {label:<24} {row['kb']:>6} KB → {row['status']} in {row['seconds']:>5.2f} s  {row['message']}")
    print(f"uncached /v1/ask idle:            p50 {i['p50_ms']} ms  p95 {i['p95_ms']} ms  (n={i['n']})")
    ratio = (a["p95_ms"] / i["p95_ms"]) if a["p95_ms"] and i["p95_ms"] else None
    print(f"during 4 hostile uploaders:       p50 {a['p50_ms']} ms  p95 {a['p95_ms']} ms  (n={a['n']}, "
          f"p95 {ratio:.2f}× idle)" if ratio else "during attack: no answers")
    print(f"  uploads answered: {attack['uploads']}  ask statuses: {attack['ask_status']}")
    print(f"server RSS: before {report['rss_mb']['before']} MB, peak {report['rss_mb']['peak']} MB, "
          f"after {report['rss_mb']['after']} MB")
    print(f"during {slow['opened']} slow-header clients: p50 {s['p50_ms']} ms  p95 {s['p95_ms']} ms (n={s['n']}); "
          f"still held after {slow['held_after_s']:.0f} s: {slow['still_held']}")


if __name__ == "__main__":
    main()
