"""`madoguchi corpus validate` for the plan vocabulary: plan_terms.yaml and the ``signals`` of requirements.yaml.

Each problem names the file, the entry and the field, in Japanese, so a corpus editor can find the line to fix.
Loading the vocabulary (``terms.plan_terms``) stops on the shape problems of ``vocab_schema``; this check also
finds what loading would accept silently: a typo in a key, an empty part of an ``A…B`` term, a ``with_group``
that names no group, a regular expression that does not compile, a measure id that is not in the catalog.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from bot.plans.vocab_schema import vocab_problems
from retrieval.schema import CorpusProblem, load_yaml

TERMS_FILE = "plan_terms.yaml"
REQUIREMENTS_FILE = "requirements.yaml"
NUMBER_KINDS = ("amount", "count", "percent", "any")
GROUP_KEYS = {"name", "terms", "weak_terms", "core", "need_number", "number", "with_group", "done", "dated_target", "optional", "when", "denial_decides",
              "current_counts", "weak_stands", "weak_reason", "weak_not_with", "candidates", "pending_terms", "aim_only", "present_state", "section_today"}
SIGNAL_KEYS = {
    "groups", "need_number", "need_actor", "number", "negative_terms", "negative_reason", "caution_terms", "caution_reason",
    "applies_when", "not_applicable_reason", "suggestion", "enough_groups", "target_required", "unquantified_caps",
    "figures_deferred", "negative_not_after", "whole_terms",
}
_TERM_LISTS = ("terms", "weak_terms", "when", "weak_not_with", "candidates", "pending_terms")
_SIGNAL_TERM_LISTS = (
    "negative_terms", "caution_terms", "applies_when", "target_required", "figures_deferred", "negative_not_after", "whole_terms",
)
_BOOLS = ("core", "need_number", "done", "dated_target", "optional", "denial_decides", "current_counts", "weak_stands", "aim_only", "section_today")


def term_problem(term: Any) -> str:
    """Why a term cannot be read (empty when it is well formed): 「A|B」 alternatives, 「A…B」 parts."""
    if not isinstance(term, str):
        return f"語は文字列で書いてください（{term!r}）"
    if not term.strip():
        return "空の語があります"
    parts = term.replace("...", "…").split("…")
    if any(not p.strip() for p in parts):
        return f"語「{term}」の「…」の前後が空です"
    if any(not a.strip() for p in parts for a in p.split("|")):
        return f"語「{term}」の「|」の前後が空です"
    return ""


def _terms(file: str, entry: str, field: str, value: Any) -> list[CorpusProblem]:
    if value is None:
        return []
    if not isinstance(value, list):
        return [CorpusProblem(file=file, entry=entry, message=f"{field}: 語の一覧（リスト）で書いてください")]
    out = []
    for n, term in enumerate(value):
        why = term_problem(term)
        if why:
            out.append(CorpusProblem(file=file, entry=entry, message=f"{field}[{n}]: {why}"))
    return out


def check_plan_terms(path: Path, measure_ids: Iterable[str] = ()) -> list[CorpusProblem]:
    """Problems of plan_terms.yaml: shapes (``vocab_schema``), term syntax, regular expressions, measure ids."""
    file = path.name
    data, problems = load_yaml(path)
    if problems:
        return [CorpusProblem(file=file, message=f"YAML として読めません: {problems[0].message}")]
    if not isinstance(data, dict):
        return [CorpusProblem(file=file, message="最上位はキーと値の対応（マッピング）で書いてください")]
    out = [CorpusProblem(file=file, entry=entry, message=message) for entry, message in vocab_problems(data)]
    flagged = {p.entry.split(".")[0] for p in out}  # a key whose shape is wrong is reported once, by the schema
    for key in ("markers", "needs", "weak_need_terms", "applicants"):
        table = data.get(key)
        if isinstance(table, Mapping) and key not in flagged:
            for name, words in table.items():
                out += _terms(file, f"{key}.{name}", "語", words)
    signatures = data.get("measure_signatures")
    if isinstance(signatures, Mapping) and "measure_signatures" not in flagged:
        for mid, words in signatures.items():
            out += _terms(file, f"measure_signatures.{mid}", "語", words)
    for key in ("actor_roles", "metrics"):
        if key not in flagged:
            out += _terms(file, key, "語", data.get(key))
    for key in ("figures", "scopes"):
        table = data.get(key)
        if isinstance(table, Mapping):
            for name, spec in table.items():
                if isinstance(spec, Mapping):
                    out += _terms(file, f"{key}.{name}", "terms", spec.get("terms"))
                else:
                    out.append(CorpusProblem(file=file, entry=f"{key}.{name}", message="label・terms を持つ対応で書いてください"))
    for n, pattern in enumerate(data.get("actor_patterns") or []):
        try:
            re.compile(str(pattern))
        except re.error as exc:
            out.append(CorpusProblem(file=file, entry="actor_patterns", message=f"[{n}]: 正規表現として読めません（{exc}）"))
    known = set(measure_ids)
    if known:
        for key in ("match_focus", "measure_limits", "scopes", "measure_signatures"):
            table = data.get(key)
            if isinstance(table, Mapping):
                out += [
                    CorpusProblem(file=file, entry=f"{key}.{mid}", message="support_measures.yaml にない施策 id です")
                    for mid in table if mid not in known
                ]
    return out


def _group_problems(file: str, entry: str, groups: Any) -> list[CorpusProblem]:
    if not isinstance(groups, list):
        return [CorpusProblem(file=file, entry=entry, message="signals.groups: グループの一覧（リスト）で書いてください")]
    out: list[CorpusProblem] = []
    names = [g.get("name") for g in groups if isinstance(g, Mapping)]
    for n, group in enumerate(groups):
        where = f"signals.groups[{n}]"
        if not isinstance(group, Mapping):
            out.append(CorpusProblem(file=file, entry=entry, message=f"{where}: name・terms を持つ対応で書いてください"))
            continue
        where += f"（{group.get('name', '?')}）"
        for key in sorted(set(group) - GROUP_KEYS):
            out.append(CorpusProblem(file=file, entry=entry, message=f"{where}: 知らないキー「{key}」です（使えるキー: {'・'.join(sorted(GROUP_KEYS))}）"))
        if not str(group.get("name") or "").strip():
            out.append(CorpusProblem(file=file, entry=entry, message=f"{where}.name: 観点の名前がありません"))
        elif names.count(group.get("name")) > 1:
            out.append(CorpusProblem(file=file, entry=entry, message=f"{where}.name: 同じ名前のグループが複数あります"))
        if not group.get("terms"):
            out.append(CorpusProblem(file=file, entry=entry, message=f"{where}.terms: はっきり示す語が 1 つもありません"))
        for key in _TERM_LISTS:
            out += _terms(file, entry, f"{where}.{key}", group.get(key))
        for key in _BOOLS:
            if key in group and not isinstance(group[key], bool):
                out.append(CorpusProblem(file=file, entry=entry, message=f"{where}.{key}: true か false で書いてください"))
        if "number" in group and group["number"] not in NUMBER_KINDS:
            out.append(CorpusProblem(file=file, entry=entry, message=f"{where}.number: {' / '.join(NUMBER_KINDS)} のいずれかで書いてください（「{group['number']}」）"))
        companions = group.get("with_group")
        for other in companions if isinstance(companions, list) else [] if companions is None else [companions]:
            if other not in names or other == group.get("name"):
                out.append(CorpusProblem(file=file, entry=entry, message=f"{where}.with_group: 同じ要件にほかのグループ「{other}」がありません"))
    return out


def _signal_problems(file: str, entry: str, signals: Any) -> list[CorpusProblem]:
    if signals is None:
        return []
    if not isinstance(signals, Mapping):
        return [CorpusProblem(file=file, entry=entry, message="signals: キーと値の対応で書いてください")]
    out = [
        CorpusProblem(file=file, entry=entry, message=f"signals: 知らないキー「{key}」です（使えるキー: {'・'.join(sorted(SIGNAL_KEYS))}）")
        for key in sorted(set(signals) - SIGNAL_KEYS)
    ]
    groups = signals.get("groups") or []
    out += _group_problems(file, entry, groups)
    for key in _SIGNAL_TERM_LISTS:
        out += _terms(file, entry, f"signals.{key}", signals.get(key))
    for key in ("need_number", "need_actor", "unquantified_caps"):
        if key in signals and not isinstance(signals[key], bool):
            out.append(CorpusProblem(file=file, entry=entry, message=f"signals.{key}: true か false で書いてください"))
    if "number" in signals and signals["number"] not in NUMBER_KINDS:
        out.append(CorpusProblem(file=file, entry=entry, message=f"signals.number: {' / '.join(NUMBER_KINDS)} のいずれかで書いてください"))
    enough = signals.get("enough_groups")
    if enough is not None and (not isinstance(enough, int) or isinstance(enough, bool) or not 0 <= enough <= len(groups or [])):
        out.append(CorpusProblem(file=file, entry=entry, message=f"signals.enough_groups: 0〜グループの数（{len(groups or [])}）の整数で書いてください"))
    if signals.get("applies_when") and not str(signals.get("not_applicable_reason") or "").strip():
        out.append(CorpusProblem(file=file, entry=entry, message="signals.not_applicable_reason: applies_when があるときは対象外の理由を書いてください"))
    return out


def check_requirement_signals(path: Path) -> list[CorpusProblem]:
    """Problems of the ``signals`` (and ``cues``) of requirements.yaml, located by plan type and requirement label."""
    file = path.name
    data, problems = load_yaml(path)
    if problems or not isinstance(data, dict):
        return []  # the catalog validator already reports an unreadable file
    out: list[CorpusProblem] = []
    for ptype in data.get("plan_types") or []:
        if not isinstance(ptype, Mapping):
            continue
        pid = ptype.get("id", "?")
        out += _terms(file, f"{pid}", "cues", ptype.get("cues"))
        out += _terms(file, f"{pid}", "aliases", ptype.get("aliases"))
        for key in ("requirements", "content_items"):
            for item in ptype.get(key) or []:
                if isinstance(item, Mapping):
                    out += _signal_problems(file, f"{pid} > {item.get('label', '?')}", item.get("signals"))
    return out


def plan_vocab_problems(corpus_dir: Path, measure_ids: Sequence[str] = ()) -> list[CorpusProblem]:
    """Every problem of the plan vocabulary in ``corpus_dir`` (a file that is not there is not checked)."""
    out: list[CorpusProblem] = []
    if (corpus_dir / TERMS_FILE).is_file():
        out += check_plan_terms(corpus_dir / TERMS_FILE, measure_ids)
    if (corpus_dir / REQUIREMENTS_FILE).is_file():
        out += check_requirement_signals(corpus_dir / REQUIREMENTS_FILE)
    return out
