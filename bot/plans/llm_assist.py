"""LLM assistance for plan analysis: the model may phrase, the rules decide.

Contract of ``assist_precheck_item(llm, item, plan_text) -> item`` (for ``bot/plans/precheck.py``):

- ``item`` is one checked requirement: a pydantic model, a dataclass or a dict with at least
  ``label: str``, ``status: str`` (``met`` | ``partial`` | ``missing``; anything else, e.g.
  ``not_applicable``, is returned untouched without calling the LLM), ``evidence: list[str] | str``
  (quotes from the plan) and ``suggestion: str``. Optional: ``rule`` / ``requirement`` / ``text``
  (the requirement as the policy states it) and ``plan_type``.
- The LLM (prompts/precheck_assist.md) proposes ``{"status", "evidence": [...], "suggestion"}``.
- A quoted evidence is kept only if it is found verbatim in the plan after
  ``retrieval.normalize.compact`` on both sides (whitespace and full/half width do not matter).
- The status is ``met`` only if at least one quoted evidence was kept; an LLM ``met`` without one
  is downgraded to ``partial``. ``partial`` and ``missing`` are taken as proposed.
- The suggestion is the LLM's wording when it gave one (≤ 300 characters), else the item's own.
- Any LLM failure (HTTP error, timeout, no JSON, unknown status) returns the item unchanged.
- A new item of the same type is returned; the input is never modified.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from collections.abc import Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel

from bot.answering.compose_llm import fence_safe
from bot.answering.guard import looks_like_injection
from bot.answering.llm import complete, failure_reason
from bot.answering.prompts import chat_prompt
from bot.answering.verify import LeakDetector
from retrieval.normalize import compact

log = logging.getLogger("madoguchi.llm")
STATUSES = ("met", "partial", "missing")
MAX_PLAN_CHARS = 12000
MAX_SUGGESTION_CHARS = 300
MAX_REASON_CHARS = 400
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _get(item: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        if isinstance(item, dict) and name in item:
            return item[name]
        if not isinstance(item, dict) and hasattr(item, name):
            return getattr(item, name)
    return default


def _replace(item: Any, **changes: Any) -> Any:
    if isinstance(item, dict):
        return {**item, **changes}
    if hasattr(item, "model_copy"):
        return item.model_copy(update=changes)
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return dataclasses.replace(item, **changes)
    raise TypeError(f"cannot update a {type(item).__name__} item (use a pydantic model, dataclass or dict)")


def _as_list(evidence: Any) -> list[str]:
    if not evidence:
        return []
    if isinstance(evidence, str):
        return [evidence]
    return [str(e) for e in evidence]


def parse_json_object(text: str) -> dict[str, Any] | None:
    """The first JSON object in a model reply (code fences and chatter around it are ignored)."""
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        return None
    try:
        value = json.loads(text[start : end + 1])
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def verbatim_quotes(quotes: Sequence[str], plan_text: str) -> list[str]:
    """The quotes found word for word in the plan (compared after ``compact``)."""
    plan = compact(plan_text)
    return [q for q in quotes if compact(q) and compact(q) in plan]


def apply_precheck_proposal(item: Any, proposal: dict[str, Any], plan_text: str) -> Any:
    """Apply an LLM proposal under the rule: ``met`` needs verbatim evidence, else it becomes ``partial``."""
    status = str(proposal.get("status", "")).strip().lower()
    if status not in STATUSES:
        return item
    quotes = proposal.get("evidence") or []
    quotes = [quotes] if isinstance(quotes, str) else [q for q in quotes if isinstance(q, str)]
    kept = verbatim_quotes(quotes, plan_text)
    if status == "met" and not kept:
        status = "partial"
    changes: dict[str, Any] = {"status": status}
    if kept:
        old = _get(item, "evidence")
        changes["evidence"] = "\n".join(kept) if isinstance(old, str) else kept
    suggestion = str(proposal.get("suggestion") or "").strip()
    if suggestion and len(suggestion) <= MAX_SUGGESTION_CHARS:
        changes["suggestion"] = suggestion
    return _replace(item, **changes)


def assist_precheck_item(llm: BaseChatModel, item: Any, plan_text: str) -> Any:
    """Let the LLM re-read one requirement of a plan; the verbatim-evidence rule decides the status."""
    status = str(_get(item, "status", default=""))
    if status not in STATUSES:
        return item
    prompt = chat_prompt("precheck_assist")
    evidence = _as_list(_get(item, "evidence"))
    try:
        msgs = prompt.messages(
            plan_type=fence_safe(str(_get(item, "plan_type", "plan_type_name", default="") or "（不明）")),
            label=fence_safe(str(_get(item, "label", default=""))),
            rule=fence_safe(str(_get(item, "rule", "requirement", "text", default="") or "（記載なし）")),
            status=status,
            evidence=fence_safe("\n".join(f"- {e}" for e in evidence) or "（なし）"),
            plan=fence_safe(plan_text[:MAX_PLAN_CHARS]),
        )
        text, _usage = complete(llm, msgs)
    except Exception as exc:  # the rule-based item stands
        log.warning("precheck assist failed: %s", failure_reason(exc))
        return item
    proposal = parse_json_object(text)
    if proposal is None:
        log.warning("precheck assist: no JSON object in the reply")
        return item
    if LeakDetector(prompt.system_text, allowed=plan_text).found(str(proposal.get("suggestion") or "")):
        proposal.pop("suggestion", None)
    return apply_precheck_proposal(item, proposal, plan_text)


def assist_match_reason(
    llm: BaseChatModel, measure: str, facts: str, reasons: Sequence[str], plan_text: str
) -> str | None:
    """A fluent reason why a measure fits a plan, or None; numbers must come from the facts or the plan."""
    prompt = chat_prompt("match_assist")
    try:
        msgs = prompt.messages(
            measure=fence_safe(measure),
            facts=fence_safe(facts),
            reasons=fence_safe("\n".join(f"- {r}" for r in reasons) or "（なし）"),
            plan=fence_safe(plan_text[:MAX_PLAN_CHARS]),
        )
        text, _usage = complete(llm, msgs)
    except Exception as exc:
        log.warning("match assist failed: %s", failure_reason(exc))
        return None
    reason = " ".join(text.split())
    allowed = compact(facts + plan_text)
    if not reason or len(reason) > MAX_REASON_CHARS or looks_like_injection(reason):
        return None
    if LeakDetector(prompt.system_text, allowed=facts + plan_text).found(reason):
        return None
    if any(n not in allowed for n in _NUMBER.findall(compact(reason))):
        return None
    return reason
