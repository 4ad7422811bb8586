"""``madoguchi eval`` end to end (subprocess over the session index): JSON report, HTML, baseline, gate, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPORT_KEYS = {"ask", "match", "precheck", "cases"}
CASES = [
    {"id": "t-connector", "task": "ask", "question": "コネクター度はどうやって計算するのですか？",
     "evidence": ["コネクター度"], "must_include": ["域外販売額"], "refuse": False},
    {"id": "t-follow", "task": "ask", "question": "ハブ度の場合は？",
     "history": [{"role": "user", "content": "地域産業クラスター計画のコネクター度とは何ですか？"},
                 {"role": "assistant", "content": "域外販売額に基づく指標です。"}],
     "evidence": ["ハブ度"], "must_include": ["ハブ度"], "refuse": False},
    {"id": "t-weather", "task": "ask", "question": "明日の熊本市の天気を教えてください。", "evidence": [], "must_include": [], "refuse": True},
]


def madoguchi(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "madoguchi"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bot"]
    return subprocess.run([*command, *args], env=env, capture_output=True, text=True, timeout=600)


def write_cases(path: Path, cases: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
    return path


def test_json_report_has_the_documented_shape(tmp_path: Path, cli_env: dict[str, str]) -> None:
    dataset = write_cases(tmp_path / "small.jsonl", CASES)
    out = madoguchi(["eval", "--dataset", str(dataset), "--json", str(tmp_path / "report.json"), "--html", str(tmp_path / "report.html")], cli_env)
    assert out.returncode == 0, out.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert REPORT_KEYS <= set(report)
    ask = report["ask"]
    assert ask["n"] == 3
    assert {"recall@1", "recall@5", "recall@10", "mrr@10"} <= set(ask["retrieval"])
    assert {"fact_recall", "citation_validity", "refusal_accuracy", "false_refusal_rate"} <= set(ask["answer"])
    assert set(ask["latency_ms"]) == {"p50", "p95"} and ask["latency_ms"]["p50"] > 0
    assert {"n", "recall@5", "mrr"} <= set(report["match"]) and {"n", "accuracy"} <= set(report["precheck"])
    assert report["match"]["n"] == 0 and report["precheck"]["n"] == 0  # no such cases in this dataset
    cases = {c["id"]: c for c in report["cases"]}
    assert list(cases) == ["t-connector", "t-follow", "t-weather"]
    assert all(set(c) >= {"id", "task", "passed", "details"} for c in cases.values())
    # the connector question is answered from the policy, the weather question declined
    assert cases["t-connector"]["details"]["rank"] is not None and cases["t-connector"]["passed"] is True
    assert cases["t-weather"]["passed"] is True and cases["t-weather"]["details"]["refused"] is True
    assert ask["answer"]["refusal_accuracy"] == 1.0
    # the follow-up is searched with the previous turn's key terms, as the desk does
    query = cases["t-follow"]["details"]["query"]
    assert "コネクター" in query and query.endswith("ハブ度の場合は？")
    # the summary printed for people
    assert "| ask.retrieval.recall@5 |" in out.stdout
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "t-follow" in html


def test_baseline_diff_and_fail_under(tmp_path: Path, cli_env: dict[str, str]) -> None:
    dataset = write_cases(tmp_path / "small.jsonl", CASES)
    first = madoguchi(["eval", "--dataset", str(dataset), "--json", str(tmp_path / "report.json")], cli_env)
    assert first.returncode == 0, first.stderr
    baseline = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert baseline["cases"][0]["passed"] is True
    baseline["cases"][0]["passed"] = False  # pretend t-connector used to fail
    baseline["ask"]["retrieval"]["mrr@10"] = 0.0
    (tmp_path / "baseline.json").write_text(json.dumps(baseline, ensure_ascii=False), encoding="utf-8")
    out = madoguchi(["eval", "--dataset", str(dataset), "--baseline", str(tmp_path / "baseline.json"),
                     "--fail-under", "recall@10=1.01", "--fail-under", "ask.answer.refusal_accuracy=1.0"], cli_env)
    assert out.returncode == 1, out.stderr
    assert "t-connector (ask): 不合格 → 合格" in out.stdout
    assert "| ask.retrieval.mrr@10 | 0.000 |" in out.stdout  # the baseline column of the diff
    assert "基準未達" in out.stderr and "ask.retrieval.recall@10" in out.stderr
    assert "refusal_accuracy" not in out.stderr  # that floor holds
    assert "Traceback" not in out.stderr


def test_malformed_line_is_reported_with_file_and_line(tmp_path: Path, cli_env: dict[str, str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(CASES[0], ensure_ascii=False) + "\n" + '{"id": "x", "task": "summarize", "question": "?"}\n', encoding="utf-8")
    out = madoguchi(["eval", "--dataset", str(bad)], cli_env)
    assert out.returncode == 2
    assert f"{bad}:2: 不明な task です: 'summarize'" in out.stderr.replace("\n", "")
    assert "Traceback" not in out.stderr + out.stdout


def test_unknown_metric_and_bad_options_fail_before_running(tmp_path: Path, cli_env: dict[str, str]) -> None:
    dataset = write_cases(tmp_path / "one.jsonl", CASES[:1])
    out = madoguchi(["eval", "--dataset", str(dataset), "--fail-under", "bleu=0.5"], cli_env)
    assert out.returncode == 2 and "不明な指標です: bleu" in out.stderr
    out = madoguchi(["eval", "--dataset", str(dataset), "--retriever", "magic"], cli_env)
    assert out.returncode == 2 and "--retriever" in out.stderr
    assert "Traceback" not in out.stderr


def test_missing_index_names_the_fix(tmp_path: Path, cli_env: dict[str, str]) -> None:
    dataset = write_cases(tmp_path / "one.jsonl", CASES[:1])
    out = madoguchi(["eval", "--dataset", str(dataset)], {**cli_env, "MADOGUCHI_DATA_DIR": str(tmp_path / "empty")})
    assert out.returncode == 3 and "madoguchi ingest" in out.stderr and "Traceback" not in out.stderr


def test_compare_retrievers_prints_one_table(tmp_path: Path, cli_env: dict[str, str]) -> None:
    dataset = write_cases(tmp_path / "small.jsonl", CASES)
    out = madoguchi(["eval", "--dataset", str(dataset), "--compare-retrievers", "--json", str(tmp_path / "cmp.json")], cli_env)
    assert out.returncode == 0, out.stderr
    report = json.loads((tmp_path / "cmp.json").read_text(encoding="utf-8"))
    assert list(report["retrievers"]) == ["hybrid", "bm25", "bigram", "dense"]
    table = out.stdout.split("検索方式の比較（ask）:")[1]
    for name in ("hybrid", "bm25", "bigram", "dense"):
        assert f"| {name} |" in table


def test_indexed_evidence_figures_leave_out_what_the_index_cannot_hold(tmp_path: Path, cli_env: dict[str, str]) -> None:
    unindexed = {"id": "t-sheet", "task": "ask", "question": "コネクター度の算出に使う統計の公表年は？",
                 "evidence": ["この文言は索引のどこにもない"], "must_include": [], "refuse": False}
    dataset = write_cases(tmp_path / "sheet.jsonl", [CASES[0], unindexed, CASES[2]])
    out = madoguchi(["eval", "--dataset", str(dataset), "--json", str(tmp_path / "report.json")], cli_env)
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    ask = report["ask"]
    assert ask["retrieval"]["recall@10"] == 0.5  # the unfindable case still counts as a miss here
    indexed = ask["retrieval_indexed"]
    assert indexed["n"] == 1 and indexed["left_out"] == 1 and indexed["reachable"] == 1 and indexed["recall@10"] == 1.0
    assert indexed["ja"]["n"] == 1 and indexed["ja"]["left_out"] == 1
    assert "根拠が索引にあるケースだけの検索指標" in out.stdout and "| ja | 1 | 1 |" in out.stdout
