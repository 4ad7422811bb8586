"""Runs eval suites on a target and assembles the JSON report (metrics, then one entry per case)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from evals import metrics as m
from evals.dataset import AskCase, MatchCase, PrecheckCase, Suite
from evals.targets import AskRun, Target, Unsupported
from retrieval.normalize import compact

Tick = Callable[[str], None]
SNIPPET = 160
REASONS_JA = {
    "retrieval_miss": "上位に関連チャンクなし",
    "refused": "回答を辞退した",
    "missing_facts": "必要な事実が回答にない",
    "invalid_citations": "引用が検索結果と一致しない",
    "not_refused": "辞退すべき質問に回答した",
    "forbidden": "回答に含めてはならない語がある",
    "measures_not_named": "期待した支援施策を回答が挙げていない",
    "unwanted_measure": "上位5件に入ってはならない施策がある",
    "evidence_missing": "根拠に期待した計画の記述がない",
    "measures_missing": "期待した施策が上位5件にない",
    "status_mismatch": "判定が期待と異なる",
    "error": "エラー",
    "skipped": "未対応のためスキップ",
}


def _noop(_: str) -> None:
    return None


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


# --- ask --------------------------------------------------------------------------------------------
def ask_case(case: AskCase, run: AskRun, depth: int, indexed: Sequence[str] | None = None) -> dict[str, Any]:
    """The per-case entry of an ask case: pass/fail, reasons and what was retrieved and answered.

    ``indexed`` is every indexed chunk text, compacted; with it the entry records whether any of the case's
    evidence strings can be found in the index at all (``evidence_indexed``; None for declines or without it).
    """
    texts = [h.text for h in run.ranked]
    rank = m.first_relevant_rank(texts, case.evidence, depth) if not case.refuse and case.evidence else None
    in_index = m.evidence_indexed(case.evidence, indexed) if indexed is not None and not case.refuse and case.evidence else None
    reachable = m.evidence_reachable(case.evidence, indexed) if in_index and indexed is not None else None
    facts = m.facts_found(run.answer, case.must_include) if not run.refused else [False] * len(case.must_include)
    forbidden = m.forbidden_found(run.answer, case.must_not)
    cited = " ".join(f"{c.get('chunk_id', '')} {c.get('title', '')}" for c in run.citations)
    named = m.measures_named(f"{run.answer}\n{cited}", case.expected_measures) if not run.refused else [False] * len(case.expected_measures)
    valid = [m.citation_valid(str(c.get("chunk_id", "")), str(c.get("quote", "")), run.answer_hits) for c in run.citations]
    reasons: list[str] = []
    if run.error:
        reasons.append("error")
    elif case.refuse:
        if not run.refused:
            reasons.append("not_refused")
        if forbidden:
            reasons.append("forbidden")
    else:
        if rank is None and case.evidence:
            reasons.append("retrieval_miss")
        if run.refused:
            reasons.append("refused")
        if not all(facts):
            reasons.append("missing_facts")
        if not all(named):
            reasons.append("measures_not_named")
        if forbidden and not run.refused:
            reasons.append("forbidden")
    if not all(valid):
        reasons.append("invalid_citations")
    details: dict[str, Any] = {
        "question": case.question,
        "history": list(case.history),
        "refuse": case.refuse,
        "evidence": list(case.evidence),
        "query": run.query,
        "rank": rank,
        "evidence_indexed": in_index,
        "evidence_reachable": reachable,
        "top_hits": [
            {
                "rank": i,
                "chunk_id": h.chunk_id,
                "title": h.title,
                "section": h.section,
                "score": h.score,
                "relevant": (not case.refuse) and m.is_relevant(h.text, case.evidence),
                "snippet": h.text[:SNIPPET],
            }
            for i, h in enumerate(run.ranked, start=1)
        ],
        "answer": run.answer,
        "refused": run.refused,
        "facts": dict(zip(case.must_include, facts, strict=True)),
        "forbidden": forbidden,
        "measures": dict(zip(case.expected_measures, named, strict=True)),
        "category": case.category,
        "right": _right(case, run, facts, forbidden, named),
        "citations": [
            {"n": c.get("n"), "chunk_id": c.get("chunk_id"), "quote": c.get("quote"), "valid": ok}
            for c, ok in zip(run.citations, valid, strict=True)
        ],
        "latency_ms": run.latency_ms,
        "reasons": reasons,
        "meta": run.meta,
    }
    if run.error:
        details["error"] = run.error
    return {"id": case.id, "task": "ask", "passed": not reasons, "details": details}


def _right(case: AskCase, run: AskRun, facts: Sequence[bool], forbidden: Sequence[str], named: Sequence[bool]) -> bool:
    """A declined case is right when it should be declined and volunteers nothing it must not; an answered case
    when it should be answered, carries every asked fact and measure, and nothing it must not."""
    if run.error:
        return False
    if case.refuse:
        return run.refused and not forbidden
    return not run.refused and all(facts) and all(named) and not forbidden


def judgement(pairs: Sequence[tuple[AskCase, dict[str, Any]]]) -> dict[str, Any]:
    """Precision, coverage and refusal figures over (case, details) pairs."""
    given = [d for c, d in pairs if not d["refused"] and not d.get("error")]
    answerable = [d for c, d in pairs if not c.refuse]
    declines = [d for c, d in pairs if c.refuse]
    return {
        "n": len(pairs),
        "answered": len(given),
        "precision": _round(m.precision([bool(d["right"]) for d in given])),
        "coverage": _round(m.coverage([bool(d["right"]) for d in answerable])),
        "refusal_accuracy": _round(m.refusal_accuracy([bool(d["right"]) for d in declines])),
        "false_refusal_rate": _round(m.false_refusal_rate([bool(d["refused"]) for d in answerable])),
    }


def _retrieval(ranks: Sequence[int | None]) -> dict[str, Any]:
    return {
        "recall@1": _round(m.recall_at_k(ranks, 1)),
        "recall@5": _round(m.recall_at_k(ranks, 5)),
        "recall@10": _round(m.recall_at_k(ranks, 10)),
        "mrr@10": _round(m.mrr_at_k(ranks, 10)),
    }


def _indexed_block(answerable: Sequence[tuple[AskCase, dict[str, Any]]]) -> dict[str, Any]:
    """Retrieval figures over the answerable cases whose evidence occurs in the indexed text (``n``), with how
    many answerable cases with evidence were left out because none of their evidence strings is indexed, and how
    many kept cases one chunk could answer whole (``reachable``: a chunk holds every evidence string — the ceiling
    of recall)."""
    known = [(c, d) for c, d in answerable if c.evidence and d.get("evidence_indexed") is not None]
    kept = [(c, d) for c, d in known if d["evidence_indexed"]]
    reachable = sum(1 for _, d in kept if d.get("evidence_reachable"))
    return {"n": len(kept), "left_out": len(known) - len(kept), "reachable": reachable,
            **_retrieval([d["rank"] for _, d in kept])}


def indexed_retrieval(answerable: Sequence[tuple[AskCase, dict[str, Any]]]) -> dict[str, Any] | None:
    """The ``retrieval_indexed`` block: overall and for Japanese questions (``lang == "ja"``); None when the
    target could not tell what is indexed."""
    if not any(d.get("evidence_indexed") is not None for _, d in answerable):
        return None
    return {**_indexed_block(answerable), "ja": _indexed_block([(c, d) for c, d in answerable if c.lang == "ja"])}


INDEXED_COLUMNS = ("n", "left_out", "reachable", "recall@1", "recall@5", "recall@10", "mrr@10")


def indexed_rows(report: Mapping[str, Any]) -> list[list[Any]]:
    """Rows (``all``, ``ja``) of the indexed-evidence retrieval figures, for the printed and the HTML table."""
    block = (report.get("ask") or {}).get("retrieval_indexed")
    if not block:
        return []
    return [[name, *(part.get(col) for col in INDEXED_COLUMNS)] for name, part in (("all", block), ("ja", block.get("ja") or {}))]


def ask_metrics(cases: Sequence[AskCase], entries: Sequence[dict[str, Any]], depth: int = 10) -> dict[str, Any]:
    """The ask block of the report from the per-case entries (a case that errored is an error, not a miss: it is
    counted in ``errors`` and left out of every metric)."""
    pairs = [(c, e["details"]) for c, e in zip(cases, entries, strict=True) if not e["details"].get("error")]
    answerable = [(c, d) for c, d in pairs if not c.refuse]
    refuse = [(c, d) for c, d in pairs if c.refuse]
    ranks = [d["rank"] for c, d in answerable if c.evidence]
    categories = sorted({c.category for c in cases if c.category})
    latencies = [float(e["details"]["latency_ms"]) for e in entries if e["details"].get("latency_ms") is not None]
    return {
        "n": len(cases),
        "answerable": len(answerable),
        "refuse": len(refuse),
        "errors": sum(1 for e in entries if e["details"].get("error")),
        "retrieval": {**_retrieval(ranks), "depth": depth},
        "retrieval_indexed": indexed_retrieval(answerable),
        "answer": {
            "fact_recall": _round(m.fact_recall([list(d["facts"].values()) for _, d in answerable])),
            "citation_validity": _round(m.citation_validity([[c["valid"] for c in d["citations"]] for _, d in pairs])),
            "refusal_accuracy": _round(m.refusal_accuracy([bool(d["right"]) for _, d in refuse])),
            "false_refusal_rate": _round(m.false_refusal_rate([bool(d["refused"]) for _, d in answerable])),
            "precision": judgement(pairs)["precision"],
            "coverage": judgement(pairs)["coverage"],
        },
        "categories": {cat: judgement([(c, d) for c, d in pairs if c.category == cat]) for cat in categories},
        "latency_ms": {"p50": _round(m.percentile(latencies, 50), 2), "p95": _round(m.percentile(latencies, 95), 2)},
    }


def indexed_texts(target: Target) -> list[str] | None:
    """Every indexed chunk text of the target, compacted as the matcher compacts; None when it cannot tell."""
    source = getattr(target, "indexed_texts", None)
    try:
        texts = source() if source is not None else None
    except Exception:
        texts = None
    return None if texts is None else [compact(t) for t in texts]


def run_ask(
    target: Target, cases: Sequence[AskCase], mode: str, tick: Tick = _noop
) -> tuple[dict[str, Any], list[dict[str, Any]], list[AskRun]]:
    """Run the ask cases with one retriever; returns (ask metrics, case entries, raw runs)."""
    entries: list[dict[str, Any]] = []
    runs: list[AskRun] = []
    indexed = indexed_texts(target)
    for case in cases:
        run = target.ask(case, mode)
        runs.append(run)
        entries.append(ask_case(case, run, target.retrieval_depth or 10, indexed))
        tick("ask")
    return ask_metrics(cases, entries, target.retrieval_depth or 10), entries, runs


# --- match and precheck -----------------------------------------------------------------------------------
def _skipped(case: MatchCase | PrecheckCase, reason: str) -> dict[str, Any]:
    details: dict[str, Any] = {"reason": reason, "plan": case.plan, "plan_type": case.plan_type, "reasons": ["skipped"]}
    if isinstance(case, PrecheckCase):
        details["expected"] = dict(case.expected_status)
    else:
        details["expected_measures"] = list(case.expected_measures)
    return {"id": case.id, "task": case.task, "passed": None, "skipped": True, "details": details}


def run_match(target: Target, cases: Sequence[MatchCase], tick: Tick = _noop) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Run the match cases; ``not supported`` (n=0, metrics null, cases skipped) when plan analysis is missing."""
    entries: list[dict[str, Any]] = []
    all_ranks: list[list[int | None]] = []
    violations = errors = 0
    unsupported: str | None = None
    for case in cases:
        if unsupported:
            entries.append(_skipped(case, unsupported))
            tick("match")
            continue
        details: dict[str, Any] = {"plan": case.plan, "plan_type": case.plan_type}
        try:
            ranked = target.match(case.plan, case.plan_type)
        except Unsupported as exc:
            unsupported = str(exc)
            entries.append(_skipped(case, unsupported))
            tick("match")
            continue
        except Exception as exc:  # one failing plan must not stop the run
            details.update(error=f"{type(exc).__name__}: {getattr(exc, 'message', exc)}", reasons=["error"])
            errors += 1
            entries.append({"id": case.id, "task": "match", "passed": False, "details": details})
            tick("match")
            continue
        ranks = [m.measure_rank(p, ranked, 5) for p in case.expected_measures]
        unwanted = [p for p in case.must_not if m.measure_rank(p, ranked, 5) is not None]
        all_ranks.append(ranks)
        violations += len(unwanted)
        details["expected"] = dict(zip(case.expected_measures, ranks, strict=True))
        details["unwanted"] = unwanted
        details["top"] = [{"rank": i, "id": r.id, "name": r.name} for i, r in enumerate(ranked[:5], start=1)]
        details["reasons"] = ([] if all(r is not None for r in ranks) else ["measures_missing"]) + (["unwanted_measure"] if unwanted else [])
        entries.append({"id": case.id, "task": "match", "passed": not details["reasons"], "details": details})
        tick("match")
    block: dict[str, Any] = {"n": len(all_ranks), "recall@5": _round(m.match_recall(all_ranks)), "mrr": _round(m.match_mrr(all_ranks)),
                             "must_not_violations": violations, "errors": errors}
    if unsupported:
        block.update(n=0, supported=False, reason=unsupported, **{"recall@5": None, "mrr": None})
    return block, entries


