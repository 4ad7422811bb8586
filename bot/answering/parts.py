"""Asked parts: a question asking several things of one catalog entry (「登録にお金がかかりますか。どんな支援が受け
られますか」「どんなインフラが対象で、選定はどういう観点で」) gets the entry's line answering each part, in the order
asked, before the other quotes."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bot.answering.compose import IdfFn, Quote, Synonyms, query_terms, units
from bot.answering.primary import measure_names
from retrieval import regex as rx
from retrieval.normalize import normalize
from retrieval.types import Hit

# a question's parts: its sentences, and clauses joined by 「…で、」「…て、」「…し、」
_PART_END = re.compile(r"[。？?！!]+|(?<=[でてし])[、,]")
MIN_PART_CHARS = 4
KIND_BONUS = 0.5  # a line holding the kind of fact a part asks for (「何か所」→ 47都道府県)


# a part that asks something (「…かかりますか」「どんなインフラが対象」「予算額も分かれば」「…が要ると聞きました」), not a
# preface (「県の産業振興課の者です」)
_ASKS = re.compile(
    r"(か|かね|の|かな|っけ|いけない|ならない)$|何|なに|どう|どんな|どの|どれ|いくら|いくつ|いつ|どこ|誰|だれ|教え|ください"
    r"|知りたい|(分|わ)かれば|と聞|って聞"
    r"|(定義|意味|条件|基準|内訳|対象|期限|金額|上限|補助率|採択率|違い)も$"  # 「…の定義も」: a fact asked as well
)
# a part asking a term's meaning keeps the term though it names the entry (「高付加価値旅行者の定義も」)
_DEFINED = "(の定義|の意味|とは|って何|ってなに)"


def asked_parts(question: str) -> list[str]:
    """The parts of a question that each ask something (at least two, else none)."""
    parts = [p.strip() for p in _PART_END.split(question) if len(p.strip()) >= MIN_PART_CHARS]
    parts = [p for p in parts if _ASKS.search(p)]
    return parts if len(parts) >= 2 else []


_QUESTION_END = re.compile(r"([^。？?！!]+)([。？?！!]*)")


def asks_several(question: str) -> bool:
    """True when a question asks two or more things: its asked parts, a sentence ending in 「？」 counted as asked
    (「…どんなインフラに使えますか。補助率は？」), a preface (「県の担当です。」) not."""
    if asked_parts(question):
        return True
    asked = [body for body, end in _QUESTION_END.findall(question)
             if len(body.strip()) >= 3 and (("?" in end or "？" in end) or _ASKS.search(body.strip()))]
    return len(asked) >= 2


def holds(words: set[str], term: str) -> bool:
    """True when a line's words hold a term, also as part of a compound (投資 in 投資額, 予算 in 予算額)."""
    return term in words or (len(term) >= 2 and any(term in w for w in words))


def _part_score(
    terms: Sequence[str], unit: str, idf: IdfFn, synonyms: Synonyms, answers: Sequence[re.Pattern[str]]
) -> float:
    """How well a line answers one part: the part's own words the line holds (IDF-weighted), plus a held asked kind."""
    own = set(query_terms(unit))
    total = sum(idf(t) for t in terms)
    held = sum(idf(t) for t in terms if holds(own, t) or any(s in own for s in synonyms.get(t, ())))
    kind = KIND_BONUS if any(p.search(unit) for p in answers) else 0.0
    return (held / total if total else 0.0) + kind


def part_quotes(
    question: str,
    quotes: Sequence[Quote],
    lead: Hit,
    idf: IdfFn,
    synonyms: Synonyms,
    answers_of: Callable[[str], Sequence[str]],
    skip: Callable[[str], bool] = lambda _unit: False,
) -> list[Quote]:
    """The quotes led by the line of the leading catalog entry that best answers each asked part, in the order
    asked (``answers_of``: the sentence patterns of the kinds of fact a part asks for). The entry's name in a part
    does not count, and nothing already quoted is dropped."""
    parts = asked_parts(question)
    if not parts or lead.chunk.kind != "measure":
        return list(quotes)
    names = sorted(measure_names(lead), key=len, reverse=True)
    lines = [u for u in units(lead.chunk) if not skip(u)]
    firsts: list[Quote] = []
    for part in parts:
        asked = normalize(part)
        for name in names:  # the entry's name is not what a part asks (「…インフラ整備推進交付金は、どんなインフラが」)
            if not rx.search(re.escape(name) + _DEFINED, asked):
                asked = asked.replace(name, " ")
        terms = query_terms(asked)
        answers = [rx.compiled(p) for p in answers_of(part)]
        if not terms and not answers:
            continue
        scored = [(_part_score(terms, u, idf, synonyms, answers), -i, u) for i, u in enumerate(lines)]
        best = max(scored, default=(0.0, 0, ""))
        if best[0] > 0 and all(best[2] != q.text for q in firsts):
            score = next((q.score for q in quotes if q.text == best[2]), quotes[0].score if quotes else 0.0)
            firsts.append(Quote(lead, best[2], score))
    if len(firsts) < 2:  # one part answered: the usual picks already lead with it
        return list(quotes)
    shown = {q.text for q in firsts}
    return [*firsts, *(q for q in quotes if q.text not in shown)]


# 「そのあと誰に報告」: the words joining a part to the one before are not what it asks
_SEQUENCE = re.compile(r"^(その(あと|後|上で)|それから|そして|次に|さらに)[、,]?")
PART_SHARE = 0.5  # share of a part's own words (IDF-weighted) a quote must hold to answer that part
LINE_SHARE = 0.4  # ... and a line added for it, holding a word of the part no quote holds


def unanswered_parts(
    question: str,
    quotes: Sequence[Quote],
    hits: Sequence[Hit],
    idf: IdfFn,
    synonyms: Synonyms,
    known: Callable[[str], bool],
    look: int = 5,
) -> list[Quote]:
    """A policy answer to a question of several parts (「どこが中心になって、どういう単位で作られ、そのあと誰に報告される
    のですか」): for a part whose own words (those the sources know, ``known``) no quote holds half of, the line of the
    top hits holding most of them and one no quote holds (「…副大臣会議にて報告する。」) is added after the quotes."""
    parts = asked_parts(question)
    if not parts or not quotes or quotes[0].hit.chunk.kind == "measure":
        return list(quotes)
    shared = set.intersection(*(set(query_terms(p)) for p in parts))
    out = list(quotes)
    for part in parts:
        terms = [t for t in query_terms(_SEQUENCE.sub("", part)) if t not in shared and known(t)]
        if not terms or max(_part_score(terms, q.text, idf, synonyms, ()) for q in out) >= PART_SHARE:
            continue
        held = [set(query_terms(q.text)) for q in out]
        unheld = [t for t in terms if not any(holds(w, t) or any(s in w for s in synonyms.get(t, ())) for w in held)]
        shown = {q.text for q in out}
        scored = [(_part_score(terms, u, idf, synonyms, ()), -rank, h, u)
                  for rank, h in enumerate(hits[:look]) for u in units(h.chunk) if u not in shown
                  and _part_score(unheld, u, idf, synonyms, ()) > 0]
        best = max(scored, default=None, key=lambda s: (s[0], s[1]))
        if best is not None and best[0] >= LINE_SHARE:
            out.append(Quote(best[2], best[3], 0.0))
    return out
