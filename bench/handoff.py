"""Handoff benchmark: POST /v1/consultations (synchronous SQLite write) and the widget's poll
GET /v1/consultations/{id} through the real app on loopback, sequential, bounded.

    .venv/bin/python bench/handoff.py [--requests 200]

No Slack, no SMTP, rate limiting off, a fresh SQLite audit database in a temp dir. Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

# bench/http.py would shadow the standard library's `http` when this folder comes first on sys.path.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import httpx  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.web.app import create_app  # noqa: E402
from bot.web.server import serve_in_thread  # noqa: E402


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    """Run the benchmark and print p50 / p95 / throughput per endpoint."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), rate_limit="off", _env_file=None)  # type: ignore[call-arg]
        with serve_in_thread(create_app(settings)) as url, httpx.Client(base_url=url, timeout=30) as client:
            client.post("/v1/consultations", json={"question": "準備"})  # migration and warm-up
            created: list[tuple[str, str]] = []
            timings: dict[str, list[float]] = {"POST /v1/consultations": [], "GET /v1/consultations/{id}": []}
            for i in range(args.requests):
                started = time.perf_counter()
                r = client.post("/v1/consultations", json={"question": f"補助金の個別相談 {i}", "email": "a@example.jp",
                                                           "consent": True})
                timings["POST /v1/consultations"].append(time.perf_counter() - started)
                created.append((r.json()["id"], r.json()["token"]))
            for cid, token in created:
                started = time.perf_counter()
                client.get(f"/v1/consultations/{cid}", headers={"Authorization": f"Bearer {token}"})
                timings["GET /v1/consultations/{id}"].append(time.perf_counter() - started)
    print(f"{'endpoint':32} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7}")
    for name, values in timings.items():
        print(f"{name:32} {len(values):5d} {statistics.median(values) * 1000:8.1f} {_pct(values, 0.95) * 1000:8.1f} "
              f"{len(values) / sum(values):7.0f}")


if __name__ == "__main__":
    main()
