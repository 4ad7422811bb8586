"""Judging one requirement or content item from its signals (data in requirements.yaml): met, partial, missing or not applicable."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from bot.plans.actor_role import actor_check, who
from bot.plans.aspects import AspectResult, extra, judge_aspect
from bot.plans.checklist import CheckItem
from bot.plans.numbers import find_years
from bot.plans.open_parts import declared_open, scheduled_steps
from bot.plans.similarity import Nearest
from bot.plans.tense import (
    clause_is_current,
    dated_target,
    from_to_target,
    not_yet_sentences,
    plan_hits,
    refused,
    remedied,
    topic_not_yet,
)
from bot.plans.terms import (
    Sentence,
    TermHit,
    actors,
    compile_term,
    find_terms,
    marked,
    metric_figures,
    norm,
    quantities,
    surface,
)
from retrieval.schema import Requirement

MAX_EVIDENCE = 5


def companions(group: Any) -> list[str]:
    """The groups whose words must share a sentence with this group's (``with_group``: one name or a list, any of them)."""
    value = extra(group, "with_group", None)
    if not value:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def quote(sentences: Sequence[Sentence]) -> list[str]:
    """The first ``MAX_EVIDENCE`` distinct sentences (in order of importance), shown in the plan's order."""
    kept: list[Sentence] = []
    for s in dict.fromkeys(sentences):
        if len(kept) < MAX_EVIDENCE and all(k.text != s.text for k in kept):
            kept.append(s)
    return [s.text for s in sorted(kept, key=lambda s: s.index)]


