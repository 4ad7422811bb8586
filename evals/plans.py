"""Reading match and pre-check results (objects of bot.plans.match / bot.plans.precheck, or their JSON forms)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any

from evals.metrics import MeasureRef

_LIST_KEYS_MATCH = ("results", "measures", "matches", "ranked", "items", "suggestions")
_LIST_KEYS_PRECHECK = ("items", "requirements", "results", "checks", "statuses")
_JSON_METHODS = ("to_json", "json_dict", "as_json", "public", "to_dict", "model_dump")


def _get(obj: Any, key: str) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(key)
    return getattr(obj, key, None)


def _as_list(result: Any, keys: Sequence[str]) -> list[Any]:
    """The ranked list inside a result: the first list attribute/key of ``keys`` (or the result itself)."""
    if isinstance(result, list | tuple):
        return list(result)
    for key in keys:
        value = _get(result, key)
        if callable(value) and not isinstance(value, Mapping):
            continue
        if isinstance(value, list | tuple):
            return list(value)
    for method in _JSON_METHODS:  # an object whose JSON form holds the list
        func = getattr(result, method, None)
        if callable(func) and not isinstance(result, Mapping):
            try:
                data = func()
            except TypeError:
                continue
            if isinstance(data, str | bytes):
                data = json.loads(data)
            if isinstance(data, Mapping | list):
                return _as_list(data, keys)
    raise ValueError(f"結果の中に一覧が見つかりません（{type(result).__name__}; 期待するキー: {', '.join(keys)}）")


def _text(value: Any) -> str:
    if isinstance(value, Enum):
        value = value.value
    return "" if value is None else str(value)


def _measure_ref(item: Any, by_id: Mapping[str, Any], by_name: Mapping[str, Any]) -> MeasureRef:
    measure = _get(item, "measure")
    source = measure if measure is not None and not isinstance(measure, str) else item
    ident = _text(_get(source, "id") or _get(item, "measure_id") or _get(item, "id"))
    name = _text(_get(source, "name") or _get(item, "name") or _get(item, "title") or (measure if isinstance(measure, str) else ""))
    aliases = _get(source, "aliases") or _get(item, "aliases")
    catalog = by_id.get(ident) or by_name.get(name)
    if catalog is not None:  # fill what a JSON form may leave out from the catalog entry
        ident = ident or _text(_get(catalog, "id"))
        name = name or _text(_get(catalog, "name"))
        if not aliases:
            aliases = _get(catalog, "aliases")
    return MeasureRef(id=ident, name=name, aliases=tuple(_text(a) for a in (aliases or ())))


def measures_of(result: Any, catalog: Sequence[Any] = ()) -> list[MeasureRef]:
    """The ranked measures of a match result (object or JSON), aliases filled from the catalog when missing."""
    by_id = {str(_get(m, "id")): m for m in catalog}
    by_name = {str(_get(m, "name")): m for m in catalog}
    return [_measure_ref(item, by_id, by_name) for item in _as_list(result, _LIST_KEYS_MATCH)]


def statuses_of(report: Any) -> dict[str, str]:
    """Requirement label → status (met / partial / missing / not_applicable) of a pre-check report.

    A requirement (要件) wins over a content item (記載項目) of the same label.
    """
    out: dict[str, str] = {}
    from_requirement: set[str] = set()
    for item in _as_list(report, _LIST_KEYS_PRECHECK):
        requirement = _get(item, "requirement")
        label = _text(_get(item, "label") or (_get(requirement, "label") if requirement is not None else None))
        status = _text(_get(item, "status")).lower()
        is_requirement = _text(_get(item, "kind") or "requirement") == "requirement"
        if not label or label in from_requirement or (label in out and not is_requirement):
            continue
        out[label] = status
        if is_requirement:
            from_requirement.add(label)
    return out


def evidence_of(report: Any) -> dict[str, str]:
    """Requirement label → the plan words quoted as evidence (joined), for ``evidence_must`` checks."""
    out: dict[str, str] = {}
    for item in _as_list(report, _LIST_KEYS_PRECHECK):
        requirement = _get(item, "requirement")
        label = _text(_get(item, "label") or (_get(requirement, "label") if requirement is not None else None))
        evidence = _get(item, "evidence")
        quotes = [evidence] if isinstance(evidence, str) else list(evidence or [])
        if label and label not in out:
            out[label] = "\n".join(str(_get(q, "quote") or q) if not isinstance(q, str) else q for q in quotes)
    return out
