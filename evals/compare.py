"""Metric keys, the baseline diff (per metric, flipped cases) and the --fail-under / thresholds gate."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Every gated metric of the report, as dotted keys, in display order.
METRIC_KEYS: tuple[str, ...] = (
    "ask.retrieval.recall@1",
    "ask.retrieval.recall@5",
    "ask.retrieval.recall@10",
    "ask.retrieval.mrr@10",
    "ask.answer.fact_recall",
    "ask.answer.citation_validity",
    "ask.answer.refusal_accuracy",
    "ask.answer.false_refusal_rate",
    "ask.answer.precision",
    "ask.answer.coverage",
    "ask.latency_ms.p50",
    "ask.latency_ms.p95",
    "match.recall@5",
    "match.mrr",
    "match.must_not_violations",
    "precheck.accuracy",
    "precheck.evidence_recall",
)
LOWER_IS_BETTER = frozenset(
    {"ask.answer.false_refusal_rate", "ask.latency_ms.p50", "ask.latency_ms.p95", "match.must_not_violations"}
)
COUNT_KEYS: tuple[str, ...] = ("ask.n", "match.n", "precheck.n")


def lookup(report: Mapping[str, Any], key: str) -> Any:
    """The value at a dotted key (``ask.retrieval.recall@5``), or None."""
    node: Any = report
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def flat_metrics(report: Mapping[str, Any]) -> dict[str, float | None]:
    """All metric values of a report by dotted key."""
    return {key: lookup(report, key) for key in METRIC_KEYS}


def check_known(key: str) -> None:
    """Raise ``ValueError`` when no metric has this name (ambiguity is decided later, against the report)."""
    known = (*METRIC_KEYS, *COUNT_KEYS)
    if key not in known and not any(k.endswith("." + key) for k in known):
        raise ValueError(f"不明な指標です: {key}（使える指標: {', '.join(METRIC_KEYS)}）")


def resolve_key(key: str, report: Mapping[str, Any] | None = None) -> str:
    """Full dotted key for a bare or partial one; ``ValueError`` when unknown or ambiguous.

    ``recall@5`` names both ``ask.retrieval.recall@5`` and ``match.recall@5``; when only one of them was
    measured in ``report`` that one is meant, otherwise the key is ambiguous.
    """
    known = (*METRIC_KEYS, *COUNT_KEYS)
    if key in known:
        return key
    candidates = [k for k in known if k.endswith("." + key)]
    if not candidates:
        raise ValueError(f"不明な指標です: {key}（使える指標: {', '.join(METRIC_KEYS)}）")
    if len(candidates) > 1 and report is not None:
        measured = [k for k in candidates if lookup(report, k) is not None]
        if len(measured) == 1:
            return measured[0]
    if len(candidates) > 1:
        raise ValueError(f"指標 {key} は曖昧です: {' / '.join(candidates)} のどれかをドット区切りで指定してください")
    return candidates[0]


def parse_fail_under(items: Iterable[str]) -> list[tuple[str, float]]:
    """Parse ``KEY=VALUE`` pairs (keys resolved later against the report)."""
    out: list[tuple[str, float]] = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--fail-under は KEY=VALUE の形で指定してください: {item!r}")
        try:
            out.append((key.strip(), float(value)))
        except ValueError:
            raise ValueError(f"--fail-under の値が数値ではありません: {item!r}") from None
    return out


@dataclass(frozen=True)
class GateFailure:
    """A metric on the wrong side of its limit (or not measured)."""

    key: str
    value: float | None
    limit: float
    lower_is_better: bool

    def __str__(self) -> str:
        if self.value is None:
            return f"{self.key}: 測定されていません（基準 {self.limit}）"
        op = ">" if self.lower_is_better else "<"
        word = "上限" if self.lower_is_better else "下限"
        return f"{self.key} = {self.value:.4f} {op} {word} {self.limit:.4f}"


def check_limits(report: Mapping[str, Any], limits: Sequence[tuple[str, float]]) -> list[GateFailure]:
    """Failures of ``(key, limit)`` pairs: below a floor, or above a ceiling for lower-is-better metrics."""
    failures: list[GateFailure] = []
    for raw_key, limit in limits:
        key = resolve_key(raw_key, report)
        value = lookup(report, key)
        lower = key in LOWER_IS_BETTER
        if value is None or (value > limit if lower else value < limit):
            failures.append(GateFailure(key, value, limit, lower))
    return failures


def load_thresholds(path: Path) -> list[tuple[str, float]]:
    """``[floors]`` and ``[ceilings]`` of a thresholds TOML file as (key, limit) pairs."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{path}: ファイルが見つかりません") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: TOML として読めません（{exc}）") from None
    pairs: list[tuple[str, float]] = []
    for section, lower in (("floors", False), ("ceilings", True)):
        for key, value in (data.get(section) or {}).items():
            full = resolve_key(key)
            if (full in LOWER_IS_BETTER) != lower:
                raise ValueError(f"{path}: {full} は [{'ceilings' if full in LOWER_IS_BETTER else 'floors'}] に書いてください")
            pairs.append((full, float(value)))
    return pairs


def load_report(path: Path) -> dict[str, Any]:
    """A JSON report written by ``madoguchi eval --json``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{path}: ベースラインのファイルが見つかりません") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: ベースラインが JSON として読めません（{exc.msg}）") from None
    if not isinstance(data, dict) or "cases" not in data:
        raise ValueError(f"{path}: madoguchi eval --json のレポートではありません")
    return data


def diff(baseline: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    """Per-metric (baseline, current, delta, better) and the cases whose pass/fail flipped."""
    old, new = flat_metrics(baseline), flat_metrics(current)
    rows = []
    for key in METRIC_KEYS:
        a, b = old.get(key), new.get(key)
        if a is None and b is None:
            continue
        delta = None if a is None or b is None else round(b - a, 4)
        better = None if not delta else (delta < 0) == (key in LOWER_IS_BETTER)
        rows.append({"metric": key, "baseline": a, "current": b, "delta": delta, "better": better})
    before = {(c["task"], c["id"]): c.get("passed") for c in baseline.get("cases", [])}
    after = {(c["task"], c["id"]): c.get("passed") for c in current.get("cases", [])}
    flipped = []
    for (task, ident), was in before.items():
        now = after.get((task, ident))
        if (task, ident) in after and was is not None and now is not None and was != now:
            flipped.append({"id": ident, "task": task, "baseline": was, "current": now})
    return {
        "metrics": rows,
        "flipped": flipped,
        "new_cases": [ident for (task, ident) in after if (task, ident) not in before],
        "removed_cases": [ident for (task, ident) in before if (task, ident) not in after],
    }
