"""bench/paired_bm25.py runs end to end (conversation cases included) and shows madoguchi ahead of the baseline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_paired_comparison_runs_and_reports_wins_losses_and_a_ci(indexed_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "paired.json"
    env = {**os.environ, "MADOGUCHI_DATA_DIR": str(indexed_settings.data_dir),
           "MADOGUCHI_CORPUS_DIR": str(indexed_settings.corpus_dir), "MADOGUCHI_EMBED_THREADS": "1"}
    done = subprocess.run([sys.executable, str(REPO / "bench" / "paired_bm25.py"), "--json", str(out)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["n"] > 50 and report["wins"] + report["ties"] + report["losses"] == report["n"]
    low, high = report["ci95"]
    assert low <= high
    assert report["madoguchi"]["MRR@10"] > report["bm25_500_bigram"]["MRR@10"]
