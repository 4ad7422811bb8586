"""Tense of a plan's clauses: does a clause describe today's situation (現状) or what the plan will do (計画)?

A consultant reads 「現在は全量を海外の1工場に委託している」 as the problem the plan sets out to solve, not as the plan
itself. The cues are data (``markers.current_state`` / ``markers.plan_intent`` / ``markers.refusal`` in
``corpus/plan_terms.yaml``); this module only applies them to the clause (split at が、/ものの、…) that holds a word.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from bot.plans.numbers import Quantity, find_quantities, find_years
from bot.plans.terms import Sentence, TermHit, clause_bounds, compile_term, find_terms, marked, norm


def _has(clause: str, cues: Sequence[str]) -> bool:
    return any(compile_term(cue).search(clause) for cue in cues)


def clause_is_current(sentence: Sentence, position: int, markers: Mapping[str, Sequence[str]]) -> bool:
    """True when the clause at ``position`` states the current situation and not the plan's intent.

    A clause is current when it has a current-state cue (現在, これまで, 〜ている …) and no plan cue (令和10年度に,
    とする, 目指す …). A heading such as 「現状と課題」 makes every sentence under it current unless it states an intent.
    """
    start, end = clause_bounds(sentence, position)
    clause = sentence.norm[start:end]
    context = sentence.context.lower()
    # 「平成28年度に研修制度を始め」: a date of a past era is when something happened, not a date the plan sets
    if _has(_PAST_DATE.sub("", clause), markers.get("plan_intent", [])):
        return False
    # 「現在の加工品と比べ、販売単価は約4倍となる」: today's product named as the baseline of a comparison is not today's state
    clause = _BASELINE.sub("", clause)
    return _has(clause, markers.get("current_state", [])) or _has(context, markers.get("current_heading", []))


_PAST_DATE = re.compile(r"(?:昭和|平成)\s*(?:\d{1,2}|元)\s*年度?(?:末|中)?(?:に|から|まで|には)?")
_BASELINE = re.compile(r"(?:現在|現状|今|いま|従来|これまで)の[^、。]{0,30}?(?:と比べ|に比べ|と比較し|に比較し|より(?=[^、。]{0,20}(?:倍|高|増|上が|上げ)))")


def under_current_heading(sentence: Sentence, position: int, markers: Mapping[str, Sequence[str]]) -> bool:
    """True when the sentence stands under a heading about today (「1 現状」「背景」) and its clause states no intent.

    「1 現状 … 令和5年度のネット売上は約4,000万円となった」: a figure of the current-state section is a baseline, never a target.
    """
    start, end = clause_bounds(sentence, position)
    clause = _PAST_DATE.sub("", sentence.norm[start:end])
    return _has(sentence.context.lower(), markers.get("current_heading", [])) and not _has(clause, markers.get("plan_intent", []))


def refused(sentence: Sentence, hit: TermHit, markers: Mapping[str, Sequence[str]]) -> bool:
    """True when the plan says it will not do what the hit names (「特定の一社に頼る形にはしません」)."""
    return marked(sentence, hit, markers.get("refusal", []))


def plan_hits(sentence: Sentence, hits: Sequence[TermHit], markers: Mapping[str, Sequence[str]]) -> list[TermHit]:
    """The hits that the plan itself proposes: not in a clause about today, not refused by the plan."""
    return [h for h in hits if not clause_is_current(sentence, h.start, markers) and not refused(sentence, h, markers)]


def remedied(sentence: Sentence, markers: Mapping[str, Sequence[str]]) -> bool:
    """True when the sentence also states what the plan will do about it, as a decision (not a wish or a hedge).

    「現在は全量を輸入しているが、県内2社と共同開発し令和10年度に県内調達比率50%とする」 is remedied;
    「…輸入しているが、将来的には国内メーカーとの共同開発も検討したい」 is not.
    """
    text = sentence.norm
    hedges = [*markers.get("wish", []), *markers.get("vague", [])]
    return _has(text, markers.get("plan_intent", [])) and not _has(text, hedges)


def _periods(text: str, markers: Mapping[str, Sequence[str]]) -> list[tuple[int, int]]:
    """Spans of relative target dates (「5年後に」「3年以内に」, ``markers.relative_years``)."""
    ends = [re.escape(m) for m in markers.get("relative_years", [])]
    if not ends:
        return []
    return [(m.start(), m.end()) for m in re.finditer(r"(?:\d{1,2}|[一二三四五六七八九十]{1,2})(?:" + "|".join(ends) + ")", text)]


def dated_target(sentence: Sentence, markers: Mapping[str, Sequence[str]]) -> bool:
    """True when a clause of the plan sets a figure for a year (「令和11年度に年5万人（現状2万人）」「2030年までに売上10億円」
    「5年後に売上を2億円にする」)."""
    dates = [(y.start, y.end) for y in find_years(sentence.norm)] + _periods(sentence.norm, markers)
    for at, until in dates:
        start, end = clause_bounds(sentence, at)
        body = len(norm(sentence.context))
        if at >= body:  # the clause's own words, not the heading it stands under (「1 目指す姿」 names a section, sets no target)
            start = max(start, body)
        clause = sentence.norm[start:end]
        if clause_is_current(sentence, at, markers) or not _has(clause, markers.get("plan_intent", [])):
            continue
        if _has(sentence.norm, markers.get("input_figures", [])):
            continue  # 「投資額は約1,100億円で、2028年の稼働を予定」: what the plan spends is not a target it measures
        figures = [q for q in find_quantities(clause) if not (start + q.start < until and at < start + q.end)]
        if [q for q in figures if not is_share(clause, q)]:
            return True
    return False


_SHARE = re.compile(r"の\s*$")


def is_share(text: str, quantity: Quantity) -> bool:
    """True when a rate is written as a share of a whole (「技術者の8割を県内採用」「利益の4割を再投資」): a proportion of
    something else, not a figure of the aspect or a measured target of the plan."""
    return quantity.unit in ("%", "割") and bool(_SHARE.search(text, max(0, quantity.start - 2), quantity.start))


def from_to_target(sentence: Sentence) -> bool:
    """True when a clause moves a figure from a dated baseline to a later dated value: 「取引額を年120億円（2025年）から
    250億円（2030年）へ」「売上を3億円（2025年度）から6億円（2030年度）に」 — a target, whatever verb (if any) follows."""
    text = sentence.norm
    years = sorted({y.value for y in find_years(text)})
    if len(years) < 2:
        return False
    return len(find_quantities(text)) >= 2 and bool(re.search(r"\)から.{1,30}\)(?:へ|に|まで)", text))


def topic_not_yet(terms: Sequence[str], sentences: Sequence[Sentence], markers: Mapping[str, Sequence[str]], near: int) -> bool:
    """True when a not-yet marker (``markers.not_yet``) follows one of ``terms`` within ``near`` characters."""
    return bool(not_yet_sentences(terms, sentences, markers, near))


def not_yet_sentences(
    terms: Sequence[str], sentences: Sequence[Sentence], markers: Mapping[str, Sequence[str]], near: int
) -> list[Sentence]:
    """The sentences in which a not-yet marker (``markers.not_yet``) follows one of ``terms`` within ``near`` characters.

    「金融機関の参加は未定」「どのような商品をつくるかは…協議して決める」: the word is the topic of the not-yet, so that part
    of the requirement is not there yet; 「送電網の増強に関わる予算措置について、…調整はまだ始めていない」 speaks of something else.
    """
    cues = [compile_term(m) for m in markers.get("not_yet", [])]
    aside = [compile_term(m) for m in markers.get("not_yet_aside", [])]
    found: list[Sentence] = []
    for sentence in sentences:
        if sentence in found:
            continue
        for hit in every_hit(sentence, terms):
            topic = topic_end(sentence.norm, hit.end, near)
            for cue in cues:
                m = cue.search(sentence.norm, hit.end)
                if not m or m.start() - (topic if m.start() >= topic else hit.end) > near:
                    continue
                # 「重点支援企業への伴走支援の体制は今後検討」: the word is what something else is aimed at; that other thing is pending
                between = sentence.norm[hit.end : m.start()]
                # 「投資額は500億円、稼働時期は未定」: a topic of its own after a break is what is open, not the word
                if any(a.match(between) for a in aside) or _OTHER_TOPIC.search(sentence.norm, min(topic, m.start()), m.start()):
                    continue
                if sentence not in found:
                    found.append(sentence)
    return found


def every_hit(sentence: Sentence, terms: Sequence[str]) -> list[TermHit]:
    """Every occurrence of the terms, not only the leftmost: 「総投資額は200億円前後…、投資額は今後…決める」 says the
    second 投資額 is open."""
    hits = find_terms(sentence, terms)
    later = [
        TermHit(term=h.term, surface=m.group(0), start=m.start(), end=m.end())
        for h in hits for m in compile_term(h.term).finditer(sentence.norm, h.end)
    ]
    return [*hits, *later]


_OTHER_TOPIC = re.compile(r"、[^、。]*?[^\u3041-\u3096、(（]は")


_TOPIC = re.compile(r"[^、。,.:：]*?は(?=[、,]|まだ|いまだ|[^\u3041-\u309f])")


_JOINED = re.compile(r"[^、。,.:：はがを]{0,12}?や、?")


def topic_end(text: str, end: int, reach: int) -> int:
    """Where the topic phrase that begins with a word ends (after its 「は」), or the word's end when it is no topic.

    「数値目標の設定は、計画がまとまった段階で改めて検討する」: 数値目標 is what the clause's not-yet is about, however long
    the rest of its topic phrase; the not-yet window counts from the 「は」. A 「は」 beyond ``reach`` characters, or after
    a clause break, belongs to another topic.
    """
    # 「進み具合の数字の目標や、途中で見直すタイミングは、まだ決めていません」: a topic of nouns joined by 「や」 is one topic;
    # the reach counts from the last of them
    start = end
    while (joined := _JOINED.match(text, start, min(len(text), start + reach + 2))) is not None:
        start = joined.end()
    m = _TOPIC.match(text, start, min(len(text), start + reach + 2))  # room for the lookahead past the reach
    return m.end() if m and m.end() - start <= reach else end
