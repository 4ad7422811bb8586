"""Pre-check of a draft plan against its plan type's requirements (要件) and content items (記載項目)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from bot.answering.answer import new_answer_id
from bot.plans.degree import Degree, degrees_from_plan
from bot.plans.labels import ICONS
from bot.plans.plan import Plan, as_plan
from bot.plans.plan_type import PlanTypeGuess, choose_plan_type
from bot.plans.tense import clause_is_current, dated_target, plan_hits, refused, remedied, topic_not_yet
from bot.plans.terms import (
    Sentence,
    actors,
    attached_quantities,
    find_terms,
    marked,
    metric_figures,
    norm,
    quantities,
    split_sentences,
    surface,
)
from retrieval.errors import Code, DeskError
from retrieval.schema import Requirement

if TYPE_CHECKING:
    from retrieval.corpus import Corpus

STATUSES = ("met", "partial", "missing", "not_applicable")
MAX_EVIDENCE = 5


@dataclass
class CheckItem:
    """The verdict on one requirement or content item, with the plan's words and the policy's rule."""

    label: str
    kind: str  # "requirement" | "content_item"
    status: str
    evidence: list[str]
    rule: str
    section: str
    suggestion: str
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        """The item as in ``precheck --format json``."""
        return {
            "label": self.label,
            "kind": self.kind,
            "status": self.status,
            "evidence": list(self.evidence),
            "rule": self.rule,
            "section": self.section,
            "suggestion": self.suggestion,
            "reason": self.reason,
        }


@dataclass
class PrecheckReport:
    """A plan's checklist: its type and confidence, one item per requirement and content item, degrees."""

    plan_type: str
    plan_type_name: str
    confidence: float
    low_confidence: bool
    items: list[CheckItem]
    guess: PlanTypeGuess
    title: str = ""
    source_name: str = ""
    degrees: list[Degree] = field(default_factory=list)
    answer_id: str = field(default_factory=new_answer_id)
    choices: list[dict[str, Any]] = field(default_factory=list)  # the types to choose from when the guess is weak

    def counts(self, kind: str = "requirement") -> dict[str, int]:
        """How many items of a kind have each status."""
        out = dict.fromkeys(STATUSES, 0)
        for item in self.items:
            if item.kind == kind:
                out[item.status] += 1
        return out

    def summary(self) -> str:
        """One line: 「要件 8 件中: ✅ 3 ⚠️ 2 ❌ 2 ➖ 1」 (and the content items after ／)."""
        parts = []
        for kind, name in (("requirement", "要件"), ("content_item", "記載項目")):
            c = self.counts(kind)
            total = sum(c.values())
            if total:
                parts.append(f"{name} {total} 件中: " + " ".join(f"{ICONS[s]} {c[s]}" for s in STATUSES))
        return " ／ ".join(parts)

    def type_note(self) -> str:
        """How the plan type was chosen, in Japanese."""
        return self.guess.note({self.plan_type: self.plan_type_name})

    def to_json(self) -> dict[str, Any]:
        """``{"plan_type", "confidence", "items", "degrees"?, "answer_id", "low_confidence", …}``."""
        data: dict[str, Any] = {
            "answer_id": self.answer_id,
            "plan_type": self.plan_type,
            "plan_type_name": self.plan_type_name,
            "confidence": self.confidence,
            "low_confidence": self.low_confidence,
            "plan_type_overridden": self.guess.overridden,
            "plan_type_note": self.type_note(),
            "plan_type_choices": list(self.choices),
            "title": self.title,
            "summary": self.summary(),
            "items": [item.to_json() for item in self.items],
        }
        if self.degrees:
            data["degrees"] = [d.to_json() for d in self.degrees]
        return data



@dataclass
class _GroupResult:
    name: str
    level: int  # 2 = clearly stated, 1 = vague / without the number, 0 = not found
    sentences: list[Sentence]
    negated: list[Sentence]
    number_missing: bool = False
    also: list[Sentence] = field(default_factory=list)  # more sentences with other clear words of the group


def _extra(model: Any, key: str, default: Any) -> Any:
    extra = getattr(model, "model_extra", None) or {}
    return extra.get(key, default)


