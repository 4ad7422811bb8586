"""Eval datasets: JSONL loading and validation; every problem is reported as ``file:line: what is wrong``."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

PLAN_TYPES = ("strategic_cluster", "regional_cluster", "local_industry")
STATUSES = ("met", "partial", "missing", "not_applicable")
TASKS = ("ask", "match", "precheck")
ROLES = ("user", "assistant")
KNOWN_FIELDS: dict[str, frozenset[str]] = {
    "ask": frozenset({
        "id", "task", "question", "history", "evidence", "must_include", "refuse", "category", "lang", "must_not",
        "expected_measures",
    }),
    "match": frozenset({"id", "task", "plan", "plan_type", "expected_measures", "must_not", "category"}),
    "precheck": frozenset({"id", "task", "plan", "plan_type", "expected_status", "evidence_must", "category"}),
}


@dataclass(frozen=True)
class AskCase:
    """A question with the evidence a relevant chunk must hold and the facts an answer must state."""

    id: str
    question: str
    evidence: tuple[str, ...]
    must_include: tuple[str, ...]
    refuse: bool
    history: tuple[dict[str, str], ...] = ()
    where: str = ""
    task: Literal["ask"] = "ask"
    category: str = ""
    lang: str = "ja"
    must_not: tuple[str, ...] = ()
    expected_measures: tuple[str, ...] = ()  # regexes a situation answer must name (measure name or alias)


@dataclass(frozen=True)
class MatchCase:
    """A draft plan with regexes for the support measures that must be in the top 5."""

    id: str
    plan: str
    expected_measures: tuple[str, ...]
    plan_type: str | None = None
    where: str = ""
    task: Literal["match"] = "match"
    must_not: tuple[str, ...] = ()  # regexes of measures that must not be in the top 5
    category: str = ""


@dataclass(frozen=True)
class PrecheckCase:
    """A draft plan with the expected status of each labelled requirement."""

    id: str
    plan: str
    plan_type: str
    expected_status: dict[str, str] = field(default_factory=dict)
    where: str = ""
    task: Literal["precheck"] = "precheck"
    evidence_must: dict[str, tuple[str, ...]] = field(default_factory=dict)  # label → plan words the evidence quotes
    category: str = ""


Case = AskCase | MatchCase | PrecheckCase


@dataclass
class Suite:
    """The cases of one or more dataset files, split by task, plus non-fatal warnings."""

    ask: list[AskCase] = field(default_factory=list)
    match: list[MatchCase] = field(default_factory=list)
    precheck: list[PrecheckCase] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ask) + len(self.match) + len(self.precheck)

    def add(self, case: Case) -> None:
        """Append a case to the list of its task."""
        if isinstance(case, AskCase):
            self.ask.append(case)
        elif isinstance(case, MatchCase):
            self.match.append(case)
        else:
            self.precheck.append(case)


class DatasetError(ValueError):
    """One or more malformed dataset lines; ``problems`` holds one ``file:line: message`` per line."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


class _Bad(Exception):
    """A problem with one line (internal)."""


def _text(data: dict[str, Any], key: str, *, required: bool = True) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise _Bad(f"'{key}' がありません")
        return None
    if not isinstance(value, str) or not value.strip():
        raise _Bad(f"'{key}' は空でない文字列にしてください")
    return value


def _strings(data: dict[str, Any], key: str) -> tuple[str, ...]:
    if key not in data:
        raise _Bad(f"'{key}' がありません")
    value = data[key]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _Bad(f"'{key}' は空でない文字列のリストにしてください")
    return tuple(value)


def _optional_strings(data: dict[str, Any], key: str) -> tuple[str, ...]:
    return _strings(data, key) if key in data else ()


def _regexes(data: dict[str, Any], key: str) -> tuple[str, ...]:
    patterns = _optional_strings(data, key)
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise _Bad(f"'{key}' の正規表現 {pattern!r} が不正です: {exc}") from None
    return patterns


def _history(data: dict[str, Any]) -> tuple[dict[str, str], ...]:
    raw = data.get("history")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise _Bad("'history' は {role, content} のリストにしてください")
    turns: list[dict[str, str]] = []
    for n, turn in enumerate(raw, start=1):
        if not isinstance(turn, dict) or not isinstance(turn.get("content"), str) or turn.get("role") not in ROLES:
            raise _Bad(f"'history' の {n} 件目は role（user / assistant）と content（文字列）が必要です")
        turns.append({"role": turn["role"], "content": turn["content"]})
    return tuple(turns)


def _plan_type(data: dict[str, Any], *, required: bool) -> str | None:
    value = _text(data, "plan_type", required=required)
    if value is not None and value not in PLAN_TYPES:
        raise _Bad(f"'plan_type' が不明です: {value!r}（{' / '.join(PLAN_TYPES)}）")
    return value


