"""The self-contained HTML report: summary, charts, retriever comparison, baseline diff and every case."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from evals.charts import ask_value, metrics_chart, retrievers_chart
from evals.compare import COUNT_KEYS, LOWER_IS_BETTER, METRIC_KEYS, lookup
from evals.runner import INDEXED_COLUMNS, REASONS_JA, indexed_rows

TEMPLATES = Path(__file__).resolve().parent / "templates"
COMPARE_COLUMNS = ("recall@1", "recall@5", "recall@10", "mrr@10", "fact_recall", "citation_validity",
                   "refusal_accuracy", "false_refusal_rate", "p50", "p95")


def _fmt(value: Any, key: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and any(t in key for t in ("latency", "p50", "p95")):
        return f"{value:.1f}"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def summary_rows(report: Mapping[str, Any], baseline: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """One row per metric: key, value, baseline value and delta (for the summary table)."""
    rows = []
    for key in (*COUNT_KEYS, *METRIC_KEYS):
        value = lookup(report, key)
        before = lookup(baseline, key) if baseline else None
        delta = None if value is None or before is None else value - before
        better = None if not delta else (delta < 0) == (key in LOWER_IS_BETTER)
        rows.append({"key": key, "value": _fmt(value, key), "baseline": _fmt(before, key), "delta": "" if delta is None else f"{delta:+g}" if key in COUNT_KEYS else f"{delta:+.3f}",
                     "better": better, "lower": key in LOWER_IS_BETTER})
    return rows


def render(report: Mapping[str, Any], baseline: Mapping[str, Any] | None = None, diff: Mapping[str, Any] | None = None) -> str:
    """The report as one HTML page (charts inline, no external files)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    env.filters["fmt"] = _fmt
    retrievers = report.get("retrievers") or {}
    compare_rows = [{"name": name, "values": [_fmt(ask_value(block, c), c) for c in COMPARE_COLUMNS]} for name, block in retrievers.items()]
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    for case in report.get("cases", []):
        counts["skipped" if case.get("passed") is None else "passed" if case["passed"] else "failed"] += 1
    return env.get_template("report.html").render(
        report=report,
        meta=report.get("meta", {}),
        rows=summary_rows(report, baseline),
        metrics_png=metrics_chart(report, baseline),
        retrievers_png=retrievers_chart(retrievers),
        compare_columns=COMPARE_COLUMNS,
        indexed_columns=INDEXED_COLUMNS,
        indexed_rows=indexed_rows(report),
        compare_rows=compare_rows,
        diff=diff,
        counts=counts,
        reasons_ja=REASONS_JA,
        judge=(report.get("ask") or {}).get("judge"),
        unsupported={t: report[t].get("reason") for t in ("match", "precheck") if (report.get(t) or {}).get("supported") is False},
    )


def write(path: Path, report: Mapping[str, Any], baseline: Mapping[str, Any] | None = None, diff: Mapping[str, Any] | None = None) -> None:
    """Write the HTML report to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(report, baseline, diff), encoding="utf-8")
