"""The madoguchi CLI end to end (subprocess): JSON shape, exit codes, messages without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]


def run(args: list[str], env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, input=stdin, capture_output=True, text=True, timeout=300)


def test_ask_json_has_exactly_the_documented_keys(cli_env: dict[str, str]) -> None:
    out = run(["ask", "コネクター度の定義は？", "--json"], cli_env)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert list(data) == ["answer_id", "answer", "refused", "citations", "hits"]
    assert list(data["citations"][0]) == ["n", "chunk_id", "title", "section", "url", "as_of", "quote"]
    assert list(data["hits"][0]) == ["chunk_id", "score", "title", "section", "text"]
    assert data["citations"][0]["section"].startswith("2. 地域産業クラスター")
    assert "域外販売額" in data["answer"]


def test_weather_is_refused(cli_env: dict[str, str]) -> None:
    data = json.loads(run(["ask", "明日の天気は？", "--json"], cli_env).stdout)
    assert data["refused"] is True and data["citations"] == []


def test_retriever_option_and_k(cli_env: dict[str, str]) -> None:
    data = json.loads(run(["ask", "ハブ度とは", "--json", "--retriever", "bm25", "-k", "3"], cli_env).stdout)
    assert len(data["hits"]) == 3
    bad = run(["ask", "ハブ度とは", "--retriever", "magic"], cli_env)
    assert bad.returncode == 2 and "--retriever" in bad.stderr and "Traceback" not in bad.stderr


def test_empty_huge_and_binary_questions_fail_politely(cli_env: dict[str, str]) -> None:
    for question, stdin in [("", None), ("-", "字" * 100_000), ("-", "\x00\x01\x02\x03\x04" * 200)]:
        out = run(["ask", question], cli_env, stdin=stdin)
        assert out.returncode == 2
        assert "エラー" in out.stderr and "Traceback" not in out.stderr + out.stdout


def test_missing_index_names_the_fix(cli_env: dict[str, str], tmp_path: Path) -> None:
    env = {**cli_env, "MADOGUCHI_DATA_DIR": str(tmp_path / "empty")}
    out = run(["ask", "ハブ度とは"], env)
    assert out.returncode == 3 and "madoguchi ingest" in out.stderr and "Traceback" not in out.stderr


def test_corpus_validate_reports_file_and_entry(cli_env: dict[str, str], tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "policy").symlink_to(REPO / "corpus" / "policy")
    (corpus / "requirements.yaml").write_text((REPO / "corpus" / "requirements.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    data = yaml.safe_load((REPO / "corpus" / "support_measures.yaml").read_text(encoding="utf-8"))
    data["measures"][11]["source_url"] = ""
    data["measures"][11]["verified"] = True
    (corpus / "support_measures.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = run(["corpus", "validate", str(corpus)], cli_env)
    assert out.returncode == 1
    assert f"support_measures.yaml: entry 12 (id={data['measures'][11]['id']}):" in out.stderr
    ok = run(["corpus", "validate"], cli_env)
    assert ok.returncode == 0 and "支援施策" in ok.stdout


def test_chat_keeps_the_conversation(cli_env: dict[str, str]) -> None:
    out = run(["chat"], cli_env, stdin="地場産業成長プランの外部依存性とは\n自治体のコミットメントは？\n\n")
    assert out.returncode == 0, out.stderr
    assert "過度に依存" in out.stdout and "相談窓口の設置" in out.stdout


def test_ingest_reports_up_to_date(cli_env: dict[str, str]) -> None:
    out = run(["ingest", "--if-needed"], cli_env)
    assert out.returncode == 0 and "最新" in out.stdout
