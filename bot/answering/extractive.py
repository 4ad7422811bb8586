"""The extractive path: quote and cite the hits that answer the question (whether they do: sufficiency.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from bot import messages
from bot.answering.answer import Answer, HitOut
from bot.answering.compose import (
    MAX_QUOTES,
    Quote,
    compose,
    intent_terms,
    pick_quotes,
    query_terms,
    suggestions,
    units,
)
from bot.answering.parts import asks_several, holds, part_quotes, unanswered_parts
from bot.answering.primary import (
    defining_unit,
    measure_names,
    names_measure,
    other_definitions,
)
from bot.answering.relevance import (
    NAMED_RECORD_KINDS,
    OWN_RECORD_KINDS,
    REPAIR_KINDS,
    asked_kind_quotes,
    asker_terms_dropped,
    cap_with_rate,
    fillers_dropped,
    is_filler,
    label_first,
    other_entries_kind_dropped,
    other_plans_dropped,
    plan_figure_from_entries_dropped,
    policy_folded,
    unasked_agency,
    unconfirmed_answer,
    unheld_kinds,
    unnamed_owner_dropped,
)
from bot.answering.sufficiency import covered, missing_specifics
from retrieval import regex as rx
from retrieval.index import LoadedIndex
from retrieval.normalize import normalize
from retrieval.types import Hit


def other_entries_dropped(query: str, quotes: Sequence[Quote]) -> list[Quote]:
    """When the question names the leading quote's catalog entry, the quotes of entries it does not name go
    (「持続化補助金の補助率」 is never answered with ものづくり補助金's 補助率) — unless the quote itself names what the
    question named (「100億宣言をした企業は15億円以上」 in another entry answers 「100億宣言…の条件」)."""
    if not quotes or not names_measure(query, quotes[0].hit):
        return list(quotes)
    text = normalize(query)
    named = [n for n in measure_names(quotes[0].hit) if n in text]
    return [q for q in quotes if q.hit.chunk.kind != "measure" or names_measure(query, q.hit)
            or any(n in normalize(q.text) for n in named)]


def best_line(lines: Sequence[str], terms: Sequence[str]) -> str:
    """Of the lines holding an asked kind, the one holding most of the question's words (the first on a tie):
    「最低いくら投資すれば」 → 「投資額が1億円以上」, not 「売上高10億円以上」."""
    return max(lines, key=lambda u: (sum(1 for t in terms if holds(set(query_terms(u)), t)), -lines.index(u)))


def every_kind(quotes: Sequence[Quote], kinds: Sequence[Sequence[str]], query: str = "") -> list[Quote]:
    """For each asked kind of fact no picked quote holds, the sentence of the leading chunk holding it that holds
    most of the question's words."""
    extra: list[Quote] = []
    lead = quotes[0].hit
    terms = query_terms(query)
    for patterns in kinds:
        asked = [rx.compiled(p) for p in patterns]
        if any(p.search(q.text) for q in [*quotes, *extra] for p in asked):
            continue
        shown = {q.text for q in [*quotes, *extra]}
        held = [u for u in units(lead.chunk) if u not in shown and any(p.search(u) for p in asked)]
        if held:
            extra.append(Quote(lead, best_line(held, terms), 0.0))
    return extra


def kind_lines_first(
    query: str, quotes: Sequence[Quote], kinds: Sequence[Sequence[str]], skip: Callable[[str], bool]
) -> list[Quote]:
    """When the leading quote is a catalog entry's and no quote holds an asked kind of fact, the entry's line holding
    it that shares most of the question's words leads (「じぞくかほじょきんっていくらまで」 → its 「通常枠の上限50万円」
    line, not a line without an amount); a quote already holding one is moved ahead of a lead that holds none."""
    if not quotes or quotes[0].hit.chunk.kind != "measure":
        return list(quotes)
    lead = quotes[0].hit
    terms = query_terms(query)
    firsts: list[Quote] = []
    for patterns in kinds:
        asked = [rx.compiled(p) for p in patterns]
        if any(p.search(q.text) for q in [*quotes, *firsts] for p in asked):
            continue
        shown = {q.text for q in [*quotes, *firsts]}
        held = [u for u in units(lead.chunk) if u not in shown and not skip(u) and any(p.search(u) for p in asked)]
        if held:
            firsts.append(Quote(lead, best_line(held, terms), quotes[0].score))
    out = [*firsts, *quotes]
    stating = [rx.compiled(p) for kind in kinds for p in kind]
    holding = next((q for q in out if q.hit.chunk.id == lead.chunk.id and any(p.search(q.text) for p in stating)), None)
    if holding is not None and holding is not out[0] and not any(p.search(out[0].text) for p in stating):
        out = [holding, *(q for q in out if q is not holding)]  # the line stating the asked fact comes first
    return out


def with_summary(quotes: Sequence[Quote]) -> list[Quote]:
    """A catalog answer made only of the entry's field lines (要件: / 金額等: …) ends with the entry's summary — what the
    measure is and for whom (「100億宣言を公表した中小企業が…」) — when there is room for it."""
    out = list(quotes)
    if not out or out[0].hit.chunk.kind != "measure" or len(out) > MAX_QUOTES:
        return out
    lead = out[0].hit
    lines = units(lead.chunk)
    summary = lines[0] if lines else None
    if summary is None or _FIELD_LINE.match(summary) or any(q.text == summary for q in out):
        return out
    if all(_FIELD_LINE.match(q.text) for q in out if q.hit.chunk.id == lead.chunk.id):
        out.append(Quote(lead, summary, 0.0))
    return out


_FIELD_LINE = re.compile(r"^[^:：。、]{1,12}[:：]")


def _quoted_beyond(hits: Sequence[Hit], quotes: Sequence[Quote]) -> list[Hit]:
    """The hits of quotes taken from chunks outside ``hits`` (a sibling under the lead's heading), once each."""
    seen = {h.chunk.id for h in hits}
    out: list[Hit] = []
    for quote in quotes:
        if quote.hit.chunk.id not in seen:
            seen.add(quote.hit.chunk.id)
            out.append(quote.hit)
    return out


_OFFER_LINE = re.compile(r"^支援内容[:：]")
_UNASKED_FIELD = re.compile(r"^(要件|対象|窓口|関係する計画|所管)[:：]")
MAX_OFFERS = 4  # an entry's 支援内容 lines quoted after its summary when the entry is defined


def entry_offers(entry: Hit, score: float, shown: set[str], about: Sequence[Quote]) -> list[Quote]:
    """What a catalog entry asked about as a whole gives: its 支援内容 lines (up to ``MAX_OFFERS``, in order) after
    the summary, then the other quotes without the field lines (要件: / 対象: / 窓口:) no one asked for."""
    offers = [Quote(entry, u, score) for u in units(entry.chunk) if _OFFER_LINE.match(u) and u not in shown]
    said = {q.text for q in offers[:MAX_OFFERS]}
    rest = [q for q in about if q.text not in said and not _UNASKED_FIELD.match(q.text)]
    return [*offers[:MAX_OFFERS], *rest]


def _unstated(hit_out: list[HitOut], meta: dict[str, Any], kind_ids: Sequence[tuple[str, Sequence[str]]]) -> Answer:
    """Decline: the asked kind of fact is not stated for what was asked."""
    names = [messages.KIND_NAMES[k] for k in dict.fromkeys(k for k, _ in kind_ids) if k in messages.KIND_NAMES]
    text = messages.REFUSE_KIND_UNSTATED.format(kinds="・".join(names) or "事項")
    return Answer(text=text, refused=True, hits=hit_out, meta={**meta, "reason": "unstated:" + ",".join(names)})


def extractive_answer(
    index: LoadedIndex,
    query: str,
    hits: Sequence[Hit],
    min_coverage: float,
    meta: dict[str, Any],
    answers: Sequence[str] = (),
    kinds: Sequence[Sequence[str]] = (),
    defines: str | None = None,
    kind_ids: Sequence[tuple[str, Sequence[str]]] = (),
    answers_of: Callable[[str], Sequence[str]] | None = None,
    whether: bool = False,
) -> Answer:
    """Quote the sentences that answer ``query`` with citations, or decline when the evidence is weak.

    ``kinds``: the sentence patterns of each kind of fact asked; when a question asks two (a date and a rate),
    the answering entry's sentence of each kind is quoted even if it ranks below the usual three.
    ``defines``: the term a definition question asks about; the leading hit's sentence defining it is quoted first.
    ``kind_ids``: the asked kinds by id (bot.answering.relevance): a count no top hit states declines the question.
    ``answers_of``: the sentence patterns of the kinds of fact a part of the question asks for (bot.answering.parts).
    ``whether``: the question asks whether a figure exists (「金額の基準あるの？」): with none quoted it is answered with a
    note, not declined."""
    hit_out = [HitOut.of(h) for h in hits]
    terms = query_terms(query)
    ok, best = covered(index, query, hits, min_coverage)
    ok = ok or defines is not None  # 「○○とは」 and ○○'s own heading or defining line leads: long polite wording aside
    meta["coverage"] = round(best, 3)
    meta["corpus_version"] = index.corpus_version
    if not ok or not terms or missing_specifics(query, hits):
        return Answer(text=messages.REFUSE_OUT_OF_SCOPE, refused=True, hits=hit_out, meta={**meta, "reason": "no_evidence"})
    idf = index.lexical["bm25"].idf
    asked = [rx.compiled(p) for p in answers]  # the kind of fact asked for (corpus/intents.yaml fact_kinds)
    agency_asked = any(kind == "agency" for kind, _ in kind_ids)
    picking = asker_terms_dropped(query, terms, hits, any(kind == "eligible" for kind, _ in kind_ids))
    quotes = pick_quotes(picking, hits, idf, index.synonyms, intent=intent_terms(query, index.synonyms), answers=asked,
                         skip=unasked_agency(agency_asked))
    if not quotes:
        return Answer(text=messages.REFUSE_OUT_OF_SCOPE, refused=True, hits=hit_out, meta={**meta, "reason": "no_evidence"})
    quotes = [*quotes, *every_kind(quotes, kinds, query)] if len(kinds) > 1 else quotes
    quotes, unheld = asked_kind_quotes(quotes, hits, [k for k in kind_ids if k[0] in REPAIR_KINDS], index.chunks)
    if unheld:  # 「何件」 and no top hit states a count: the sources do not say
        return Answer(text=messages.REFUSE_UNSTATED, refused=True, hits=hit_out,
                      meta={**meta, "reason": "unstated:" + ",".join(unheld)})
    quotes = other_plans_dropped(label_first(index, query, quotes, hits), query, index.plan_type_names)
    quotes = fillers_dropped(policy_folded(quotes, hits), query, agency_asked)
    named_lead = bool(quotes) and names_measure(query, quotes[0].hit)  # a lead the question names is the one asked
    own_record = [patterns for kind, patterns in kind_ids
                  if kind in OWN_RECORD_KINDS and (named_lead or kind not in NAMED_RECORD_KINDS)]
    quotes = other_entries_kind_dropped(other_entries_dropped(query, quotes), own_record,
                                        lambda hit: names_measure(query, hit))
    if quotes and defines is None:  # an asked kind no quote holds: the leading entry's line of that kind leads
        quotes = kind_lines_first(query, quotes, kinds, lambda u: is_filler(u, query, agency_asked))
        quotes = cap_with_rate(quotes, kind_ids)
    if answers_of is not None and quotes:  # 「登録に費用は？どんな支援が？」: the entry's line for each part, in order
        quotes = part_quotes(query, quotes, quotes[0].hit, idf, index.synonyms, answers_of,
                             skip=lambda u: is_filler(u, query, agency_asked))
        quotes = with_summary(quotes)
        quotes = unanswered_parts(query, quotes, hits, idf, index.synonyms,
                                  lambda t: t in index.lexical["bm25"].df or t in index.synonyms)
    quotes = plan_figure_from_entries_dropped(quotes, query, kind_ids, index.plan_type_names,
                                              any(names_measure(query, h) for h in hits),
                                              lambda hit: names_measure(query, hit))
    quotes = unnamed_owner_dropped(quotes, query, kind_ids, lambda hit: names_measure(query, hit))
    if not quotes:  # the figure asked of a plan is only another thing's: the sources do not state it
        return _unstated(hit_out, meta, kind_ids)
    first = defining_unit(units(hits[0].chunk), defines) if defines and hits else None
    if first is not None:  # the definition leads; the other quotes follow it when they are about the defined term
        term = normalize(defines or "")
        # an entry defined is also named by its aliases in a policy line (「国の委託事業(地方創生特区推進事業)を活用し」)
        names = [term, *(measure_names(hits[0]) if hits[0].chunk.kind == "measure" else [])]
        about = [q for q in quotes if q.text != first
                 and (q.hit.chunk.id == hits[0].chunk.id or any(n and n in normalize(q.text) for n in names))]
        others = [Quote(h, u, quotes[0].score) for h, u in other_definitions(index, query, defines or "")]
        shown = {first, *(q.text for q in others)}
        about = [q for q in about if q.text not in shown]
        limit = max(len(quotes), 1) + len(others)
        if hits[0].chunk.kind == "measure" and all(k == "benefit" for k, _ in kind_ids):
            # 「○○ってどんな制度？」「…の仕組みとメリットは」: what it gives, not who applies
            about = entry_offers(hits[0], quotes[0].score, shown, about)
            limit = max(limit, 1 + sum(1 for q in about[:MAX_OFFERS] if _OFFER_LINE.match(q.text)))
        quotes = [Quote(hits[0], first, quotes[0].score), *others, *about][:limit]
    elif kind_ids and all(k == "benefit" for k, _ in kind_ids) and quotes and names_measure(query, quotes[0].hit):
        # 「○○の認定を受けると何がいい」: every 支援内容 line of the entry asked about, in its order
        lead = quotes[0].hit
        offered = entry_offers(lead, quotes[0].score, set(), quotes)
        quotes = offered[:max(len(quotes), sum(1 for q in offered[:MAX_OFFERS] if _OFFER_LINE.match(q.text)))]
    asked_ids = [k for k in dict.fromkeys(kind for kind, _ in kind_ids) if k in messages.KIND_NAMES]
    unheld_ids = [k for k in unheld_kinds(quotes, kind_ids) if k in messages.KIND_NAMES]
    plain = unconfirmed_answer(quotes, unheld_ids, messages.KIND_NAMES) if unheld_ids == asked_ids else None
    if plain is not None and not asks_several(query):
        # 「…の補助率は」 and the entry lists its 補助率 as unconfirmed: say so, quote nothing
        return Answer(text=plain, refused=True, hits=hit_out, meta={**meta, "reason": "unconfirmed:" + ",".join(unheld_ids)})
    text, citations = compose(quotes)
    if plain is not None:  # 「どんなインフラに使える？補助率は？」: the other part answered, the unconfirmed one said so
        text = text.replace(f"\n\n{messages.SOURCES_HEADING}", f"\n{plain}\n\n{messages.SOURCES_HEADING}", 1)
        meta["unconfirmed"] = unheld_ids
    missing = [messages.KIND_NAMES[k] for k in unheld_kinds(quotes, kind_ids) if k in messages.KIND_NAMES
               and (plain is None or k not in unheld_ids)]
    if plain is None and defines is None and not whether and asked_ids and unheld_ids == asked_ids:
        # the one thing asked (a total budget, a score, a year) is in no quote: background quotes would not answer it
        return _unstated(hit_out, meta, kind_ids)
    if missing:  # a partly covered question: the covered part, and a plain line on what the sources do not say
        note = messages.KIND_NOT_STATED.format(kinds="・".join(missing))
        text = text.replace(f"\n\n{messages.SOURCES_HEADING}", f"\n{note}\n\n{messages.SOURCES_HEADING}", 1)
        meta["not_stated"] = missing
    follow = suggestions(hits, citations, audience=str(meta.get("audience", "staff")))
    hit_out += [HitOut.of(h) for h in _quoted_beyond(hits, quotes)]  # a cited chunk is always among the hits
    return Answer(text=text, citations=citations, hits=hit_out, suggestions=follow, meta=meta)