def evaluate(
    item: Requirement, kind: str, sentences: Sequence[Sentence], vocab: Mapping[str, Any], nearest: Nearest | None = None
) -> CheckItem:
    """Judge one requirement or content item from its signals (data in requirements.yaml).

    With ``nearest`` (the dense fallback), a requirement none of whose words the plan uses may still be partly met by a
    sentence close to the requirement's text in meaning; the reason then says the verdict rests on similarity alone.
    """
    sig = item.signals
    markers: Mapping[str, list[str]] = vocab.get("markers", {})
    base = {"label": item.label, "kind": kind, "rule": item.text, "section": item.section}
    if sig.applies_when:
        applies: list[Sentence] = []
        declined: list[Sentence] = []
        asked = markers.get("question_endings", [])
        for s in sentences:
            if is_question(s, asked):  # 「Q3 県外からの誘致はありますか。」 asks; the answer says whether there is one
                continue
            for hit in find_terms(s, sig.applies_when):
                (declined if marked(s, hit, markers.get("negation", [])) else applies).append(s)
        if not applies:
            reason = sig.not_applicable_reason or "この計画には当てはまらない要件です。"
            return CheckItem(status="not_applicable", evidence=quote(declined), suggestion="", reason=reason, **base)
    # A negative signal counts only when the plan itself proposes it — not today's situation, not what it refuses.
    # Today's dependence becomes the plan's own when the plan says it stays (「…外国から買っています。これからも同じように…」).
    # 「製品は全量を欧州・北米向けに輸出する」: a place the plan sells to (``negative_not_after`` right after the words) is its
    # market, not a dependence on where it buys from
    outbound = list(extra(sig, "negative_not_after", []) or [])
    against = {s.index: [h for h in find_terms(s, sig.negative_terms) if not followed_by(s, h, outbound)] for s in sentences}
    proposed = {s.index: against[s.index] if kept_on(s, sentences, markers) else plan_hits(s, against[s.index], markers) for s in sentences}
    negatives = [s for s in sentences if proposed[s.index]]
    # 「全量を海外から調達」 is the whole of a part; only a dependence kept for part of the chain can be offset elsewhere
    whole = markers.get("whole", [])
    # 「最初の2年間は9割を1社に納めるが、3年目からは5割まで下げる」: a concentration the plan itself brings down to a set level
    # (``markers.reduction``) is kept for a while — partly met, not contradicted
    reduced = bool(negatives) and all(find_terms(s, markers.get("reduction", [])) for s in negatives)
    # 「主要な製造ラインと配合技術は…当面この提携先に頼る。原料の魚は地元漁港から仕入れます」: a dependence kept for the
    # essential part (``markers.essential_part``) is not offset by localising a raw input only (``markers.raw_input``)
    offsets = remedies_elsewhere(sig, sentences, markers)
    essential = any(find_terms(s, markers.get("essential_part", [])) for s in negatives)
    if essential:
        offsets = [s for s in offsets if not find_terms(s, markers.get("raw_input", [])) or find_terms(s, markers.get("essential_part", []))]
    partly = bool(negatives) and (reduced or (not any(find_terms(s, whole) for s in negatives) and bool(offsets)))
    if negatives and not partly:
        words = "』『".join(dict.fromkeys(surface(s, h) for s in negatives for h in proposed[s.index]))
        reason = extra(sig, "negative_reason", "") or "計画の記載が要件に反しています。"
        return CheckItem(
            status="missing", evidence=quote(negatives), suggestion=sig.suggestion, reason=f"計画に『{words}』とあります: {reason}", **base
        )
    default_kind = str(extra(sig, "number", "any"))
    # 「国内で初めて…の場合には、先進性の高い技術を」: an optional group is quoted when the plan states it, never lacking
    groups = [g for g in sig.groups if not extra(g, "optional", False)]
    extras = [g for g in sig.groups if extra(g, "optional", False)]
    group_flags = any(extra(g, "need_number", False) for g in groups)
    terms_of = {g.name: [*g.terms, *extra(g, "weak_terms", [])] for g in groups}
    # Targets that each need their own number (域内取引額・売上額・雇用): a number belongs to the nearest one.
    targets = {g.name: list(g.terms) for g in groups if extra(g, "need_number", False)}
    results = [
        judge_aspect(
            g, sentences, markers, bool(extra(g, "need_number", False)), str(extra(g, "number", default_kind)),
            [t for other in companions(g) for t in terms_of.get(other, [])],
            [t for name, terms in targets.items() if name != g.name for t in terms],
            int(vocab.get("not_yet_window", 12)),
        )
        for g in groups
    ]
    if sig.need_actor:
        results = [in_talks_elsewhere(r, g, sentences, vocab) for r, g in zip(results, groups, strict=True)]
    evidence = [s for r in results for s in r.sentences[:1]]
    declared = declared_open(sig, results, sentences, markers, int(vocab.get("not_yet_window", 12)))
    if declared is not None:
        return CheckItem(status="missing", evidence=quote(declared[1]), suggestion=sig.suggestion, reason=declared[0], **base)
    stated_extras = [(g.name, judge_aspect(g, sentences, markers, False, default_kind)) for g in extras]
    # 「国内初となる…の量産」 with no word on the technology: the condition holds, so its aspect is required after all
    conditions = [(name, condition_met(g, sentences, markers)) for g, (name, r) in zip(extras, stated_extras, strict=True) if r.level < 2]
    shown_too = [s for _, r in stated_extras for s in r.sentences[:1] if r.level == 2]
    shown_too += [s for _, met in conditions for s in met[:1]]
    also_note = "".join(f"（『{name}』の記載もあります）" for name, r in stated_extras if r.level == 2)
    lacking: list[str] = []
    ok = [r.name for r in results if r.level == 2]
    # 「域内取引額、売上額、雇用・賃上げ等」: examples of one effect — enough of them, clearly stated, meet the rule.
    enough = int(extra(sig, "enough_groups", 0) or 0)
    # 「町内の農家から多く買うので、お金が回るはず」: an example the plan names as its effect with no figure at all is a target
    # left unset, so enough others do not meet the rule (``unquantified_caps``; a figure in another unit, 年600トン, is a target)
    naming = list(markers.get("metric_naming", []))  # 「KPIとして出荷額を設定する」 names a metric; it states no effect
    unset = [
        r for r in results
        if extra(sig, "unquantified_caps", False) and r.level == 1 and r.number_missing
        and not any(quantities(s) or find_terms(s, naming) for s in r.sentences)
    ]
    spared = enough > 0 and len(ok) >= enough and not unset
    for r in results:
        if spared and r.level < 2:
            continue
        if r.level == 0:
            lacking.append(f"『{r.name}』の記載が見当たりません")
        elif r.candidate:  # 「…2社と協議中で、どちらが担うかは決まっていない」
            lacking.append(f"『{r.name}』は候補と協議中で、まだ決まっていません")
        elif r.level == 1:
            group = next(g for g in groups if g.name == r.name)
            # 「国内トップクラス」 for 「世界で戦える」: the group's own words for the lesser degree (``weak_reason``)
            weak_reason = "" if r.number_missing else str(extra(group, "weak_reason", "") or "")
            if r.finding:  # 「…手取りが3倍になることを確認した」: the figure is there, but as a result already found
                lacking.append(f"『{r.name}』の数値は計画が確かめた結果で、目標値ではありません")
            else:
                lacking.append(weak_reason or f"『{r.name}』は{'数値がありません' if r.number_missing else '具体性が足りません'}")
    for name, met in conditions:
        if met:
            said = surface(met[0], find_terms(met[0], extra(next(g for g in extras if g.name == name), "when", []))[0])
            lacking.append(f"『{said}』とありますが、『{name}』の記載がありません")
    cores_missing = [r.name for r, g in zip(results, groups, strict=True) if extra(g, "core", False) and r.level == 0]
    if sig.need_number and not group_flags and results:
        kind_needed = default_kind
        if not any(quantities(s, kind_needed) for s in evidence):
            # 「KPIは付加価値額、域内取引額、雇用者数とする」: the numbers may stand in earlier sentences of the section.
            stated = metric_figures(evidence, sentences, vocab.get("metrics", []), kind_needed)
            if not stated:  # … or as a target the plan decides elsewhere (「新たに300人の雇用を生む」), never today's figure
                named = [s for r in results for s in r.sentences]
                # 「今は…減っているが、これを2030年度に域内取引額80億円まで回復」: a dated figure in a clause of the plan's own
                decided = [
                    s for s in sentences
                    if (remedied(s, markers) and not clause_is_current(s, 0, markers)) or from_to_target(s) or dated_target(s, markers)
                ]
                stated = metric_figures(named, decided, vocab.get("metrics", []), kind_needed, same_block=False)[:1]
                # 「上記の数値をKPIとし」: the sentence points back at the targets the plan has set above (``markers.figures_above``)
                pointing = [s for s in named if find_terms(s, markers.get("figures_above", []))]
                if not stated and pointing:
                    stated = [s for s in decided if s.index < pointing[0].index and quantities(s, kind_needed)][:1]
            if stated:
                evidence += stated
            elif any(r.level for r in results):
                lacking.append("目標などの数値が記載されていません")
    actor_only = False
    if sig.need_actor:
        lacking, evidence, actor_only = actor_check(results, sentences, vocab, lacking, evidence)
    # A caution (today's partial dependence) stands unless the same sentence decides the remedy.
    # 「海外製に頼らない体制を続ける」: a caution word the plan itself refuses is no caution
    caution_terms = list(extra(sig, "caution_terms", []))
    # 「当面これを変える予定はない」: a sentence that keeps the dependence is no remedy, whatever plan word (予定) it has
    persist = markers.get("persist", [])
    cautions = [
        s for s in sentences
        if any(not refused(s, h, markers) for h in find_terms(s, caution_terms)) and (not remedied(s, markers) or find_terms(s, persist))
    ]
    core_clear = any(extra(g, "core", False) and r.level == 2 for r, g in zip(results, groups, strict=True))
    held = [s for s in cautions if kept_on(s, sentences, markers)]
    if held and not core_clear and any(extra(g, "core", False) for g in groups):
        # 「チタン素材・特殊工程は海外から調達しており、当面これを変える予定はない」 with nothing localised anywhere: the plan
        # keeps the dependence as its own — it goes against the requirement (a figure set elsewhere would make it partial)
        words = "』『".join(dict.fromkeys(surface(s, h) for s in held for h in find_terms(s, caution_terms)))
        reason = extra(sig, "negative_reason", "") or "計画の記載が要件に反しています。"
        return CheckItem(
            status="missing", evidence=quote(held), suggestion=sig.suggestion,
            reason=f"計画に『{words}』とあり、この状態を続けるとしています: {reason}", **base,
        )
    kept = list(negatives) if partly else []  # a dependence the plan keeps for one part while it localises another
    # 「これを2028年までに県内の化学メーカーと共同で開発した国産品に切り替え」: a remedy with a deadline is decided as much as
    # one with a figure; today's dependence it answers is the problem, not a caution
    decided = [
        s for r, g in zip(results, groups, strict=True) if extra(g, "core", False) and r.level == 2
        for s in r.sentences if remedied(s, markers) and (quantities(s) or find_years(s.norm))
    ]
    if decided:  # the plan decides the remedy elsewhere, with a figure (「令和11年度に県内調達比率を80%とする」) or a date
        # … unless the plan says the dependence stays (「当面この状況は変わらない見込み」, markers.persist)
        cautions = [s for s in cautions if find_terms(s, persist)]
    for r in results:
        if r.level == 0 and r.negated:
            lacking[lacking.index(f"『{r.name}』の記載が見当たりません")] = f"『{r.name}』は計画自身が未定・未実施としています"
            evidence += r.negated[:1]
    if cautions:
        lacking.append(extra(sig, "caution_reason", "") or "要件を弱める記載があります")
        evidence += cautions[:2]
    # 「いまは8割を県外の大手スーパー1社に卸しています。ほかの売り先もそのうち探したい」: today's dependence, which the plan
    # only hopes to change, is part of why the requirement is not met
    today = [s for s in sentences if s not in negatives and against[s.index] and not remedied(s, markers)]
    if today and not partly and any(extra(g, "core", False) and r.level == 1 for r, g in zip(results, groups, strict=True)):
        words = "』『".join(dict.fromkeys(surface(s, h) for s in today[:1] for h in find_terms(s, sig.negative_terms)))
        lacking.append(f"今の姿として『{words}』とあり、計画はこの依存を改める方法をまだ決めていません")
        evidence += today[:1]
    if kept:
        words = "』『".join(dict.fromkeys(surface(s, h) for s in kept for h in proposed[s.index]))
        lacking.append(f"計画に『{words}』とあり、その部分は域外・特定の者への依存が続きます")
        evidence += kept[:2]
    # 「雇用の質に関する目標は今後協議のうえ設定する」「金融機関の参加は未定」: a part the plan itself leaves for later is
    # not yet there, whatever other sentences say about it — the requirement is at most partial.
    near = int(vocab.get("not_yet_window", 12))

    undecided = list(markers.get("undecided", []))

    def open_part(r: Any, group: Any) -> bool:
        """A core part the plan leaves open; for the carrier (``denial_decides``) only when it is undecided (「V社の進出はまだ決まっていない」)."""
        if extra(group, "core", False):
            return bool(r.pending)
        return bool(extra(group, "denial_decides", False)) and any(find_terms(s, undecided) for s in r.pending)

    def words_of(group: Any) -> list[str]:
        """The words whose not-yet leaves the group open: its terms and ``pending_terms`` (「協力の枠組みはまだない」「指標は今後検討」)."""
        return [*group.terms, *extra(group, "weak_terms", []), *(extra(group, "pending_terms", []) or [])]

    still_open: list[str] = []  # a group stated but partly left for later is not 「確認できました」
    for r, g in zip(results, groups, strict=True):
        # a lesser degree already said what is lacking (``weak_reason``); an undecided carrier among candidates too
        if r.level == 0 or r.candidate or (r.level == 1 and extra(g, "weak_reason", "")):
            continue
        open_said = not_yet_sentences(words_of(g), sentences, markers, near)
        # 「段階的な見直しの判断基準は今後設定する」: a word that means the aspect only beside its companion's (``with_group``)
        # leaves the aspect open only there too — without 現地化 it is not the localisation roadmap
        partners = [t for other in companions(g) for t in terms_of.get(other, [])]
        if partners:
            open_said = [s for s in open_said if find_terms(s, partners)]
        if open_part(r, g) or open_said:
            still_open.append(r.name)
            lacking.append(f"『{r.name}』について計画自身がまだ済んでいない部分があると述べています")
            evidence += [*r.negated[:1], *open_said[:1]]  # the plan's own words for what is still open
    target_words = list(extra(sig, "target_required", []) or [])
    aimed = any(find_terms(s, target_words) for r in results for s in r.sentences)
    # 「具体的な数字は、販売が始まってから検討する」: the plan says its figures are still to come — hopes, not targets
    deferred = topic_not_yet(list(extra(sig, "figures_deferred", []) or []), sentences, markers, near)
    aimed = aimed and not (deferred and not any(r.level == 2 for r in results))
    if target_words and not ok and not aimed:
        # 「目標値を設定できているか」: mentions that neither give a figure nor aim at anything set no target
        names = [r.name for r in results]
        why = "、".join(f"『{n}』" for n in names)
        reason = f"{why}のいずれにも目標値（数値）が示されていません。"
        # 「■ 目標 | 外国人宿泊者数 | 3,200人 | 15,000人 |」 beside 「食材は町内の農家から調達する」: the plan sets figures for
        # other effects and states this one as its own arrangement — the effect is there, its target is not (partial)
        # (a row with its baseline and later values; not when the plan says its figures are still to come)
        others = [
            s for s in sentences
            if len(quantities(s)) >= 2 and find_terms(Sentence(text="", norm=norm(s.context), index=s.index), target_words)
        ]
        stated = [s for r in results for s in r.sentences if not clause_is_current(s, 0, markers)]
        if others and stated and not deferred:
            reason += "目標値はほかの指標にだけ設定されています。"
            return CheckItem(status="partial", evidence=quote([stated[0], others[0]]), suggestion=sig.suggestion, reason=reason, **base)
        return CheckItem(status="missing", evidence=quote(evidence), suggestion=sig.suggestion, reason=reason, **base)
    if cores_missing or not evidence or not (any(r.level for r in results) or actor_only):
        names = cores_missing or [r.name for r in results if r.level == 0]
        why = "、".join(f"『{n}』" for n in names)
        declined = [s for r in results for s in r.negated]
        reason = f"{why}に当たる記載が見当たりません。"
        steps = scheduled_steps(declined, vocab)
        if steps and not any(r.denied and not r.pending for r in results):
            reason = f"{why}は計画自身が未定・途中としていますが、予定された次の一歩や始まった検討が書かれています。"
            return CheckItem(status="partial", evidence=quote(steps), suggestion=sig.suggestion, reason=reason, **base)
        if declined:
            reason += "計画には未定・未実施・先送りとする記載だけがあります。"
        elif nearest is not None and kind == "requirement" and not any(r.denied for r in results):
            close = nearest.closest(item.text)
            if close is not None:  # no term overlaps, but a sentence says something close to the rule
                sentence, score = close
                reason = (
                    f"一部不足 — 類似度による判定: {why}に当たる語はありませんが、この文が要件の本文に近い内容です"
                    f"（類似度 {score:.2f}）。政策文書の基準と照らして確認してください。"
                )
                return CheckItem(status="partial", evidence=[sentence.text], suggestion=sig.suggestion, reason=reason, **base)
        return CheckItem(status="missing", evidence=quote(declined), suggestion=sig.suggestion, reason=reason, **base)
    # the optional group's sentence, then other clear words of a group (「手取りを1.5倍」 beside 「15人を雇い」), while room is left
    evidence += [s for s in [*shown_too, *(s for r in results for s in r.also)] if s not in evidence]
    if not lacking and actor_only:
        carrier = who(evidence, vocab)
        return CheckItem(status="met", evidence=quote(evidence), suggestion="", reason=f"『{carrier}』が事業を担うと書かれています。", **base)
    if not lacking:
        found = "』『".join(ok)
        note = ""
        if spared and len(ok) < len(results):
            rest = "』『".join(r.name for r in results if r.level < 2)
            note = f"（『{rest}』も数値で示すとさらに明確になります。）"
        if sig.need_actor:  # name who carries the role, as the evidence shows it
            carrier = who(evidence, vocab)
            note = f"（担い手: 『{carrier}』）{note}" if carrier else note
        return CheckItem(status="met", evidence=quote(evidence), suggestion="", reason=f"『{found}』を確認しました。{note}{also_note}", **base)
    confirmed = [n for n in ok if n not in still_open]
    found = f"『{'』『'.join(confirmed)}』は確認できましたが、" if confirmed else ""
    return CheckItem(
        status="partial", evidence=quote(evidence), suggestion=sig.suggestion, reason=found + "、".join(lacking) + "。", **base
    )


