"""After retrieval: the hits ordered for what the question asks (the defining passage, the named measure, the policy
passage first), the evidence judged and quoted — or the whole list asked for — for both composers."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bot.answering.answer import Answer, HitOut
from bot.answering.compose import Quote, compose, units
from bot.answering.enumeration import asks_list, plan_types_overview, whole_list
from bot.answering.extractive import extractive_answer
from bot.answering.offers import offers_answer
from bot.answering.others import names_of, without_given
from bot.answering.primary import (
    asking_sentence,
    heading_first,
    named_measures_first,
    names_measure,
    policy_asked,
    policy_first,
)
from bot.answering.relevance import named_labels
from retrieval import regex as rx
from retrieval.corpus import Corpus
from retrieval.index import LoadedIndex
from retrieval.normalize import normalize
from retrieval.questions import Intents
from retrieval.types import Hit

# 「「地場産業成長プラン」の策定については、2. (4)と同じ。」: the passage answers by pointing at another section
_SAME_AS = re.compile(r"(\d+)[.．]\s*[(（](\d+)[)）]\s*と同じ")

NOT_RECORD_KINDS = ("benefit",)  # asked kinds that are no measure's own record: they do not make its entry lead


def followed_reference(index: LoadedIndex, hits: Sequence[Hit], answer: Answer) -> tuple[list[Hit], Answer] | None:
    """When the leading quote only points at another section (「…については、2. (4)と同じ。」), that quote followed by
    the opening sentence of the referred section and of each of its sub-headings, in document order; else None."""
    if answer.refused or not answer.citations or (m := _SAME_AS.search(answer.citations[0].quote)) is None:
        return None
    top, sub = m.groups()
    head = rx.compiled(rf"^{top}[.．]\s.* > [(（]{sub}[)）][^>]*")
    prefix = next((hm.group(0) for c in index.chunks if c.kind == "policy" and (hm := head.match(c.section))), None)
    chunks = {c.id: c for c in index.chunks}
    lead = chunks.get(answer.citations[0].chunk_id)
    if prefix is None or lead is None:
        return None
    firsts: dict[str, Hit] = {}
    for c in index.chunks:
        if c.kind == "policy" and (c.section == prefix.rstrip() or c.section.startswith(prefix.rstrip() + " > ")):
            firsts.setdefault(c.section, Hit(chunk=c, score=0.0))
    quotes = [Quote(Hit(chunk=lead, score=0.0), answer.citations[0].quote, 1.0)]
    quotes += [Quote(h, found[0], 0.5) for h in firsts.values() if (found := units(h.chunk))]
    if len(quotes) < 2:
        return None
    text, citations = compose(quotes)
    ids = {q.hit.chunk.id for q in quotes}
    shown = [*(q.hit for q in quotes), *(h for h in hits if h.chunk.id not in ids)]
    meta = {**answer.meta, "reference": prefix.rstrip()}
    return shown, Answer(text=text, citations=citations, hits=[HitOut.of(h) for h in shown], meta=meta)


class FullSearch(Protocol):
    """The desk's search with every option."""

    def __call__(
        self, query: str, k: int | None = None, mode: str = "hybrid", filters: Mapping[str, str] | None = None,
        dense_query: str | None = None,
    ) -> list[Hit]: ...