def _group(
    group: Any,
    sentences: Sequence[Sentence],
    markers: Mapping[str, list[str]],
    need_number: bool,
    kind: str,
    companion: Sequence[str] = (),
    rivals: Sequence[str] = (),
    near: int = 12,
) -> _GroupResult:
    """How clearly one aspect is stated: 2 clear, 1 vague / weak / without its number, 0 absent."""
    strong = list(group.terms)
    weak = list(_extra(group, "weak_terms", []))
    negation = list(markers.get("negation", []))
    if _extra(group, "done", False):  # the aspect must already be under way: 「採択後に協議する」「意見交換を始めたい」 do not count
        negation += [*markers.get("deferral", []), *markers.get("wish", [])]
    vague, wish, reported = markers.get("vague", []), markers.get("wish", []), markers.get("reported", [])
    dated = bool(_extra(group, "dated_target", False))
    if dated and topic_not_yet(strong, sentences, markers, near):
        dated = False  # 「KPI：今後…設定する」: the plan says its KPIs are not set, whatever dated figures it gives elsewhere
    best, number_missing = 0, False
    chosen: list[tuple[bool, int, Sentence]] = []
    words_of: dict[int, set[str]] = {}  # the group's words found in each sentence
    negated: list[Sentence] = []
    previous: Sentence | None = None
    for sentence in sentences:
        level, distinct = 0, 0
        before, previous = previous, sentence
        if companion and not find_terms(sentence, companion) and not _continues(sentence, before, companion, markers):
            continue
        others = find_terms(sentence, rivals) if need_number and rivals else []
        current = False
        for terms, base in ((strong, 2), (weak, 1)):
            # weak words are read as written: in dictionary form they would find too much (立地する ← 立地しており)
            for hit in find_terms(sentence, terms, lemmas=base == 2):
                current = current or clause_is_current(sentence, hit.start, markers)
                distinct += 1
                if marked(sentence, hit, negation):
                    if sentence not in negated:
                        negated.append(sentence)
                    continue
                # A wish or a hedge weakens a clear term to a mention; a wished-for mention is no mention at all.
                if marked(sentence, hit, wish, reported):
                    value = base - 1
                else:
                    value = 1 if base == 2 and marked(sentence, hit, vague, reported) else base
                if need_number and value == 2 and not attached_quantities(sentence, hit, kind, others):
                    value, number_missing = 1, True
                level = max(level, value)
                if value == 2:
                    words_of.setdefault(sentence.index, set()).add(hit.term)
        if level < 2 and dated and dated_target(sentence, markers):
            level = 2  # 「令和11年度に年5万人（現状2万人）」: a dated numeric target is a KPI (quoted after the group's own words)
        if level > best:
            best, chosen = level, [(current, distinct, sentence)]
        elif level == best and level > 0:
            chosen.append((current, distinct, sentence))
    if best == 2:
        number_missing = False
    # the plan's own sentences first, then those about today's situation; the title line last (a body sentence says more)
    ranked = [s for _, _, s in sorted(chosen, key=lambda c: (c[2].index == 0, c[0], -c[1], c[2].index))]
    return _GroupResult(group.name, best, ranked, negated, number_missing, _distinct_words(ranked, words_of) if best == 2 else [])


def _continues(sentence: Sentence, before: Sentence | None, companion: Sequence[str], markers: Mapping[str, list[str]]) -> bool:
    """True when the sentence goes on about the one before it (「これは県内平均の1.6倍」) and that one has the companion words."""
    if before is None or before.block != sentence.block:
        return False
    body = sentence.norm[len(norm(sentence.context)) :].lstrip("・-*　 ")
    return any(body.startswith(norm(a)) for a in markers.get("anaphora", [])) and bool(find_terms(before, companion))


def _distinct_words(ranked: Sequence[Sentence], words_of: Mapping[int, set[str]]) -> list[Sentence]:
    """Later sentences that clearly state words of the group the first one does not (「手取りを1.5倍」 beside 「15人を雇い」)."""
    if not ranked:
        return []
    seen = set(words_of.get(ranked[0].index, set()))
    more: list[Sentence] = []
    for s in ranked[1:]:
        new = words_of.get(s.index, set()) - seen
        if new and not any(w in t or t in w for w in new for t in seen):
            more.append(s)
            seen |= new
    return more


def _quote(sentences: Sequence[Sentence]) -> list[str]:
    """The first ``MAX_EVIDENCE`` distinct sentences (in order of importance), shown in the plan's order."""
    kept: list[Sentence] = []
    for s in dict.fromkeys(sentences):
        if len(kept) < MAX_EVIDENCE and all(k.text != s.text for k in kept):
            kept.append(s)
    return [s.text for s in sorted(kept, key=lambda s: s.index)]


