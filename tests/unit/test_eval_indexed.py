"""Retrieval over indexed evidence only: a case whose evidence no chunk holds is left out and counted as such."""

from __future__ import annotations

from evals import runner
from evals.cli import indexed_table
from evals.dataset import AskCase, Suite
from evals.metrics import MeasureRef
from evals.report_html import render
from evals.targets import AskRun, RankedHit, Unsupported, Verdicts

# What the fake desk has indexed: two passages, written in the desk's own words.
INDEX = {
    "p-water": "水道料金 > 減免\n基本料金は　ひと月 １，２００円 です。",
    "p-bins": "ごみ > 収集日\n燃えるごみは火曜と金曜に出してください。",
}
# question → the chunk ids the fake desk ranks first
RANKING = {
    "水道の基本料金は？": ["p-water", "p-bins"],
    "燃えるごみの日は？": ["p-water", "p-bins"],
    "粗大ごみは有料？": ["p-bins", "p-water"],
    "水道とごみの話": ["p-water", "p-bins"],
    "When is burnable trash collected?": ["p-bins", "p-water"],
}
CASES = [
    # in the index (after width and space folding), found first
    AskCase(id="water", question="水道の基本料金は？", evidence=("ひと月1,200円",), must_include=(), refuse=False),
    # in the index, found second
    AskCase(id="bins", question="燃えるごみの日は？", evidence=("火曜と金曜",), must_include=(), refuse=False),
    # the evidence comes from a fact sheet the index does not carry: never findable, left out
    AskCase(id="bulky", question="粗大ごみは有料？", evidence=("粗大ごみ処理券",), must_include=(), refuse=False),
    # two evidence strings, each indexed but in different chunks: kept, yet no single chunk can be relevant
    AskCase(id="split", question="水道とごみの話", evidence=("ひと月1,200円", "火曜と金曜"), must_include=(), refuse=False),
    # an English question whose evidence is indexed, found first
    AskCase(id="bins-en", question="When is burnable trash collected?", evidence=("火曜と金曜",), must_include=(), refuse=False,
            lang="en"),
    # a decline has no retrieval figure at all
    AskCase(id="weather", question="明日の天気は？", evidence=(), must_include=(), refuse=True),
]


class FakeTarget:
    """A desk stand-in that ranks fixed chunks and tells what it indexed."""

    label = "fake"
    retrieval_depth = 10

    def ask(self, case: AskCase, mode: str) -> AskRun:
        ranked = [RankedHit(cid, "t", "s", INDEX[cid]) for cid in RANKING.get(case.question, [])]
        return AskRun(query=case.question, ranked=ranked, answer="", refused=case.refuse, latency_ms=1.0)

    def match(self, plan: str, plan_type: str | None) -> list[MeasureRef]:
        raise Unsupported("not supported")

    def precheck(self, plan: str, plan_type: str) -> Verdicts:
        raise Unsupported("not supported")

    def indexed_texts(self) -> list[str]:
        return list(INDEX.values())


class BlindTarget(FakeTarget):
    """A target that cannot say what it indexed (e.g. an endpoint without the local corpus)."""

    def indexed_texts(self) -> list[str] | None:  # type: ignore[override]
        return None


def test_case_with_unindexed_evidence_is_left_out_of_the_indexed_figures() -> None:
    report = runner.run(FakeTarget(), Suite(ask=list(CASES)))
    ask = report["ask"]
    # the usual figures keep every answerable case with evidence: 2 of 5 found first
    assert ask["retrieval"]["recall@1"] == 0.4 and ask["retrieval"]["recall@5"] == 0.6
    indexed = ask["retrieval_indexed"]
    assert indexed["n"] == 4 and indexed["left_out"] == 1 and indexed["reachable"] == 3
    assert indexed["recall@1"] == 0.5 and indexed["recall@5"] == 0.75 and indexed["mrr@10"] == round((1 + 0.5 + 1) / 4, 4)
    # Japanese questions only: the English one is not counted
    assert indexed["ja"] == {"n": 3, "left_out": 1, "reachable": 2, "recall@1": 0.3333, "recall@5": 0.6667,
                             "recall@10": 0.6667, "mrr@10": 0.5}
    verdicts = {c["id"]: c["details"]["evidence_indexed"] for c in report["cases"]}
    assert verdicts == {"water": True, "bins": True, "bulky": False, "split": True, "bins-en": True, "weather": None}
    assert {c["id"]: c["details"]["evidence_reachable"] for c in report["cases"]}["split"] is False


def test_indexed_figures_are_printed_and_rendered() -> None:
    report = runner.run(FakeTarget(), Suite(ask=list(CASES)))
    table = indexed_table(report)
    assert "| questions | n | left_out | reachable | recall@1 |" in table
    assert "| ja | 3 | 1 | 2 | 0.333 |" in table
    report["meta"]["finished_at"] = "now"
    html = render(report)
    assert 'id="retrieval-indexed"' in html and "left_out" in html


def test_without_the_indexed_text_the_block_is_absent_and_nothing_else_changes() -> None:
    report = runner.run(BlindTarget(), Suite(ask=list(CASES)))
    assert report["ask"]["retrieval_indexed"] is None
    assert report["ask"]["retrieval"]["recall@1"] == 0.4
    assert indexed_table(report) == ""
