"""The dense fallback of the pre-check: a plan sentence close in meaning to a requirement's text when no term overlaps.

The verdict it supports is never more than partial and always says so (「一部不足 — 類似度による判定」): a consultant
should read the sentence against the policy's rule. Sentences that deny, defer, wish or hedge are not candidates —
「関係省庁への予算の相談は、計画が採択された後に行う予定」 is close to the rule in meaning and says the opposite.
The threshold and the shortest sentence are data (``plan_terms.yaml`` ``similarity``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.plans.ports import Embed
from bot.plans.tense import clause_is_current
from bot.plans.terms import Sentence, compile_term, norm

# markers.* whose presence makes a sentence no evidence that something is there
_NOT_EVIDENCE = ("negation", "denial", "deferral", "future", "wish", "vague")


@dataclass
class Nearest:
    """The plan's sentences, embedded once per plan on first use, compared with requirement texts."""

    sentences: Sequence[Sentence]
    embed: Embed
    markers: Mapping[str, Sequence[str]]
    threshold: float = 0.55
    min_chars: int = 12
    _candidates: list[Sentence] | None = field(default=None, init=False)
    _vectors: Any = field(default=None, init=False)

    def _ready(self) -> list[Sentence]:
        if self._candidates is None:
            cues = [compile_term(m) for key in _NOT_EVIDENCE for m in self.markers.get(key, [])]
            self._candidates = [
                s for s in self.sentences
                if len(s.text) >= self.min_chars
                and not any(c.search(norm(s.text)) for c in cues)
                and not clause_is_current(s, len(norm(s.context)), self.markers)
            ]
            self._vectors = self.embed([s.text for s in self._candidates]) if self._candidates else None
        return self._candidates

    def closest(self, rule: str) -> tuple[Sentence, float] | None:
        """The candidate sentence most similar to ``rule`` when the similarity reaches the threshold, else None."""
        candidates = self._ready()
        if not candidates or self._vectors is None:
            return None
        scores = self._vectors @ self.embed([rule])[0]
        best = int(scores.argmax())
        score = float(scores[best])
        return (candidates[best], score) if score >= self.threshold else None


def nearest_for(sentences: Sequence[Sentence], embed: Embed | None, vocab: Mapping[str, Any]) -> Nearest | None:
    """A ``Nearest`` over the plan's sentences with the vocabulary's settings, or None without an embedder."""
    if embed is None:
        return None
    settings = vocab.get("similarity", {}) or {}
    return Nearest(
        sentences, embed, vocab.get("markers", {}),
        threshold=float(settings.get("threshold", 0.55)), min_chars=int(settings.get("min_chars", 12)),
    )