def evaluate(item: Requirement, kind: str, sentences: Sequence[Sentence], vocab: Mapping[str, Any]) -> CheckItem:
    """Judge one requirement or content item from its signals (data in requirements.yaml)."""
    sig = item.signals
    markers: Mapping[str, list[str]] = vocab.get("markers", {})
    base = {"label": item.label, "kind": kind, "rule": item.text, "section": item.section}
    if sig.applies_when:
        applies: list[Sentence] = []
        declined: list[Sentence] = []
        for s in sentences:
            for hit in find_terms(s, sig.applies_when):
                (declined if marked(s, hit, markers.get("negation", [])) else applies).append(s)
        if not applies:
            reason = sig.not_applicable_reason or "この計画には当てはまらない要件です。"
            return CheckItem(status="not_applicable", evidence=_quote(declined), suggestion="", reason=reason, **base)
    # A negative signal counts only when the plan itself proposes it — not today's situation, not what it refuses.
    proposed = {s.index: plan_hits(s, find_terms(s, sig.negative_terms), markers) for s in sentences}
    negatives = [s for s in sentences if proposed[s.index]]
    # 「全量を海外から調達」 is the whole of a part; only a dependence kept for part of the chain can be offset elsewhere
    whole = markers.get("whole", [])
    partly = bool(negatives) and not any(find_terms(s, whole) for s in negatives) and _remedy_elsewhere(sig, sentences, markers)
    if negatives and not partly:
        words = "』『".join(dict.fromkeys(surface(s, h) for s in negatives for h in proposed[s.index]))
        reason = _extra(sig, "negative_reason", "") or "計画の記載が要件に反しています。"
        return CheckItem(
            status="missing", evidence=_quote(negatives), suggestion=sig.suggestion, reason=f"計画に『{words}』とあります: {reason}", **base
        )
    default_kind = str(_extra(sig, "number", "any"))
    # 「国内で初めて…の場合には、先進性の高い技術を」: an optional group is quoted when the plan states it, never lacking
    groups = [g for g in sig.groups if not _extra(g, "optional", False)]
    extras = [g for g in sig.groups if _extra(g, "optional", False)]
    group_flags = any(_extra(g, "need_number", False) for g in groups)
    terms_of = {g.name: [*g.terms, *_extra(g, "weak_terms", [])] for g in groups}
    # Targets that each need their own number (域内取引額・売上額・雇用): a number belongs to the nearest one.
    targets = {g.name: list(g.terms) for g in groups if _extra(g, "need_number", False)}
    results = [
        _group(
            g, sentences, markers, bool(_extra(g, "need_number", False)), str(_extra(g, "number", default_kind)),
            terms_of.get(str(_extra(g, "with_group", "")), []),
            [t for name, terms in targets.items() if name != g.name for t in terms],
            int(vocab.get("not_yet_window", 12)),
        )
        for g in groups
    ]
    evidence = [s for r in results for s in r.sentences[:1]]
    stated_extras = [(g.name, _group(g, sentences, markers, False, default_kind)) for g in extras]
    shown_too = [s for _, r in stated_extras for s in r.sentences[:1] if r.level == 2]
    also_note = "".join(f"（『{name}』の記載もあります）" for name, r in stated_extras if r.level == 2)
    lacking: list[str] = []
    ok = [r.name for r in results if r.level == 2]
    # 「域内取引額、売上額、雇用・賃上げ等」: examples of one effect — enough of them, clearly stated, meet the rule.
    enough = int(_extra(sig, "enough_groups", 0) or 0)
    spared = enough > 0 and len(ok) >= enough
    for r in results:
        if spared and r.level < 2:
            continue
        if r.level == 0:
            lacking.append(f"『{r.name}』の記載が見当たりません")
        elif r.level == 1:
            lacking.append(f"『{r.name}』は{'数値がありません' if r.number_missing else '具体性が足りません'}")
    cores_missing = [r.name for r, g in zip(results, groups, strict=True) if _extra(g, "core", False) and r.level == 0]
    if sig.need_number and not group_flags and results:
        kind_needed = default_kind
        if not any(quantities(s, kind_needed) for s in evidence):
            # 「KPIは付加価値額、域内取引額、雇用者数とする」: the numbers may stand in earlier sentences of the section.
            stated = metric_figures(evidence, sentences, vocab.get("metrics", []), kind_needed)
            if stated:
                evidence += stated
            elif any(r.level for r in results):
                lacking.append("目標などの数値が記載されていません")
    actor_only = False
    if sig.need_actor:
        lacking, evidence, actor_only = _actor_check(results, sentences, vocab, lacking, evidence)
    # A caution (today's partial dependence) stands unless the same sentence decides the remedy.
    cautions = [s for s in sentences if find_terms(s, _extra(sig, "caution_terms", [])) and not remedied(s, markers)]
    kept = list(negatives) if partly else []  # a dependence the plan keeps for one part while it localises another
    decided = [
        s for r, g in zip(results, groups, strict=True) if _extra(g, "core", False) and r.level == 2
        for s in r.sentences if remedied(s, markers) and quantities(s)
    ]
    if decided:  # the plan decides the remedy elsewhere, with a figure (「令和11年度に県内調達比率を80%とする」)
        # … unless the plan says the dependence stays (「当面この状況は変わらない見込み」, markers.persist)
        cautions = [s for s in cautions if find_terms(s, markers.get("persist", []))]
    for r in results:
        if r.level == 0 and r.negated:
            lacking[lacking.index(f"『{r.name}』の記載が見当たりません")] = f"『{r.name}』は計画自身が未定・未実施としています"
            evidence += r.negated[:1]
    if cautions:
        lacking.append(_extra(sig, "caution_reason", "") or "要件を弱める記載があります")
        evidence += cautions[:2]
    if kept:
        words = "』『".join(dict.fromkeys(surface(s, h) for s in kept for h in proposed[s.index]))
        lacking.append(f"計画に『{words}』とあり、その部分は域外・特定の者への依存が続きます")
        evidence += kept[:2]
    # 「雇用の質に関する目標は今後協議のうえ設定する」「金融機関の参加は未定」: a part the plan itself leaves for later is
    # not yet there, whatever other sentences say about it — the requirement is at most partial.
    near = int(vocab.get("not_yet_window", 12))
    not_yet = [
        r for r, g in zip(results, groups, strict=True)
        if r.level > 0 and ((r.negated and _extra(g, "core", False)) or topic_not_yet([*g.terms, *_extra(g, "weak_terms", [])], sentences, markers, near))
    ]
    for r in not_yet:
        lacking.append(f"『{r.name}』について計画自身がまだ済んでいない部分があると述べています")
        evidence += r.negated[:1]
    target_words = list(_extra(sig, "target_required", []) or [])
    aimed = any(find_terms(s, target_words) for r in results for s in r.sentences)
    if target_words and not ok and not aimed:
        # 「目標値を設定できているか」: mentions that neither give a figure nor aim at anything set no target
        names = [r.name for r in results]
        why = "、".join(f"『{n}』" for n in names)
        reason = f"{why}のいずれにも目標値（数値）が示されていません。"
        return CheckItem(status="missing", evidence=_quote(evidence), suggestion=sig.suggestion, reason=reason, **base)
    if cores_missing or not evidence or not (any(r.level for r in results) or actor_only):
        names = cores_missing or [r.name for r in results if r.level == 0]
        why = "、".join(f"『{n}』" for n in names)
        declined = [s for r in results for s in r.negated]
        reason = f"{why}に当たる記載が見当たりません。"
        if declined:
            reason += "計画には未定・未実施・先送りとする記載だけがあります。"
        return CheckItem(status="missing", evidence=_quote(declined), suggestion=sig.suggestion, reason=reason, **base)
    # the optional group's sentence, then other clear words of a group (「手取りを1.5倍」 beside 「15人を雇い」), while room is left
    evidence += [s for s in [*shown_too, *(s for r in results for s in r.also)] if s not in evidence]
    if not lacking and actor_only:
        who = _who(evidence, vocab)
        return CheckItem(status="met", evidence=_quote(evidence), suggestion="", reason=f"『{who}』が事業を担うと書かれています。", **base)
    if not lacking:
        found = "』『".join(ok)
        note = ""
        if spared and len(ok) < len(results):
            rest = "』『".join(r.name for r in results if r.level < 2)
            note = f"（『{rest}』も数値で示すとさらに明確になります。）"
        if sig.need_actor:  # name who carries the role, as the evidence shows it
            who = _who(evidence, vocab)
            note = f"（担い手: 『{who}』）{note}" if who else note
        return CheckItem(status="met", evidence=_quote(evidence), suggestion="", reason=f"『{found}』を確認しました。{note}{also_note}", **base)
    found = f"『{'』『'.join(ok)}』は確認できましたが、" if ok else ""
    return CheckItem(
        status="partial", evidence=_quote(evidence), suggestion=sig.suggestion, reason=found + "、".join(lacking) + "。", **base
    )


