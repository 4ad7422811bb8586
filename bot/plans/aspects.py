"""How clearly a plan states one aspect (signal group) of a requirement: 2 clear, 1 vague / weak / without its number, 0 absent."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.plans.numbers import Quantity
from bot.plans.tense import (
    clause_is_current,
    dated_target,
    is_share,
    topic_end,
    topic_not_yet,
    under_current_heading,
)
from bot.plans.terms import (
    Sentence,
    TermHit,
    attached_quantities,
    clause_bounds,
    compile_term,
    find_terms,
    in_clause,
    marked,
    norm,
)


@dataclass
class AspectResult:
    """How clearly the plan states one aspect (group) of a requirement, with the sentences that show it."""

    name: str
    level: int  # 2 = clearly stated, 1 = vague / without the number, 0 = not found
    sentences: list[Sentence]
    negated: list[Sentence]
    number_missing: bool = False
    also: list[Sentence] = field(default_factory=list)  # more sentences with other clear words of the group
    denied: bool = False  # the plan itself denies a clear word of the aspect and states it nowhere clearly
    pending: list[Sentence] = field(default_factory=list)  # negated in the plan's own clauses (not today's situation)
    candidate: bool = False  # undecided, but the plan names the candidates it is negotiating with (``candidates``)
    finding: bool = False  # its only figure is a result the plan has found (「…ことを確認した」), not a target


def extra(model: Any, key: str, default: Any) -> Any:
    """A signal key the schema does not name (kept in pydantic's ``model_extra``), or the default."""
    extra_keys = getattr(model, "model_extra", None) or {}
    return extra_keys.get(key, default)


def in_body(sentence: Sentence, hit: TermHit) -> TermHit | None:
    """The hit's term in the sentence itself, not in the heading the sentence carries as context (None if only there)."""
    offset = len(norm(sentence.context))
    if hit.start >= offset:
        return hit
    m = compile_term(hit.term).search(sentence.norm, offset)
    return TermHit(term=hit.term, surface=m.group(0), start=m.start(), end=m.end()) if m else None


def judge_aspect(
    group: Any,
    sentences: Sequence[Sentence],
    markers: Mapping[str, list[str]],
    need_number: bool,
    kind: str,
    companion: Sequence[str] = (),
    rivals: Sequence[str] = (),
    near: int = 12,
) -> AspectResult:
    """How clearly one aspect is stated: 2 clear, 1 vague / weak / without its number, 0 absent."""
    strong = list(group.terms)
    weak = list(extra(group, "weak_terms", []))
    negation = list(markers.get("negation", []))
    restrictive = list(markers.get("restrictive", []))
    denial, conditional = list(markers.get("denial", [])), list(markers.get("conditional", []))
    still, undecided = list(markers.get("still", [])), list(markers.get("undecided", []))
    stop = list(markers.get("hedge_stop", []))  # 「需要は拡大しており、輸出も視野に入れる」: the hedge is about the export  # 「ロードマップがまだ示されていない」: not yet, not a denial
    deferral: list[str] = []  # postponed until an event (「採択された後に」): for an aspect that must be under way, not there
    future: list[str] = []  # the plan's own intent (「今後、関係省庁と調整する予定」): a mention (partial), never a start
    if extra(group, "done", False):  # the aspect must already be under way: 「意見交換を始めたい」 does not count
        negation += markers.get("wish", [])
        deferral, future = list(markers.get("deferral", [])), list(markers.get("future", []))
    elif extra(group, "present_state", False):  # 「連携がなされている」「整合していること」: a scheduled state is not there yet
        future = [*markers.get("future", []), *markers.get("deferral", [])]
    vague, wish, reported = markers.get("vague", []), markers.get("wish", []), markers.get("reported", [])
    finding = list(markers.get("finding", []))  # a result the plan has found (「…ことを確認した」): its figure is no target
    # 「これらの目標値は、組合が毎年度取りまとめて公表する」: a weak word in a sentence about something else (``weak_not_with``)
    elsewhere = list(extra(group, "weak_not_with", []) or [])
    # 「既存の案件も含め」: a clear word about today (existing infrastructure, a shortage the plan has found) is the plan's too
    today_counts = bool(extra(group, "current_counts", False))
    # 「高い付加価値創出を目指す」: the aspect is what the plan aims at, so today's words (「下請が中心で付加価値が低い」) are not it
    aim_only = bool(extra(group, "aim_only", False))
    # 「1 現状 … 生産額は令和5年に約9億円」: a target aspect is not stated by the figures of a section about today (``section_today``)
    section_today = bool(extra(group, "section_today", False))
    dated = bool(extra(group, "dated_target", False))
    if dated and topic_not_yet(strong, sentences, markers, near):
        dated = False  # 「KPI：今後…設定する」: the plan says its KPIs are not set, whatever dated figures it gives elsewhere
    best, number_missing, found_only = 0, False, False
    chosen: list[tuple[bool, int, Sentence]] = []
    words_of: dict[int, set[str]] = {}  # the group's words found in each sentence
    negated: list[Sentence] = []
    pending: list[Sentence] = []
    # a clear word the plan flatly denies / one it states as its own (not today's situation; even weakened by a wish or hedge)
    denied, affirmed, decisive = False, False, False
    previous: Sentence | None = None
    # 「Q6. 地元の経済界は関わっているか。A6. …地元の経済団体とは今後意見交換を行う予定」: an answer that names the aspect itself
    restated = answered_blocks(sentences, [*strong, *weak])
    mentioned: list[Sentence] = []  # sentences that state a word of the group (not negated)
    talks = list(extra(group, "candidates", []) or [])
    in_talks: list[Sentence] = []  # answers to a question about the aspect that only name candidates in talks
    for sentence in sentences:
        level, distinct = 0, 0
        before, previous = previous, sentence
        if companion and not find_terms(sentence, companion) and not continues(sentence, before, companion, markers):
            continue
        others = find_terms(sentence, rivals) if need_number and rivals else []
        current = False
        for terms, base in ((strong, 2), (weak, 1)):
            # weak words are read as written: in dictionary form they would find too much (立地する ← 立地しており)
            if base == 1 and elsewhere and find_terms(sentence, elsewhere):
                continue
            for hit in find_terms(sentence, terms, lemmas=base == 2):
                today = clause_is_current(sentence, hit.start, markers)
                if aim_only and today and not marked(sentence, hit, [*wish, *vague]):
                    continue  # a wish or a hedge (「…にしたいと考えている」) speaks of the plan's intent, not of today
                if section_today and under_current_heading(sentence, hit.start, markers):
                    continue
                current = current or today
                distinct += 1
                said_of_other = another_topic(sentence, hit, negation)
                open_topic = topic_left_open(sentence, hit, undecided)
                if (
                    (marked(sentence, hit, negation, exempt=restrictive) and not said_of_other)
                    or (deferral and in_clause(sentence, hit, deferral))
                    or open_topic
                ):
                    if sentence not in negated:
                        negated.append(sentence)
                    if (not today or open_topic or marked(sentence, hit, undecided)) and sentence not in pending:
                        pending.append(sentence)  # the plan's own part left open, not today's situation
                    said = in_body(sentence, hit)  # a heading's word (「2. 計画を担う企業」) is not what the sentence under it denies
                    if base == 2 and said is not None and (open_topic or marked(sentence, said, denial, conditional, [*restrictive, *still])):
                        denied = True
                        # about the plan itself, not today's economy: 「現在、主要部品は県内では生産していない」 is the problem the
                        # plan sets out to solve; 「核となる企業は、現時点では決まっていない」 is the plan's own state
                        decisive = decisive or not today or open_topic or marked(sentence, said, undecided)
                    continue
                if sentence not in mentioned:
                    mentioned.append(sentence)
                affirmed = affirmed or (base == 2 and (not today or today_counts))
                # A wish or a hedge weakens a clear term to a mention; a wished-for mention is no mention at all.
                if marked(sentence, hit, wish, reported, stop):
                    value = base - 1
                else:
                    value = 1 if base == 2 and marked(sentence, hit, vague, reported, stop) else base
                if asked_only(sentence, hit) and sentence.block in restated:
                    value = min(value, 1)  # the answer speaks to the aspect in its own words: those words decide it
                # 「問 中心となる企業は。答 M社と交渉中」: the answer names candidates, not the firm; 「核となる企業として
                # L社の誘致を交渉中」: the role is what is being negotiated — a candidate, not a firm that is there
                if (asked_only(sentence, hit) and find_terms(sentence, talks)) or negotiated(sentence, hit, talks):
                    value = min(value, 1)
                    if sentence not in in_talks:
                        in_talks.append(sentence)
                # 「公表予定の官民投資ロードマップ案に沿う」: a future that modifies a later noun (``markers.attributive``) is not the hit's
                if future and (marked(sentence, hit, future, attributive_of(sentence, hit, markers)) or modified_by(sentence, hit, future, markers)):
                    value = min(value, 1)
                    for kept in (negated, pending):
                        if sentence not in kept:
                            kept.append(sentence)  # a part still to come: caps the requirement at partial
                # 「試験販売で…手取りが3倍になることを確認した」: a figure the plan reports as today's fact or finding is no target
                if need_number and value == 2 and (in_clause(sentence, hit, finding) or not figures_of(sentence, hit, kind, others)):
                    value, number_missing = 1, True
                    found_only = found_only or in_clause(sentence, hit, finding)
                level = max(level, value)
                if value == 2:
                    words_of.setdefault(sentence.index, set()).add(hit.term)
        if level < 2 and dated and dated_target(sentence, markers):
            level = 2  # 「令和11年度に年5万人（現状2万人）」: a dated numeric target is a KPI (quoted after the group's own words)
        if level > best:
            best, chosen = level, [(current, distinct, sentence)]
        elif level == best and level > 0:
            chosen.append((current, distinct, sentence))
    # 「国内トップクラスの生産能力。…海外市場での競争は当面想定していない」: the weak words state a lesser degree of the aspect
    # (``weak_stands``); the plan's denial of the full degree leaves them standing — the requirement is partly met
    lesser = bool(extra(group, "weak_stands", False)) and best == 1
    candidate = False
    if denied and not lesser and (not affirmed or (decisive and (extra(group, "core", False) or extra(group, "denial_decides", False)))):
        # 「地元経済界との連携体制は設けていない」 outweighs a passing weak word (「高専と連携した」) or a word about today
        # (「需要の減少により」 beside 「市場ニーズは…特定できていない」): the aspect is absent. A core aspect the plan flatly
        # denies (「計画推進の核となる企業は、現時点では決まっていない」) is absent whatever other sentences mention
        best, chosen = 0, []
        # 「中心となる事業者は、村内の水産加工会社2社と協議中で、どちらが担うかは決まっていない」: undecided among candidates the
        # plan is negotiating with (``candidates``) — the aspect is under way, not absent
        # 「Q. 計画の核になる企業は。A. K社を誘致する方向で交渉中」: the candidates may stand in the answer that names the aspect
        named = [s for s in [*pending, *mentioned] if find_terms(s, list(extra(group, "candidates", []) or []))]
        if named:
            best, chosen, candidate = 1, [(False, 1, named[0])], True
    if best == 1 and in_talks and all(s in in_talks for _, _, s in chosen):
        candidate, chosen = True, [(False, 1, in_talks[0])]
    if best == 2:
        number_missing = False
    # the plan's own sentences first, then those about today's situation; the title line last (a body sentence says more)
    ranked = [s for _, _, s in sorted(chosen, key=lambda c: (c[2].index == 0, c[0], -c[1], c[2].index))]
    also = distinct_words(ranked, words_of) if best == 2 else []
    return AspectResult(
        group.name, best, ranked, negated, number_missing, also, denied and best == 0, pending, candidate, found_only and number_missing
    )


_CAPACITY = re.compile(r"[^、。]{0,8}?(?:として|には|は)、?")
_PREDICATE_BREAK = re.compile(r"(?:で|であり|とし|となり|し|て)、")


def negotiated(sentence: Sentence, hit: TermHit, talks: Sequence[str]) -> bool:
    """True when the role word is the topic or capacity (「…は」「…として」) of a clause whose predicate is talks
    (``candidates``: 交渉中, 協議中 …): 「核となる企業として国内大手L社の工場誘致を交渉中」. A predicate of its own
    in between (「中核企業はJ社で、K社と販売提携を交渉中」) makes the talks another matter."""
    if not talks:
        return False
    lead = _CAPACITY.match(sentence.norm, hit.end)
    if lead is None:
        return False
    _, end = clause_bounds(sentence, hit.start)
    for word in talks:
        found = compile_term(word).search(sentence.norm, lead.end(), end)
        if found and not _PREDICATE_BREAK.search(sentence.norm, lead.end(), found.start()):
            return True
    return False


def asked_only(sentence: Sentence, hit: TermHit) -> bool:
    """True when the hit lies in the topic folded in from a question (``Sentence.asked``): the question names the aspect,
    the answer is what states it (「Q6. 地元の経済界は関わっているか。A6. 投資主体は県内企業グループのみ」 states no link)."""
    return sentence.asked > 0 and hit.end <= len(norm(sentence.context)) + sentence.asked


def attributive_of(sentence: Sentence, hit: TermHit, markers: Mapping[str, list[str]]) -> list[str]:
    """The cues (``markers.attributive``) after which a future only modifies a later noun — when the clause's own predicate
    is done (``markers.completed``: 「…公表予定の案に沿う形で構成した」); 「設立予定の協議会で連携する」 stays future."""
    start, end = clause_bounds(sentence, hit.start)
    tail = sentence.norm[start:end].rstrip("。.． 　")
    done = any(tail.endswith(norm(c)) for c in markers.get("completed", []))
    return list(markers.get("attributive", [])) if done else []


def modified_by(sentence: Sentence, hit: TermHit, future: Sequence[str], markers: Mapping[str, list[str]]) -> bool:
    """True when a future right before the hit modifies it and the clause is not done (「設立予定の推進協議会で連携する」)."""
    if attributive_of(sentence, hit, markers):
        return False  # the clause's own predicate is done (「公表予定のロードマップ案に沿う形で構成した」)
    before = sentence.norm[max(0, hit.start - 8) : hit.start]
    return any(before.endswith(norm(f) + norm(a)) for f in future if "…" not in f for a in markers.get("attributive", []))


def answered_blocks(sentences: Sequence[Sentence], terms: Sequence[str]) -> set[int]:
    """The blocks of folded questions whose answer uses the group's words outside the question's topic."""
    asked = {s.block for s in sentences if s.asked}
    return {
        s.block for s in sentences
        if s.block in asked and any(not asked_only(s, h) and in_body(s, h) is not None for h in find_terms(s, terms))
    }


def figures_of(sentence: Sentence, hit: TermHit, kind: str, others: Sequence[TermHit]) -> list[Quantity]:
    """The figures that belong to the hit, without shares of a whole (「技術者の8割を県内採用」 is a proportion of the
    staff, not a number of jobs) unless the aspect itself is a rate (``number: percent``)."""
    found = attached_quantities(sentence, hit, kind, others)
    if kind == "percent":
        return found
    return [q for q in found if not is_share(sentence.norm, q)]


def topic_left_open(sentence: Sentence, hit: TermHit, undecided: Sequence[str]) -> bool:
    """True when the hit is the sentence's topic (「…は、」) and the sentence ends by saying it is undecided, past any clause break.

    「中心となる企業は、造船大手H社の誘致を交渉中だが、まだ決まっていない」: what is not decided is the topic, the core firm.
    """
    said = in_body(sentence, hit)
    if said is None or not undecided or topic_end(sentence.norm, said.end, 4) == said.end:
        return False
    start, end = clause_bounds(sentence, max(len(sentence.norm) - 1, 0))
    if start <= said.start:
        return False  # one clause: the ordinary negation reading applies
    last = sentence.norm[start:end]
    for u in undecided:
        m = compile_term(u).search(last)
        # 「…が課題だが、その対応は…整備計画は定まっていない」: a topic of its own in the last clause is what is undecided
        if m and not _OWN_TOPIC.search(last, 0, m.start()):
            return True
    return False


_OWN_TOPIC = re.compile(r"[^でにとへ、\s]は")


_NEW_TOPIC = re.compile(r"、[^、]*?[^\u3041-\u3096、(（]は")


def another_topic(sentence: Sentence, hit: TermHit, negation: Sequence[str]) -> bool:
    """True when the first negation after the hit closes a clause of its own topic (「、…時期は」), so it is said of that topic.

    「KPIは売上額と仕入額とし、進み具合の確認時期は特に決めていない」: the KPIs are set; what is not decided is the timing.
    """
    said = in_body(sentence, hit)
    if said is None or topic_end(sentence.norm, said.end, 4) == said.end:
        return False  # the word is not the topic of its own statement (「S社とは交渉中で、進出はまだ決まっていない」)
    start, end = clause_bounds(sentence, said.start)
    first = min((m.start() for cue in negation for m in [compile_term(cue).search(sentence.norm, said.end, end)] if m), default=None)
    return first is not None and bool(_NEW_TOPIC.search(sentence.norm, said.end, first))


def continues(sentence: Sentence, before: Sentence | None, companion: Sequence[str], markers: Mapping[str, list[str]]) -> bool:
    """True when the sentence goes on about the one before it (「これは県内平均の1.6倍」) and that one has the companion words."""
    if before is None or before.block != sentence.block:
        return False
    body = sentence.norm[len(norm(sentence.context)) :].lstrip("・-*　 ")
    return any(body.startswith(norm(a)) for a in markers.get("anaphora", [])) and bool(find_terms(before, companion))


def distinct_words(ranked: Sequence[Sentence], words_of: Mapping[int, set[str]]) -> list[Sentence]:
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