def _ask(data: dict[str, Any], where: str) -> AskCase:
    refuse = data.get("refuse")
    if not isinstance(refuse, bool):
        raise _Bad("'refuse' は true か false にしてください" if "refuse" in data else "'refuse' がありません")
    evidence = _strings(data, "evidence")
    measures = _regexes(data, "expected_measures")
    if not refuse and not evidence and not measures and not data.get("must_include"):
        raise _Bad("回答すべきケース（refuse: false）には 'evidence'、'must_include' か 'expected_measures' が1つ以上必要です")
    return AskCase(
        id=str(data["id"]),
        question=str(_text(data, "question")),
        evidence=evidence,
        must_include=_strings(data, "must_include"),
        refuse=refuse,
        history=_history(data),
        where=where,
        category=str(data.get("category") or ""),
        lang=str(data.get("lang") or "ja"),
        must_not=_optional_strings(data, "must_not"),
        expected_measures=measures,
    )


def _match(data: dict[str, Any], where: str) -> MatchCase:
    if "expected_measures" not in data:
        raise _Bad("'expected_measures' がありません")
    patterns = _regexes(data, "expected_measures")
    if not patterns:
        raise _Bad("'expected_measures' が空です")
    return MatchCase(
        id=str(data["id"]),
        plan=str(_text(data, "plan")),
        expected_measures=patterns,
        plan_type=_plan_type(data, required=False),
        where=where,
        must_not=_regexes(data, "must_not"),
        category=str(data.get("category") or ""),
    )


def _precheck(data: dict[str, Any], where: str) -> PrecheckCase:
    expected = data.get("expected_status")
    if not isinstance(expected, dict) or not expected:
        raise _Bad("'expected_status' は {要件ラベル: 状態} の空でないオブジェクトにしてください")
    for label, status in expected.items():
        if status not in STATUSES:
            raise _Bad(f"'expected_status' の「{label}」の状態 {status!r} が不正です（{' / '.join(STATUSES)}）")
    evidence_must = data.get("evidence_must") or {}
    if not isinstance(evidence_must, dict) or not all(
        isinstance(v, list) and all(isinstance(s, str) and s.strip() for s in v) for v in evidence_must.values()
    ):
        raise _Bad("'evidence_must' は {要件ラベル: [計画の語句, …]} にしてください")
    return PrecheckCase(
        id=str(data["id"]),
        plan=str(_text(data, "plan")),
        plan_type=str(_plan_type(data, required=True)),
        expected_status=dict(expected),
        where=where,
        evidence_must={str(k): tuple(v) for k, v in evidence_must.items()},
        category=str(data.get("category") or ""),
    )


_BUILDERS: dict[str, Callable[[dict[str, Any], str], Case]] = {"ask": _ask, "match": _match, "precheck": _precheck}


def parse_line(line: str, where: str, warnings: list[str] | None = None) -> Case:
    """Parse and validate one JSONL line; raise ``DatasetError`` naming ``where`` when it is malformed."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise DatasetError([f"{where}: JSON として読めません（{exc.msg}, 列 {exc.colno}）"]) from None
    if not isinstance(data, dict):
        raise DatasetError([f"{where}: 1行に1つの JSON オブジェクトを書いてください"])
    try:
        ident = data.get("id")
        if not isinstance(ident, str | int) or isinstance(ident, bool) or not str(ident).strip():
            raise _Bad("'id' がありません（空でない文字列にしてください）")
        task = data.get("task")
        if task not in _BUILDERS:
            raise _Bad(f"不明な task です: {task!r}（{' / '.join(TASKS)}）" if "task" in data else "'task' がありません")
        case = _BUILDERS[task](data, where)
    except _Bad as exc:
        raise DatasetError([f"{where}: {exc}"]) from None
    unknown = sorted(set(data) - KNOWN_FIELDS[task])
    if unknown and warnings is not None:
        warnings.append(f"{where}: 未知のフィールドを無視しました: {', '.join(unknown)}")
    return case


def load_file(path: Path, suite: Suite | None = None) -> Suite:
    """Load one JSONL file into ``suite``; collect every bad line and raise them together."""
    suite = suite if suite is not None else Suite()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise DatasetError([f"{path}: ファイルが見つかりません"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError([f"{path}: 読めません（{exc}）"]) from None
    problems: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            suite.add(parse_line(line, f"{path}:{number}", suite.warnings))
        except DatasetError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DatasetError(problems)
    suite.files.append(str(path))
    return suite


def load(paths: Iterable[Path]) -> Suite:
    """Load and validate dataset files; raise ``DatasetError`` listing every problem (also duplicate ids)."""
    files = [Path(p) for p in paths]
    suite = Suite()
    problems: list[str] = []
    for path in files:
        try:
            load_file(path, suite)
        except DatasetError as exc:
            problems.extend(exc.problems)
    seen: dict[tuple[str, str], str] = {}
    every: list[Case] = [*suite.ask, *suite.match, *suite.precheck]
    for case in every:
        key = (case.task, case.id)
        if key in seen:
            problems.append(f"{case.where}: id {case.id!r} が重複しています（{seen[key]} にもあります）")
        else:
            seen[key] = case.where
    if problems:
        raise DatasetError(problems)
    if not len(suite):
        raise DatasetError([f"{', '.join(map(str, files)) or '(なし)'}: ケースが1件もありません"])
    return suite