def _remedy_elsewhere(sig: Any, sentences: Sequence[Sentence], markers: Mapping[str, list[str]]) -> bool:
    """True when the plan, in a clause of its own intent, clearly states the core aspect the negative words go against.

    「硫化リチウムは市内調達を目指すが、リチウム原料そのものは当面輸入に依存する」: the plan localises one essential part
    and keeps the dependence for another, so the requirement is partly met rather than contradicted.
    """
    for group in sig.groups:
        if not _extra(group, "core", False):
            continue
        for s in sentences:
            hits = [h for h in find_terms(s, list(group.terms)) if not marked(s, h, markers.get("negation", []))]
            hits = [h for h in hits if not marked(s, h, [*markers.get("wish", []), *markers.get("vague", [])], markers.get("reported", []))]
            if plan_hits(s, hits, markers) and any(not clause_is_current(s, h.start, markers) for h in hits):
                return True
    return False


def _who(evidence: Sequence[Sentence], vocab: Mapping[str, Any]) -> str:
    """The named organisations of the evidence, joined for a reason line."""
    patterns, rules = vocab.get("actor_patterns", []), vocab.get("actor_names")
    return "』『".join(dict.fromkeys(a for s in evidence for a in actors(s, patterns, rules)))


def _actor_check(
    results: Sequence[_GroupResult], sentences: Sequence[Sentence], vocab: Mapping[str, Any], lacking: list[str], evidence: list[Sentence]
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


def _closest_type(guess: PlanTypeGuess, corpus: Corpus, sentences: Sequence[Sentence], vocab: Mapping[str, Any]) -> PlanTypeGuess:
    """The placeholder type for a plan with no type word: the one with the most requirements met or partly met."""
    weight = {"met": 2, "partial": 1}
    spoken = {
        p.id: sum(weight.get(evaluate(r, "requirement", sentences, vocab).status, 0) for r in p.requirements) / max(len(p.requirements), 1)
        for p in corpus.plan_types
    }
    best = max(corpus.plan_types, key=lambda p: spoken[p.id])  # ties keep the catalog's order
    if spoken[best.id] <= 0:
        return guess
    return replace(guess, plan_type=best.id, basis="（要件に当たる記載が最も多い類型）")


def precheck_plan(
    plan: Plan | str, *, corpus: Corpus, vocab: Mapping[str, Any], plan_type: str | None = None
) -> PrecheckReport:
    """Check a plan against every requirement and content item of its (detected or given) type."""
    plan = as_plan(plan)
    if not corpus.plan_types:
        raise DeskError(Code.CORPUS_INVALID, "要件カタログ（requirements.yaml）が読み込めません。", "`madoguchi corpus validate` で確認してください。")
    guess = choose_plan_type(plan, corpus.plan_types, plan_type, vocab.get("plan_type_detection", {}))
    sentences = split_sentences(plan.text)
    if guess.undetermined:  # no word points to a type: take the one whose requirements the plan speaks to most
        guess = _closest_type(guess, corpus, sentences, vocab)
    ptype = corpus.plan_type(guess.plan_type)
    items = [evaluate(r, "requirement", sentences, vocab) for r in ptype.requirements]
    items += [evaluate(r, "content_item", sentences, vocab) for r in ptype.content_items]
    recognised = any(item.evidence for item in items) or max(guess.scores.values(), default=0) > 0
    if not recognised:
        raise DeskError(
            Code.NO_TEXT,
            "計画として読み取れる内容が見つかりません。",
            "計画案の本文（目標、核となる企業、KPI、体制など）を記載したものを渡してください。",
        )
    degrees = degrees_from_plan(plan, sentences, vocab.get("actor_patterns", []))
    return PrecheckReport(
        plan_type=ptype.id,
        plan_type_name=ptype.name,
        confidence=guess.confidence,
        low_confidence=guess.low_confidence,
        items=items,
        guess=guess,
        title=plan.title,
        source_name=plan.source_name,
        degrees=degrees,
        choices=guess.choices(corpus.plan_types),
    )
