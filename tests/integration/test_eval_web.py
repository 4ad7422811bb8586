"""``--endpoint`` against the real web app on uvicorn: the same cases give the same verdicts as in-process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from evals import runner
from evals.dataset import Suite, load
from evals.targets import DeskTarget, HttpTarget

DATASETS = Path(__file__).resolve().parents[2] / "evals" / "datasets"


@pytest.fixture(scope="module")
def base(indexed_settings: Any) -> Iterator[str]:
    from bot.web.app import create_app
    from bot.web.server import serve_in_thread

    settings = indexed_settings.model_copy(update={"rate_limit": "100000/minute"})
    with serve_in_thread(create_app(settings)) as url:
        yield url


def sample() -> Suite:
    """Every 8th ask case (history and refusals included), 3 match and 3 pre-check cases of the shipped suites."""
    full = load(sorted(DATASETS.glob("*.jsonl")))
    asks = full.ask[::8] + [c for c in full.ask if c.history][:1]
    return Suite(ask=asks, match=full.match[:3], precheck=full.precheck[:3], files=full.files)


def test_http_run_agrees_with_in_process_run(base: str, desk: Any) -> None:
    suite = sample()
    target = HttpTarget(base, corpus=lambda: desk.corpus)  # relevance judged on the same chunk texts
    try:
        over_http = runner.run(target, suite)
    finally:
        target.close()
    local = runner.run(DeskTarget(desk), suite)
    assert over_http["ask"]["n"] == local["ask"]["n"] == len(suite.ask)
    depth = over_http["ask"]["retrieval"]["depth"]
    assert depth == desk.settings.top_k  # the desk returns its top_k hits
    for remote, here in zip(over_http["cases"], local["cases"], strict=True):
        assert remote["id"] == here["id"]
        r, h = remote["details"], here["details"]
        if remote["task"] == "ask":
            assert r["refused"] == h["refused"], remote["id"]
            assert r["facts"] == h["facts"], remote["id"]
            assert all(c["valid"] for c in r["citations"]), remote["id"]
            expected_rank = h["rank"] if h["rank"] and h["rank"] <= depth else None
            assert r["rank"] == expected_rank, remote["id"]
        else:
            assert remote["passed"] == here["passed"], remote["id"]
    for key in ("match", "precheck"):
        assert over_http[key] == local[key]
    assert over_http["ask"]["answer"] == local["ask"]["answer"]
