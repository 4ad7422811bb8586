"""`madoguchi report` from a real audit log: the terminal summary, and the HTML page opened in Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.audit.log import AuditLog, open_audit_log
from bot.config import Settings
from bot.desk import Desk

MADOGUCHI = str(Path(sys.executable).with_name("madoguchi"))
CHROMIUM = "/usr/bin/chromium"
QUESTIONS = [
    ("コネクター度の定義は？", "widget"),
    ("コネクター度の定義は?", "slack"),
    ("地場産業成長プランの外部依存性とは", "slack"),
    ("おすすめのラーメン屋を教えて", "widget"),
]


@pytest.fixture()
def filled(tmp_path: Path, desk: Desk) -> Iterator[tuple[Path, AuditLog, list[str]]]:
    """A data dir whose audit log holds four real answers (one declined) and feedback (one 👎)."""
    audit = open_audit_log(Settings(data_dir=tmp_path, _env_file=None))  # type: ignore[call-arg]
    desk.listeners.append(audit.listener)
    try:
        ids = [desk.ask(q, channel=ch).answer_id for q, ch in QUESTIONS]
    finally:
        desk.listeners.remove(audit.listener)
    audit.record_feedback(ids[0], "up")
    audit.record_feedback(ids[2], "down", "知りたいことと違う")
    assert audit.flush()
    yield tmp_path, audit, ids
    audit.close()


def _run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MADOGUCHI_DATA_DIR": str(data_dir), "COLUMNS": "160"}
    env.pop("MADOGUCHI_DATABASE_URL", None)
    return subprocess.run([MADOGUCHI, *args], env=env, capture_output=True, text=True, timeout=300)


def test_terminal_summary(filled: tuple[Path, AuditLog, list[str]]) -> None:
    data_dir, _, _ = filled
    done = _run(data_dir, "report")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "回答辞退率" in out and "25.0%（1 / 4）" in out
    assert "50.0%（高評価 1 / 低評価 1）" in out
    assert "おすすめのラーメン屋を教えて" in out and "地場産業成長プランの外部依存性とは" in out  # the two gaps


def test_bad_since_is_one_polite_line(filled: tuple[Path, AuditLog, list[str]]) -> None:
    done = _run(filled[0], "report", "--since", "4月1日")
    assert done.returncode == 2 and "YYYY-MM-DD" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.e2e
def test_html_report_renders_in_chromium(filled: tuple[Path, AuditLog, list[str]], tmp_path: Path) -> None:
    if not shutil.which(CHROMIUM):
        pytest.skip("Chromium is missing (apt-get install -y chromium fonts-ipafont-gothic)")
    from playwright.sync_api import sync_playwright

    data_dir, _, _ = filled
    out = tmp_path / "out" / "report.html"
    done = _run(data_dir, "report", "--html", str(out))
    assert done.returncode == 0, done.stderr
    assert out.is_file()

    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 1600})
            page.on("request", lambda r: requests.append(r.url))
            page.goto(out.as_uri())
            images = page.evaluate("[...document.images].map(i => i.complete && i.naturalWidth > 100)")
            total = page.inner_text("#total")
            refusal = page.inner_text("#refusal-rate")
            ratio = page.inner_text("#feedback-ratio")
            gaps = page.inner_text("#gaps")
            top = page.inner_text("#top-questions")
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        finally:
            browser.close()
    assert images == [True, True]  # both charts decoded and drawn
    assert (total, refusal, ratio) == ("4", "25.0%", "50.0%")
    assert "おすすめのラーメン屋を教えて" in gaps and "地場産業成長プランの外部依存性とは" in gaps
    assert top.splitlines()[1].split("\t")[-1] == "2"  # コネクター度 asked twice, written two ways
    assert all(url.startswith(("file:", "data:")) for url in requests), requests  # self-contained
    assert (tmp_path / "report.png").stat().st_size > 10_000
