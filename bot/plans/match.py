"""Support measures that fit a draft plan, ranked by need, applicant, plan type, thresholds and retrieval."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from bot.plans.labels import FIELD_LABELS
from bot.plans.lemmas import has_word
from bot.plans.match_limits import criterion_status, other_public_level, ruled_out_by_kind
from bot.plans.match_result import MatchResult, MeasureMatch
from bot.plans.needs import Figure, NeedHit, detect_applicants, detect_figures, detect_needs
from bot.plans.plan import Plan, as_plan
from bot.plans.plan_type import choose_plan_type
from bot.plans.ports import Search
from bot.plans.tense import clause_is_current
from bot.plans.terms import Sentence, body_of, find_terms, marked, norm, split_sentences
from retrieval.chunk import APPLICANT_NAMES, PLAN_TYPE_NAMES, chunk_document
from retrieval.schema import Measure

if TYPE_CHECKING:
    from retrieval.corpus import Corpus

CATALOG_TITLE = "国の支援施策カタログ"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bigrams(text: str) -> set[str]:
    t = norm(text)
    return {t[i : i + 2] for i in range(len(t) - 1) if not t[i : i + 2].isspace()}


def _closest_line(sentence: str, measure: Measure) -> tuple[str, int]:
    """The catalog line of the measure that shares the most with the plan sentence, and how many bigrams."""
    lines = [measure.summary, *measure.provides, *measure.eligibility]
    grams = {g for g in _bigrams(sentence) if re.search(r"[\u3400-\u9fff\u30a1-\u30fa]", g)}
    best = max(lines, key=lambda line: len(grams & _bigrams(line)) / (1 + len(_bigrams(line)) ** 0.5))
    return best, len(grams & _bigrams(best))


def _retrieve(search: Search, sentences: Sequence[Sentence], needs: Sequence[NeedHit], title: str, depth: int) -> dict[str, list[tuple[int, Sentence]]]:
    """Search the measure catalog with each sentence that states a need; ranks per measure id."""
    queries: list[Sentence] = []
    for need in needs:
        for s in need.sentences:
            if s not in queries:
                queries.append(s)
    if not queries:
        queries = list(sentences[:8])
    summary = Sentence(title + " " + " ".join(w for n in needs for w in n.words[:2]), "", -1)
    ranks: dict[str, list[tuple[int, Sentence]]] = {}
    for s in [*queries[:14], summary]:
        text = s.text.strip()
        if not text:
            continue
        for rank, hit in enumerate(search(text, k=depth, filters={"kind": "measure"}), start=1):
            mid = hit.chunk.id.removeprefix("measure:")
            ranks.setdefault(mid, []).append((rank, s))
    return ranks


def _name_mentions(measure: Measure, plan_norm: str, generic: set[str]) -> list[str]:
    names = [measure.name, *measure.aliases]
    found: list[str] = []
    for name in sorted(names, key=len, reverse=True):
        n = norm(name)
        if n in generic or len(n) < (3 if n.isascii() else 4):
            continue
        if n in plan_norm and not any(n in f for f in found):
            found.append(n)
    return found


def _signature_mentions(measure: Measure, sentences: Sequence[Sentence], vocab: Mapping[str, Any]) -> list[str]:
    """The plan's words for what only this measure provides (``measure_signatures``), outside today's situation."""
    terms = list((vocab.get("measure_signatures") or {}).get(measure.id, []))
    markers = vocab.get("markers", {})
    negation = list(markers.get("negation", []))
    asking = [*markers.get("wish", []), *markers.get("request", [])]  # 「…が不足しており、…人材を採用して任せたい」 asks, whatever today is
    found: list[str] = []
    for s in sentences:
        for hit in find_terms(s, terms):
            if marked(s, hit, negation):
                continue
            if marked(s, hit, asking) or not clause_is_current(s, hit.start, markers):
                found.append(hit.surface)
    return list(dict.fromkeys(found))


def _policy_refs_for(measure: Measure, section: str) -> list[str]:
    refs = [r for r in measure.policy_refs if r == section or r.startswith(section + " > ")]
    return refs


def _citations(measure: Measure, refs: Sequence[str], policy_title: str, policy_as_of: str) -> list[dict[str, str]]:
    url = "" if measure.source_url.startswith("policy:") else measure.source_url
    out = [{"title": CATALOG_TITLE, "section": measure.name, "url": url, "as_of": measure.as_of}]
    for ref in refs:
        out.append({"title": policy_title, "section": ref, "url": "", "as_of": policy_as_of})
    return out


def score_measure(
    measure: Measure,
    *,
    plan_type: str,
    plan_section: str,
    needs: Sequence[NeedHit],
    applicants: Mapping[str, list[str]],
    figures: Mapping[str, list[Figure]],
    ranks: Sequence[tuple[int, Sentence]],
    plan_norm: str,
    vocab: Mapping[str, Any],
    policy: tuple[str, str],
    sentences: Sequence[Sentence] = (),
    likely_type: str = "",
) -> MeasureMatch:
    """Score one measure for the plan and say why, line by line, in Japanese (``likely_type``: the plan type guessed
    even when not confidently, for :func:`bot.plans.match_limits.other_public_level`)."""
    w = {k: float(v) for k, v in (vocab.get("match_weights") or {}).items()}
    strict = not bool((vocab.get("match_weights") or {}).get("criterion_missed_listable", True))
    result = MeasureMatch(measure=measure, score=0.0)
    reasons, caveats = result.reasons, result.caveats
    by_tag = {n.tag: n for n in needs}
    shared = [by_tag[t] for t in measure.needs if t in by_tag]
    shared.sort(key=lambda n: -n.weight)
    focus = (vocab.get("match_focus") or {}).get(measure.id) or {}
    primary = [t for t in focus.get("primary", []) if t in by_tag]
    if (focus.get("primary") and not primary) or len(shared) < int(focus.get("min_needs", 1)):
        # a broad measure (a law framework, a general window) fits only when the plan asks for what it mainly gives
        shared = []
    result.needs = [n.tag for n in shared]
    if shared:
        top = shared[: int(w.get("need_cap", 3))]
        result.score += w.get("need", 2.0) * len(top)
        words = "』『".join(dict.fromkeys(word for n in top for word in n.words[:2]))
        reasons.append(f"計画の『{words}』に対応（ニーズ: {'・'.join(n.tag for n in top)}）")
        requested = [n for n in top if n.requested]
        if requested:
            result.score += w.get("need_requested", 1.0)
            s = requested[0].requested[0]
            reasons.append(f"計画は「{_short(body_of(s))}」と支援を求めています")
    else:
        result.score += w.get("no_need", -2.0)
    hits = sorted(ranks, key=lambda r: r[0])
    if hits:
        best_rank, best_sentence = hits[0]
        result.score += w.get("retrieval", 3.0) / best_rank
        close = [r for r in hits if r[0] <= 3]
        result.score += w.get("retrieval_sentences", 1.0) * min(2, max(0, len({id(r[1]) for r in close}) - 1))
        result.retrieved = best_sentence.index >= 0 and best_rank <= 3
        if best_sentence.index >= 0 and best_rank <= 3:
            line, shared_grams = _closest_line(best_sentence.text, measure)
            if shared_grams >= 4:
                reasons.append(f"計画の「{_short(body_of(best_sentence))}」が、この施策の「{_short(line, 50)}」に近い内容です")
            else:
                reasons.append(f"計画の「{_short(body_of(best_sentence))}」で支援施策カタログを検索すると{best_rank}位に出ます")
    scope: Mapping[str, Any] = (vocab.get("scopes") or {}).get(measure.id) or {}
    out_of_scope = bool(scope) and not any(has_word(plan_norm, norm(t)) for t in scope.get("terms", []))
    result.outside = out_of_scope
    result.in_scope = bool(scope) and not out_of_scope
    if out_of_scope:  # 「北米」 is not 米: the plan's words are read as whole words
        result.score += w.get("out_of_scope", -4.0)
        caveats.append(f"この施策の対象は{scope.get('label', '特定の分野')}です。計画にその分野の産品・事業の記載がありません")
    ruled_out = ruled_out_by_kind(measure, applicants, vocab, figures)
    likely = plan_type or likely_type
    if likely and likely not in measure.plan_types:  # the plan's type and public body both other than the measure's
        ruled_out = ruled_out or other_public_level(measure, applicants)
    mentions = _name_mentions(measure, plan_norm, {norm(g) for g in vocab.get("generic_aliases", [])})
    if mentions:
        result.named = True
        result.score += w.get("name_in_plan", 3.0)
        reasons.append(f"計画が『{'』『'.join(mentions[:2])}』に言及しています")
    signed = [] if mentions else _signature_mentions(measure, sentences, vocab)
    if signed:  # 「交付金の優先採択を受けて」: what only this measure gives, asked for in the plan's words
        result.score += w.get("signature", 2.0)
        reasons.append(f"計画の『{'』『'.join(signed[:2])}』はこの施策が提供するものです")
    if ruled_out and not signed:
        caveats.append(ruled_out)
    refs = _policy_refs_for(measure, plan_section)
    type_name = PLAN_TYPE_NAMES.get(plan_type, plan_type)
    if not plan_type:  # the plan type is not known: say nothing about fit rather than something wrong
        pass
    elif plan_type in measure.plan_types:
        result.score += w.get("plan_type_fit", 1.0)
        if refs:
            result.score += w.get("policy_named", 0.5)
            wording = f"「{measure.policy_wording}」として" if measure.policy_wording else ""
            reasons.append(f"政策文書が{type_name}の支援として{wording}挙げています")
    else:
        result.score += w.get("plan_type_miss", -2.0)
        caveats.append(f"カタログではこの施策は{type_name}向けとされていません。計画での使い方を確認してください")
    fits = [a for a in measure.applicants if a in applicants]
    if fits:
        result.score += w.get("applicant_fit", 0.5)
        a = fits[0]
        reasons.append(f"申請できる主体（{APPLICANT_NAMES.get(a, a)}）が計画の『{applicants[a][0]}』に当たります")
    elif measure.applicants and "any_business" not in measure.applicants:
        result.score += w.get("applicant_miss", -1.5)
        who = "・".join(APPLICANT_NAMES.get(a, a) for a in measure.applicants)
        caveats.append(f"申請できるのは{who}です。計画の担い手が当たるか確認してください")
    for c in measure.criteria:
        status, figure = criterion_status(c, figures)
        check = "" if c.verified else "（要確認）"
        if status == "met" and figure:
            result.score += w.get("criterion_met", 1.0)
            reasons.append(f"計画の{FIELD_LABELS[c.field]}{figure.shown()}は「{c.label}」を満たします{check}")
        elif status == "missed" and figure:
            result.score += w.get("criterion_missed", -4.0)
            result.missed = True
            caveats.append(f"計画の{FIELD_LABELS[c.field]}{figure.shown()}では「{c.label}」を満たしません{check}")
        else:
            caveats.append(f"計画に{FIELD_LABELS[c.field]}の記載がありません。「{c.label}」を満たすことを示してください{check}")
    caveats += [f"要件: {e}" for e in measure.eligibility[:3]]
    if not measure.verified:
        result.unverified = list(measure.unverified)
    result.citations = _citations(measure, refs or measure.policy_refs[:1], *policy)
    # what only this measure gives, asked for (「うち3社は売上高100億円を目指す」), keeps it in despite a size limit
    result.missed = ((result.missed and strict and not result.named) or (out_of_scope and not result.named)
                     or (bool(ruled_out) and not (result.named or signed)))
    return result


COVER_WEIGHT = 2.0  # a need stated this firmly (NeedHit.weight) gets a measure of its own in the top n (cover_needs)
COVER_SHARE = 0.5  # ... when its best measure scores at least this share of the one whose place it takes


def cover_needs(listed: Sequence[MeasureMatch], n: int, weights: Mapping[str, float]) -> list[MeasureMatch]:
    """The first ``n`` measures, each need the plan states firmly (``weights``: NeedHit.weight, at least
    ``COVER_WEIGHT``) that a listed measure serves covered by one of them.

    Five export measures would leave a food-export plan's 「国の交付金で賄う」 unanswered: the best measure for a need
    none of the first ``n`` serves takes the place of the lowest one whose main need (the catalog's first) a higher
    one already has as its main need — a second measure for the same thing — when it scores at least ``COVER_SHARE``
    of that one's score. Without such a place nothing moves."""
    top = list(listed[:n])
    for extra in listed[n:]:
        served = {t for r in top for t in r.needs}
        if not [t for t in extra.needs if t not in served and weights.get(t, 0.0) >= COVER_WEIGHT]:
            continue
        spare = next((i for i in range(len(top) - 1, 0, -1)
                      if not top[i].named and _main_need(top[i]) and _main_need(top[i]) in {_main_need(r) for r in top[:i]}),
                     None)
        if spare is None:
            break
        if extra.score < COVER_SHARE * top[spare].score:  # a weak match does not displace a strong one
            continue
        top = [*top[:spare], *top[spare + 1:], extra]
    return top


def _main_need(result: MeasureMatch) -> str:
    """The measure's main need (the first of its catalog needs), or "" when it has none."""
    return result.measure.needs[0] if result.measure.needs else ""


def _policy(corpus: Corpus) -> tuple[str, str]:
    for doc in corpus.documents:
        if doc.kind == "policy":
            return doc.title, doc.as_of
    return "政策文書", ""


def policy_promises(corpus: Corpus, plan_type: str, vocab: Mapping[str, Any]) -> list[dict[str, str]]:
    """What the policy promises plans of this type (quoted bullets with their section)."""
    sections = (vocab.get("policy_promises") or {}).get(plan_type, [])
    out: list[dict[str, str]] = []
    for doc in corpus.documents:
        if doc.kind != "policy":
            continue
        for chunk in chunk_document(doc):
            if chunk.section in sections:
                lines = [line.strip() for line in chunk.body.splitlines()]
                out += [{"quote": line, "section": chunk.section} for line in lines if len(line) >= 6]
    return out


def match_plan(
    plan: Plan | str,
    *,
    corpus: Corpus,
    vocab: Mapping[str, Any],
    search: Search,
    n: int = 5,
    plan_type: str | None = None,
) -> MatchResult:
    """The ``n`` catalog measures that best fit the plan, each with reasons, caveats and citations."""
    plan = as_plan(plan)
    guess = choose_plan_type(plan, corpus.plan_types, plan_type, vocab.get("plan_type_detection", {}))
    ptype = corpus.plan_type(guess.plan_type)
    sentences = split_sentences(plan.text)
    needs = detect_needs(sentences, vocab)
    figures = detect_figures(sentences, vocab)
    applicants = detect_applicants(sentences, vocab, figures)
    if not needs and not figures and max(guess.scores.values(), default=0) <= 0:
        from retrieval.errors import Code, DeskError

        raise DeskError(
            Code.NO_TEXT,
            "計画から支援ニーズを読み取れませんでした。",
            "計画案に、取り組む内容（海外販路、設備投資、人材、事業承継など）や投資額・従業員数を記載してください。",
        )
    depth = int((vocab.get("match_weights") or {}).get("retrieval_depth", 8))
    ranks = _retrieve(search, sentences, needs, plan.title, depth)
    policy = _policy(corpus)
    plan_norm = norm(plan.text)
    scored = [
        score_measure(
            m,
            plan_type="" if guess.low_confidence and not guess.overridden else ptype.id,
            plan_section=ptype.section,
            needs=needs,
            applicants=applicants,
            figures=figures,
            ranks=ranks.get(m.id, []),
            plan_norm=plan_norm,
            vocab=vocab,
            policy=policy,
            sentences=sentences,
            likely_type=ptype.id,
        )
        for m in corpus.measures
    ]
    scored.sort(key=lambda r: (-r.score, r.measure.id))
    return MatchResult(
        plan_type=ptype.id,
        plan_type_name=ptype.name,
        confidence=guess.confidence,
        low_confidence=guess.low_confidence,
        type_note=guess.note({ptype.id: ptype.name}),
        title=plan.title,
        needs=needs,
        figures=figures,
        applicants=applicants,
        results=cover_needs([r for r in scored if r.listable], max(1, n), {t.tag: t.weight for t in needs}),
        excluded=[r for r in scored if r.missed and r.needs and (r.score > 0 or not r.outside)][:3],
        choices=guess.choices(corpus.plan_types),
        promises=policy_promises(corpus, ptype.id, vocab),
    )