def run_precheck(target: Target, cases: Sequence[PrecheckCase], tick: Tick = _noop) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Run the pre-check cases; ``not supported`` when plan analysis is missing."""
    entries: list[dict[str, Any]] = []
    all_matches: list[dict[str, bool]] = []
    evidence_checks: list[int] = []
    evidence_misses: list[int] = []
    errors = 0
    unsupported: str | None = None
    for case in cases:
        if unsupported:
            entries.append(_skipped(case, unsupported))
            tick("precheck")
            continue
        details: dict[str, Any] = {"plan": case.plan, "plan_type": case.plan_type, "expected": case.expected_status}
        try:
            verdicts = target.precheck(case.plan, case.plan_type)
        except Unsupported as exc:
            unsupported = str(exc)
            entries.append(_skipped(case, unsupported))
            tick("precheck")
            continue
        except Exception as exc:
            details.update(error=f"{type(exc).__name__}: {getattr(exc, 'message', exc)}", reasons=["error"])
            errors += 1
            entries.append({"id": case.id, "task": "precheck", "passed": False, "details": details})
            tick("precheck")
            continue
        actual = verdicts.status
        matches = m.status_matches(case.expected_status, actual)
        all_matches.append(matches)
        details["actual"] = {label: actual.get(label) for label in case.expected_status}
        details["mismatches"] = {
            label: {"expected": case.expected_status[label], "actual": actual.get(label)} for label, ok in matches.items() if not ok
        }
        missing_evidence = {
            label: [s for s in wanted if not m.contains(verdicts.evidence.get(label, ""), s)]
            for label, wanted in case.evidence_must.items()
        }
        missing_evidence = {label: v for label, v in missing_evidence.items() if v}
        evidence_checks.append(sum(len(v) for v in case.evidence_must.values()))
        evidence_misses.append(sum(len(v) for v in missing_evidence.values()))
        details["evidence_missing"] = missing_evidence
        details["reasons"] = (["status_mismatch"] if details["mismatches"] else []) + (["evidence_missing"] if missing_evidence else [])
        entries.append({"id": case.id, "task": "precheck", "passed": not details["reasons"], "details": details})
        tick("precheck")
    block: dict[str, Any] = {"n": len(all_matches), "accuracy": _round(m.precheck_accuracy(all_matches)), "errors": errors}
    if sum(evidence_checks):
        block["evidence_recall"] = _round(1 - sum(evidence_misses) / sum(evidence_checks))
    if unsupported:
        block.update(n=0, accuracy=None, supported=False, reason=unsupported)
    return block, entries


# --- everything ---------------------------------------------------------------------------------------------
def run(
    target: Target,
    suite: Suite,
    *,
    mode: str = "hybrid",
    compare: Sequence[str] = (),
    judge: Any = None,
    tick: Tick = _noop,
) -> dict[str, Any]:
    """Run every case of the suite and return the report (``compare`` adds one ask block per retriever)."""
    started = time.perf_counter()
    warm_up = getattr(target, "warm_up", None)
    if warm_up is not None and suite.ask:
        warm_up([mode, *[v for v in compare if v != mode]])
    ask_block, ask_entries, ask_runs = run_ask(target, suite.ask, mode, tick)
    retrievers: dict[str, Any] = {}
    for variant in compare:
        if variant == mode:
            retrievers[variant] = ask_block
        else:
            retrievers[variant], _, _ = run_ask(target, suite.ask, variant, tick)
    if judge is not None and suite.ask:
        ask_block["judge"] = judge.score_all(suite.ask, ask_runs, ask_entries, tick)
    match_block, match_entries = run_match(target, suite.match, tick)
    precheck_block, precheck_entries = run_precheck(target, suite.precheck, tick)
    report: dict[str, Any] = {
        "ask": ask_block,
        "match": match_block,
        "precheck": precheck_block,
        "cases": [*ask_entries, *match_entries, *precheck_entries],
        "meta": {
            "datasets": list(suite.files),
            "target": target.label,
            "retriever": mode,
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "seconds": round(time.perf_counter() - started, 2),
            "warnings": list(suite.warnings),
        },
    }
    if compare:
        report["retrievers"] = retrievers
    return report


def total_steps(suite: Suite, compare: Sequence[str], mode: str, judge: bool) -> int:
    """How many progress ticks a run makes (for the progress bar)."""
    variants = len([v for v in compare if v != mode])
    return len(suite.ask) * (1 + variants + (1 if judge else 0)) + len(suite.match) + len(suite.precheck)
