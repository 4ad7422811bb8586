"""The built wheel carries everything: installed into an empty venv and run from an empty directory, it can
ingest, ask, eval and serve — no checkout beside it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

import httpx
import pytest
from conftest import free_port

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from this checkout (no build isolation: the test venv has setuptools)."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(REPO)],
        check=True, capture_output=True, text=True, timeout=600,
    )
    [built] = list(out.glob("madoguchi-*.whl"))
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty venv with only the wheel installed; its dependencies come from this interpreter's site-packages,
    added after the venv's own (so ``bot`` is the wheel's, never the checkout's)."""
    root = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(root)], check=True, timeout=300)
    py = root / "bin" / "python"
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # else pip sees the checkout as installed
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True, timeout=300,
                   env=clean)
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "zz_madoguchi_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return root


def run(venv: Path, cwd: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``madoguchi ARGS`` from the venv, in ``cwd``, with no project path in the environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MADOGUCHI_") and k != "PYTHONPATH"}
    env.update(MADOGUCHI_EMBED_THREADS="1", HOME=str(cwd))
    return subprocess.run([str(venv / "bin" / "madoguchi"), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


def test_the_wheel_holds_corpus_prompts_migrations_static_files_and_eval_suites(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for wanted in ("corpus/policy/kihon-kangaekata.md", "corpus/support_measures.yaml", "corpus/requirements.yaml",
                   "prompts/answer.md", "bot/audit/migrations/versions/0001_audit_log.py",
                   "bot/audit/migrations/script.py.mako", "bot/web/static/widget.js", "bot/plans/templates/precheck.html",
                   "evals/datasets/qa.jsonl", "evals/thresholds.toml"):
        assert wanted in names, wanted


def test_installed_wheel_ingests_asks_evals_and_serves_from_an_empty_directory(venv: Path, tmp_path: Path) -> None:
    where = run(venv, tmp_path, "--help")
    assert where.returncode == 0, where.stderr
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # a developer's PYTHONPATH is not the install
    origin = subprocess.run([str(venv / "bin" / "python"), "-c", "import bot, corpus; print(bot.__file__, corpus.__file__)"],
                            cwd=tmp_path, env=clean, capture_output=True, text=True, check=True).stdout
    assert str(REPO) not in origin and str(venv) in origin

    ingest = run(venv, tmp_path, "ingest")
    assert ingest.returncode == 0, ingest.stderr
    assert (tmp_path / ".madoguchi").is_dir()

    ask = run(venv, tmp_path, "ask", "コネクター度の定義は？", "--json")
    assert ask.returncode == 0, ask.stderr
    answer = json.loads(ask.stdout)
    assert not answer["refused"] and "域外販売額" in answer["answer"] and answer["citations"]

    evals = run(venv, tmp_path, "eval", "--json", str(tmp_path / "report.json"))
    assert evals.returncode == 0, evals.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["ask"]["n"] > 100 and report["match"]["n"] > 0 and report["precheck"]["n"] > 0

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MADOGUCHI_") and k != "PYTHONPATH"}
    server = subprocess.Popen([str(venv / "bin" / "madoguchi"), "serve", "--host", "127.0.0.1", "--port", str(port)],
                              cwd=tmp_path, env={**env, "MADOGUCHI_EMBED_THREADS": "1"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        ready = None
        while time.monotonic() < deadline:
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
                if ready.status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        assert ready is not None and ready.status_code == 200
        page = httpx.get(f"http://127.0.0.1:{port}/widget.js", timeout=10)
        assert page.status_code == 200 and "madoguchi" in page.text.lower()
        asked = httpx.post(f"http://127.0.0.1:{port}/v1/ask", json={"question": "外部依存性とは何ですか？"}, timeout=30)
        assert asked.status_code == 200 and asked.json()["citations"]
    finally:
        server.terminate()
        server.wait(timeout=30)
