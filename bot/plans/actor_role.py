"""Who carries a plan: a named organisation with the core role or a role verb (``need_actor`` requirements)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.plans.aspects import AspectResult
from bot.plans.tense import refused
from bot.plans.terms import Sentence, actors, find_terms


def who(evidence: Sequence[Sentence], vocab: Mapping[str, Any]) -> str:
    """The named organisations of the evidence, joined for a reason line."""
    patterns, rules = vocab.get("actor_patterns", []), vocab.get("actor_names")
    return "』『".join(dict.fromkeys(a for s in evidence for a in actors(s, patterns, rules)))


def actor_check(
    results: Sequence[AspectResult], sentences: Sequence[Sentence], vocab: Mapping[str, Any], lacking: list[str], evidence: list[Sentence]
) -> tuple[list[str], list[Sentence], bool]:
    """A named organisation must carry the role: a core word or a role verb in any inflection (``actor_roles``).

    Returns the reasons still lacking, the evidence and whether the role rests on the role verbs alone.
    """
    patterns, names = vocab.get("actor_patterns", []), vocab.get("actor_names")
    roles = list(vocab.get("actor_roles", []))
    markers = vocab.get("markers", {})

    def named(s: Sentence) -> bool:
        return bool(actors(s, patterns, names))

    named_hits = [s for r in results for s in r.sentences if named(s)]
    acting = [s for s in sentences if named(s) and [h for h in find_terms(s, roles) if not refused(s, h, markers)]]
    declined_role = any(r.negated for r in results)  # 「運営する事業者は今後公募する」: the core actor is still to be found
    if any(r.level for r in results):
        if named_hits:
            if not any(named(s) for s in evidence):
                evidence = [*evidence, named_hits[0]]
        elif acting:
            evidence = [*evidence, acting[0]]
        else:
            lacking = [*lacking, "具体的な企業・団体の名前がありません"]
        return lacking, evidence, False
    if declined_role:
        return [*lacking, "具体的な企業・団体の名前がありません"], evidence, False
    if acting:  # 「株式会社X（従業員28名）が中心になり…を作り…に売ります」: a named firm doing the work
        return [], acting[:2], True
    plain = [s for s in sentences if named(s)][:2]
    if plain:
        return [f"『{actors(plain[0], patterns, names)[0]}』の名前はありますが、推進の核となる役割が書かれていません"], plain, True
    return [*lacking, "具体的な企業・団体の名前がありません"], evidence, False