FOLLOW_WINDOW = 8  # characters after a hit in which ``negative_not_after`` words turn it round


def followed_by(sentence: Sentence, hit: TermHit, words: Sequence[str]) -> bool:
    """True when one of ``words`` follows the hit closely, in the same clause (「全量を欧州・北米向けに輸出」)."""
    after = sentence.norm[hit.end : hit.end + FOLLOW_WINDOW]
    after = re.split(r"[、。,]", after, maxsplit=1)[0]
    return any(compile_term(w).search(after) for w in words)


def is_question(sentence: Sentence, endings: Sequence[str]) -> bool:
    """True when the sentence's own text is a question (ends with ``markers.question_endings``: 「…ありますか。」「…か？」)."""
    body = sentence.norm[len(norm(sentence.context)) :].rstrip(" 　")
    return any(body.endswith(norm(e)) for e in endings)


def condition_met(group: Any, sentences: Sequence[Sentence], markers: Mapping[str, list[str]]) -> list[Sentence]:
    """The sentences that state an optional group's condition (``when``) without denying it."""
    when = list(extra(group, "when", []) or [])
    negation = markers.get("negation", [])
    return [s for s in sentences if any(not marked(s, h, negation) for h in find_terms(s, when))] if when else []


def kept_on(sentence: Sentence, sentences: Sequence[Sentence], markers: Mapping[str, list[str]]) -> bool:
    """True when the plan says today's situation in ``sentence`` stays: a ``markers.persist`` cue in it or in the next
    sentence of the same section (「ほとんど外国から買っています。これからも同じように外国から買う予定です」)."""
    persist = markers.get("persist", [])
    following = [s for s in sentences if s.index == sentence.index + 1 and s.block == sentence.block]
    return any(find_terms(s, persist) for s in [sentence, *following])


