"""A short soak (20 s at 10 req/s) of bench/soak.py against its own server: no errors, every row logged.

The rate is what one worker on this 2-core machine sustains with room to spare (bench/http.py measures the limit):
the test is about what is logged, not about throughput."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]


def load_soak() -> ModuleType:
    """bench/soak.py as a module (bench/ is a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("madoguchi_bench_soak", REPO / "bench" / "soak.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def test_short_soak_has_no_errors_and_logs_every_answer_and_feedback(indexed_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    soak = load_soak()
    cfg = soak.SoakConfig(
        rate=10, duration=20, data_dir=indexed_settings.data_dir, corpus_dir=indexed_settings.corpus_dir,
        work_dir=tmp_path, timeout=120, drain=300,
    )
    report = soak.run_soak(cfg)
    assert report.requests == 200 and report.feedback_posts > 0 and report.asks > report.feedback_posts
    assert report.errors == 0, report.errors_by
    assert report.answers_served == report.asks
    assert report.rows_checked
    assert report.audit_answers == report.answers_served
    assert report.audit_feedback == report.feedback_posted == report.feedback_posts
