"""Per-case verdicts and the HTML report built from them (no desk needed)."""

from __future__ import annotations

import base64
import re

import pytest

from evals.dataset import AskCase
from evals.metrics import CitedHit
from evals.report_html import render
from evals.runner import ask_case, ask_metrics
from evals.targets import AskRun, RankedHit

CASE = AskCase(id="qa-x", question="コネクター度とは？", evidence=("コネクター度", "域外販売額"), must_include=("域外販売額",), refuse=False)
REFUSE = AskCase(id="qa-r", question="明日の天気は？", evidence=(), must_include=(), refuse=True)


def hit(chunk_id: str, text: str) -> RankedHit:
    return RankedHit(chunk_id, "基本的な考え方", "2. 地域産業クラスター", text)


def good_run() -> AskRun:
    return AskRun(
        query="コネクター度とは？",
        ranked=[hit("c0", "ハブ度：域内仕入額"), hit("c1", "コネクター度：域外販売額")],
        answer="・コネクター度：域外販売額 [1]",
        citations=[{"n": 1, "chunk_id": "c1", "quote": "コネクター度：域外販売額"}],
        answer_hits=[CitedHit("c0", "ハブ度：域内仕入額"), CitedHit("c1", "コネクター度：域外販売額")],
        latency_ms=12.0,
    )


def test_answered_case_passes_with_rank_facts_and_valid_citation() -> None:
    entry = ask_case(CASE, good_run(), 10)
    assert entry["passed"] is True and entry["details"]["rank"] == 2
    assert entry["details"]["facts"] == {"域外販売額": True}
    assert [h["relevant"] for h in entry["details"]["top_hits"]] == [False, True]


def test_declined_answerable_case_fails_with_reasons() -> None:
    run = good_run()
    run.refused, run.answer, run.citations = True, "資料には記載がありません。", []
    entry = ask_case(CASE, run, 10)
    assert entry["passed"] is False
    assert entry["details"]["reasons"] == ["refused", "missing_facts"]


def test_citation_outside_the_retrieved_chunks_fails() -> None:
    run = good_run()
    run.citations = [{"n": 1, "chunk_id": "c9", "quote": "コネクター度：域外販売額"}]
    entry = ask_case(CASE, run, 10)
    assert entry["details"]["reasons"] == ["invalid_citations"] and entry["details"]["citations"][0]["valid"] is False


def test_ask_metrics_from_entries() -> None:
    refused = AskRun(query="明日の天気は？", answer="資料には記載がありません。", refused=True, latency_ms=4.0)
    answered_weather = AskRun(query="明日の天気は？", answer="晴れ", latency_ms=8.0)
    cases = [CASE, REFUSE, AskCase(id="qa-r2", question="株価は？", evidence=(), must_include=(), refuse=True)]
    entries = [ask_case(CASE, good_run(), 10), ask_case(REFUSE, refused, 10), ask_case(cases[2], answered_weather, 10)]
    block = ask_metrics(cases, entries)
    assert block["n"] == 3 and block["answerable"] == 1 and block["refuse"] == 2
    assert block["retrieval"] == {"recall@1": 0.0, "recall@5": 1.0, "recall@10": 1.0, "mrr@10": 0.5, "depth": 10}
    # precision: of the two answers given, the weather one should have been declined (1/2); coverage: 1/1
    assert block["answer"] == {"fact_recall": 1.0, "citation_validity": 1.0, "refusal_accuracy": 0.5, "false_refusal_rate": 0.0,
                               "precision": 0.5, "coverage": 1.0}
    assert block["latency_ms"] == {"p50": 8.0, "p95": pytest.approx(11.6)}
    assert entries[2]["details"]["reasons"] == ["not_refused"]


def test_html_report_is_self_contained_with_charts_cases_and_diff() -> None:
    cases = [CASE, REFUSE]
    entries = [ask_case(CASE, good_run(), 10), ask_case(REFUSE, AskRun(query="x", answer="はい", latency_ms=3.0), 10)]
    block = ask_metrics(cases, entries)
    report = {
        "ask": block, "match": {"n": 0, "recall@5": None, "mrr": None, "supported": False, "reason": "not supported: bot.plans.match がありません"},
        "precheck": {"n": 0, "accuracy": None}, "cases": entries,
        "retrievers": {"hybrid": block, "bm25": block},
        "meta": {"target": "desk", "retriever": "hybrid", "datasets": ["qa.jsonl"], "finished_at": "now", "seconds": 1},
    }
    baseline = {**report, "cases": [{**entries[0]}, {**entries[1], "passed": True}]}
    diff = {"metrics": [], "flipped": [{"id": "qa-r", "task": "ask", "baseline": True, "current": False}], "new_cases": [], "removed_cases": []}
    html = render(report, baseline, diff)
    assert "<script src" not in html and "<link" not in html  # nothing loaded from elsewhere
    images = re.findall(r'<img alt="([^"]+)" src="data:image/png;base64,([^"]+)"', html)
    assert [alt for alt, _ in images] == ["指標の棒グラフ", "検索方式の比較グラフ"]
    for _, data in images:
        assert base64.b64decode(data).startswith(b"\x89PNG")
    assert 'id="case-qa-x"' in html and 'id="case-qa-r"' in html
    assert "辞退すべき質問に回答した" in html  # the reason of the failing case
    assert "not supported: bot.plans.match" in html
    assert "ベースラインとの差分" in html and "qa-r" in html


def test_charts_draw_every_glyph() -> None:
    import warnings

    from evals.charts import metrics_chart, retrievers_chart

    report = {"ask": {"retrieval": {"recall@1": 0.5, "recall@5": 0.9}, "answer": {"false_refusal_rate": 0.1}}}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font" for tofu
        assert metrics_chart(report, report)
        assert retrievers_chart({"hybrid": report["ask"], "bm25": report["ask"]})