@dataclass(frozen=True)
class Grounding:
    """Retrieval and the extractive answer over it (built per request; every part is cached where it lives)."""

    index: Callable[[], LoadedIndex]
    intents: Intents
    corpus: Callable[[], Corpus]
    search: FullSearch
    min_coverage: float

    def extractive(
        self, query: str, k: int | None, mode: str, filters: Mapping[str, str] | None, meta: dict[str, Any],
        asked: str | None = None,
    ) -> tuple[list[Hit], Answer]:
        """The hits the answer stands on and the extractive answer: the whole list when one is asked (「全部」「要件には
        何がありますか」) — its hits then hold every quoted chunk — else the quotes. The LLM composer gets the same
        hits as context and the same answer as its fallback."""
        hits, answer = self.evidence(query, k, mode, filters, meta, asked)
        index, corpus = self.index(), self.corpus()
        sections = {n: p.section for p in corpus.plan_types for n in [p.name, *p.aliases]}
        asking = f"{query} {asked}" if asked else query
        if self.intents.has(asking, "overview") and not any(n and n in query for n in sections) \
                and not any(names_measure(query, h) for h in hits[:5]):
            types = [(p.name, p.section) for p in corpus.plan_types]
            overview = plan_types_overview(index, types, hits, meta)
            if overview is not None:  # 「地域未来戦略の3つの類型は」: each plan type's opening passage and its plan's name
                chunks = {c.id: c for c in index.chunks}
                return [Hit(chunk=chunks[h.chunk_id], score=h.score) for h in overview.hits if h.chunk_id in chunks], overview
        listed, kind = asks_list(self.intents, query, asking, sections, named_labels(index, query))
        if listed:  # the items of one section or enumeration, whole
            named = any(n in query for n in sections)
            refs = {normalize(m.name): m.policy_refs for m in corpus.measures}
            about_policy = self.intents.has(asking, "about_policy")
            whole = whole_list(index, query, hits, sections, meta, refs, entries=not about_policy, kind=kind)
            if whole is not None and (named or not answer.refused):
                chunks = {c.id: c for c in index.chunks}
                return [Hit(chunk=chunks[h.chunk_id], score=h.score) for h in whole.hits if h.chunk_id in chunks], whole
        followed = followed_reference(index, hits, answer)
        return followed if followed is not None else (hits, answer)

    def evidence(
        self, query: str, k: int | None, mode: str, filters: Mapping[str, str] | None, meta: dict[str, Any],
        asked: str | None = None,
    ) -> tuple[list[Hit], Answer]:
        """Retrieve, order the hits, check the evidence covers the query, and build the extractive answer (or the
        refusal). ``asked``: a foreign question as asked (its own words say what it asks: 몇 곳, how much)."""
        intents, index = self.intents, self.index()
        asking = f"{query} {asked}" if asked else query
        answers = intents.answer_patterns(asking)
        about_policy = intents.has(asking, "about_policy")  # 「政策文書に書いてある範囲で」
        # a fact asked is a measure's record (its 上限), so its entry may lead — not the merits asked of anything (benefit)
        record_asked = any(kind not in NOT_RECORD_KINDS for kind, _ in intents.asked_kind_ids(asking))
        about_measure = (record_asked or intents.has(query, "about_measure")) and not about_policy
        found = self.search(query, k=k, mode=mode, filters=filters, dense_query=asked)
        if meta.get("given_measures"):  # 「他には？」: the measures earlier answers gave are not given again
            given = set(meta["given_measures"])
            found = without_given(found, {m.name: names_of(m) for m in self.corpus().measures if m.name in given})
        defines = None
        # a foreign question is read for it in its own words too, alone: a pattern anchored at its start (「^what is」)
        # cannot match after the Japanese query
        definition = intents.has(asking, "definition") or bool(asked and intents.has(asked, "definition"))
        # a requirement label named (「…要件里的"EBPM"指的是什么」) is the term asked, not the plan type's heading around it
        bracketed = [lb for lb in named_labels(index, query) if any(f"【{lb}】" in c.text for c in index.chunks)]
        if definition and not bracketed:
            found, defines = heading_first(index, query, found)
        hits = policy_first(index, query, named_measures_first(query, found), about_measure)
        # 「JETROはどんな支援をしてくれる」: every entry that body runs — not when a fact is asked of it (「收费吗」)
        if intents.has(asking, "offers") and not intents.asked_kind_ids(asking):
            offered = offers_answer(index, asking, hits, meta)
            if offered is not None:
                return hits, offered
        if about_policy and defines is None:  # a defining policy passage already leads
            refs = {normalize(m.name): m.policy_refs for m in self.corpus().measures}
            hits = policy_asked(index, query, hits, refs)
        if defines is not None and hits[0].chunk.id != found[0].chunk.id:
            defines = None  # another passage was moved ahead of the defining one
        if definition:  # 「…「レビキャリ事業」って…これ何ですか？」: the entry's summary leads
            entry = next((h for h in hits[:5] if names_measure(query, h)), None)
            # a measure named after the defined heading (「支援メニューに「レビキャリ事業」…」) is the one asked about
            # — in the sentence that asks it: 「ハブ度は何を何で割ったもの？重点支援企業の説明に使いたい」 asks ハブ度
            if entry is not None and names_measure(asking_sentence(query, defines), entry, after=defines):
                hits = [entry, *(h for h in hits if h is not entry)]
                defines = entry.chunk.title
        kinds = intents.asked_kinds(asking)
        listed = intents.has(query, "list")  # 「いくつあって、それぞれ」 is answered by the whole list
        kind_ids = [kd for kd in intents.asked_kind_ids(asking) if not (listed and kd[0] == "count")]
        return hits, extractive_answer(
            index, query, hits, self.min_coverage, meta, answers, kinds, defines, kind_ids,
            answers_of=intents.answer_patterns, whether=intents.asks_whether(asking),
        )
