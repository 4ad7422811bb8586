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


KEY = "evaluator-key-for-tests"


@pytest.fixture(scope="module")
def base(indexed_settings: Any) -> Iterator[str]:
    from bot.web.app import create_app
    from bot.web.server import serve_in_thread

    # default settings (the public limit of 30/minute) plus an evaluator key with its own, default quota
    settings = indexed_settings.model_copy(update={"eval_api_key": KEY})
    assert settings.rate_limit == "30/minute"
    with serve_in_thread(create_app(settings)) as url:
        yield url


def sample() -> Suite:
    """Every 4th ask case (history and refusals included), 3 match and 3 pre-check cases of the shipped suites:
    more requests than the public limit of 30 a minute allows."""
    full = load(sorted(DATASETS.glob("*.jsonl")))
    asks = full.ask[::4] + [c for c in full.ask if c.history][:1]
    return Suite(ask=asks, match=full.match[:3], precheck=full.precheck[:3], files=full.files)


def test_http_run_agrees_with_in_process_run(base: str, desk: Any) -> None:
    suite = sample()
    assert len(suite.ask) + len(suite.match) + len(suite.precheck) > 30
    target = HttpTarget(base, corpus=lambda: desk.corpus, api_key=KEY)  # relevance judged on the same chunk texts
    try:
        over_http = runner.run(target, suite)
    finally:
        target.close()
    assert target.stats.throttled == 0 and over_http["ask"]["errors"] == 0
    local = runner.run(DeskTarget(desk), suite)
    assert over_http["ask"]["n"] == local["ask"]["n"] == len(suite.ask)
    depth = over_http["ask"]["retrieval"]["depth"]
    assert depth >= desk.settings.top_k  # the desk returns at least its top_k hits (a whole list may bring more)
    for remote, here in zip(over_http["cases"], local["cases"], strict=True):
        assert remote["id"] == here["id"]
        r, h = remote["details"], here["details"]
        if remote["task"] == "ask":
            assert r["refused"] == h["refused"], remote["id"]
            assert r["facts"] == h["facts"], remote["id"]
            assert all(c["valid"] for c in r["citations"]), remote["id"]
            # retrieval ranks differ by design: over HTTP they come from the hits the answer drew on (a policy
            # passage is moved before its catalog paraphrase), in process from the search itself
        else:
            assert remote["passed"] == here["passed"], remote["id"]
    for key in ("match", "precheck"):
        assert over_http[key] == local[key]
    assert over_http["ask"]["answer"] == local["ask"]["answer"]


def test_a_429_storm_fails_loudly(indexed_settings: Any, cli_env: dict[str, str], tmp_path: Path) -> None:
    """Without the evaluator key, a desk limited to 2 requests a minute refuses the rest: errors, not misses."""
    import json
    import subprocess
    import sys

    from bot.web.app import create_app
    from bot.web.server import serve_in_thread

    full = load(sorted(DATASETS.glob("*.jsonl")))
    dataset = tmp_path / "storm.jsonl"
    lines = [json.dumps({"id": c.id, "task": "ask", "question": c.question, "evidence": list(c.evidence),
                         "must_include": list(c.must_include), "refuse": c.refuse}, ensure_ascii=False)
             for c in full.ask[:6]]
    dataset.write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = indexed_settings.model_copy(update={"rate_limit": "2/minute"})
    script = Path(sys.executable).parent / "madoguchi"
    with serve_in_thread(create_app(settings)) as url:
        out = subprocess.run([str(script), "eval", "--dataset", str(dataset), "--endpoint", url, "--max-wait", "0",
                              "--json", str(tmp_path / "r.json")], env=cli_env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 4, out.stdout + out.stderr
    assert "429" in out.stdout and "エラー 4 件" in out.stdout
    assert "Traceback" not in out.stderr
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["ask"]["errors"] == 4
    errored = [c for c in report["cases"] if c["details"].get("error")]
    assert len(errored) == 4 and all(c["details"]["reasons"] == ["error"] for c in errored)
    assert all("HTTP 429" in c["details"]["error"] for c in errored)
