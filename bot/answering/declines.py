"""The wording of a decline: a question that names nothing of the desk's domain is told what the desk covers."""

from __future__ import annotations

from bot.answering.answer import Answer
from retrieval.scope_rules import ScopeRules

# declines for lack of evidence (the coverage gate, an unread foreign question): their standard text sends the
# asker to business windows, which is wrong for 「おすすめのランチは？」
_NO_EVIDENCE = frozenset({"no_evidence", "unread_focus"})


def unrelated_decline(answer: Answer, question: str, rules: ScopeRules) -> Answer:
    """The answer, with ``scope_rules.yaml``'s ``unrelated`` reply when it declines an out-of-domain question."""
    unrelated = rules.unrelated
    if not answer.refused or answer.meta.get("reason") not in _NO_EVIDENCE or unrelated is None:
        return answer
    if not unrelated.applies(question):
        return answer
    return answer.model_copy(update={"text": unrelated.reply, "meta": {**answer.meta, "reason": "unrelated"}})