def remedies_elsewhere(sig: Any, sentences: Sequence[Sentence], markers: Mapping[str, list[str]]) -> list[Sentence]:
    """The sentences in which the plan, in a clause of its own intent, clearly states the core aspect the negative words go against.

    「硫化リチウムは市内調達を目指すが、リチウム原料そのものは当面輸入に依存する」: the plan localises one essential part
    and keeps the dependence for another, so the requirement is partly met rather than contradicted.
    """
    found: list[Sentence] = []
    for group in sig.groups:
        if not extra(group, "core", False):
            continue
        for s in sentences:
            hits = [h for h in find_terms(s, list(group.terms)) if not marked(s, h, markers.get("negation", []))]
            hits = [h for h in hits if not marked(s, h, [*markers.get("wish", []), *markers.get("vague", [])], markers.get("reported", []))]
            if plan_hits(s, hits, markers) and any(not clause_is_current(s, h.start, markers) for h in hits) and s not in found:
                found.append(s)
    return found


def in_talks_elsewhere(result: AspectResult, group: Any, sentences: Sequence[Sentence], vocab: Mapping[str, Any]) -> AspectResult:
    """The carrier named in the role sentence is still in talks in another sentence (``candidates``): a candidate.

    「海外の電池メーカーK社の工場を誘致し、これを核にクラスターを形成する。K社とは現在、立地条件について交渉中である。」:
    the role is K社's only once the talks succeed — partly met, as when the talks stand in the same sentence.
    """
    talks = list(extra(group, "candidates", []) or [])
    if result.level < 2 or not talks or not result.sentences:
        return result
    patterns, rules = vocab.get("actor_patterns", []), vocab.get("actor_names")
    names = actors(result.sentences[0], patterns, rules)
    if not names:
        return result
    others = [s for s in sentences if s is not result.sentences[0] and find_terms(s, talks)]
    if not all(any(n in actors(s, patterns, rules) for s in others) for n in names):
        return result
    return replace(result, level=1, candidate=True, sentences=[result.sentences[0], *others[:1]])
