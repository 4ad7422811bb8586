"""Extractive composer: picks the sentences that answer the question and cites them; never invents text."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from bot import messages
from bot.answering.answer import Citation
from bot.answering.caveats import needs_check, past_deadline
from retrieval.tokenize import STOPWORDS, sudachi_tokens
from retrieval.types import Chunk, Hit

IdfFn = Callable[[str], float]
_SENTENCE_END = re.compile(r"(?<=。)")
MAX_QUOTES = 3
MAX_UNIT_CHARS = 160
SECTION_CREDIT = 0.6
INTENT_BONUS = 0.5  # the sentence holds what the question word asks for (a date for いつ, 円 for いくら)  # a query term found only in the heading path counts this much


@lru_cache(maxsize=8192)
def _tokens(text: str) -> frozenset[str]:
    return frozenset(sudachi_tokens(text))


def query_terms(question: str) -> list[str]:
    """Unique content terms of a question, in order."""
    return list(dict.fromkeys(sudachi_tokens(question)))


def units(chunk: Chunk) -> list[str]:
    """Quotable units of a chunk: its lines, long lines split into sentences."""
    out: list[str] = []
    for line in chunk.body.splitlines():
        line = line.strip()
        if not line:
            continue
        if len(line) <= MAX_UNIT_CHARS:
            out.append(line)
        else:
            out.extend(s.strip() for s in _SENTENCE_END.split(line) if s.strip())
    return out


def _weighted(terms: Sequence[str], found: Callable[[str], float], idf: IdfFn) -> float:
    total = sum(idf(t) for t in terms)
    return sum(idf(t) * found(t) for t in terms) / total if total else 0.0


Synonyms = Mapping[str, Sequence[str]]


def _has(term: str, tokens: frozenset[str], synonyms: Synonyms) -> bool:
    return term in tokens or any(alt in tokens for alt in synonyms.get(term, ()))


def coverage(terms: Sequence[str], chunk: Chunk, idf: IdfFn, synonyms: Synonyms | None = None) -> float:
    """IDF-weighted share of the question's terms (or their synonyms) that a chunk contains."""
    have, syn = _tokens(chunk.text), synonyms or {}
    return _weighted(terms, lambda t: 1.0 if _has(t, have, syn) else 0.0, idf)


_DEFINITION = re.compile(r"^[(（]?※?[)）]?\s*[^、。]{1,20}(:|：|とは|＝)")


def intent_terms(question: str, synonyms: Synonyms) -> frozenset[str]:
    """Words that answer the question word (いつ → 期限, いくら → 円): a sentence with one is preferred."""
    asked = sudachi_tokens(question, keep_stopwords=True)
    return frozenset(alt for token in asked if token in STOPWORDS for alt in synonyms.get(token, ()))


def context_tokens(chunk: Chunk) -> frozenset[str]:
    """Words the context already names: the heading path, and a measure's name and aliases."""
    head = chunk.section
    if chunk.kind == "measure":
        head += "\n" + chunk.text.split("\n", 1)[0]
    return _tokens(head)


def unit_score(
    terms: Sequence[str],
    unit: str,
    context: frozenset[str],
    idf: IdfFn,
    synonyms: Synonyms | None = None,
    intent: frozenset[str] = frozenset(),
    answers: Sequence[re.Pattern[str]] = (),
) -> float:
    """How well one sentence answers the question.

    A term counts when the sentence or its context (heading path, measure name) has it: context terms
    are shared by every sentence of the chunk, so the other words — and a word answering the question
    word (a date for いつ, 円 for いくら) — decide between them. Ties go to a definition line or a short one.
    """
    own, syn = _tokens(unit), synonyms or {}
    base = _weighted(terms, lambda t: 1.0 if _has(t, own, syn) or _has(t, context, syn) else 0.0, idf)
    focus = 1.0 + 0.1 * (1.0 - min(len(unit), 200) / 200)
    definition = _DEFINITION.match(unit)
    if definition and any(t in _tokens(definition.group(0)) for t in terms):
        focus += 0.25
    bonus = INTENT_BONUS if (intent and intent & own) or any(p.search(unit) for p in answers) else 0.0
    return base * focus + bonus


@dataclass
class Quote:
    """A picked sentence and the hit it came from."""

    hit: Hit
    text: str
    score: float


def pick_quotes(
    terms: Sequence[str],
    hits: Sequence[Hit],
    idf: IdfFn,
    synonyms: Synonyms | None = None,
    max_quotes: int = MAX_QUOTES,
    intent: frozenset[str] = frozenset(),
    answers: Sequence[re.Pattern[str]] = (),
    skip: Callable[[str], bool] = lambda _unit: False,
) -> list[Quote]:
    """The best sentences: the top one, then others scoring close to it, at most one per chunk after the first
    (``skip``: lines never quoted for this question, e.g. a catalog entry's 所管: line unless the agency is asked)."""
    scored: list[Quote] = []
    for rank, hit in enumerate(hits[:5]):
        damp = 1.0 / (1.0 + 0.15 * rank)
        context = context_tokens(hit.chunk)
        for unit in (u for u in units(hit.chunk) if not skip(u)):
            score = unit_score(terms, unit, context, idf, synonyms, intent, answers) * damp
            scored.append(Quote(hit, unit, score))
    if not scored:
        return []
    scored.sort(key=lambda q: -q.score)
    scored = [_whole_list(q) for q in scored]
    best = scored[0]
    picked = [best]
    per_chunk: dict[str, int] = {best.hit.chunk.id: 1}
    for quote in scored[1:]:
        if len(picked) >= max_quotes or quote.score < 0.5 * best.score or quote.score <= 0:
            break
        if per_chunk.get(quote.hit.chunk.id, 0) >= (3 if quote.hit.chunk.id == best.hit.chunk.id else 1):
            continue
        if any(quote.text in p.text or p.text in quote.text for p in picked):
            continue
        per_chunk[quote.hit.chunk.id] = per_chunk.get(quote.hit.chunk.id, 0) + 1
        picked.append(quote)
    return picked


LIST_ITEM_CHARS = 40


def _whole_list(quote: Quote) -> Quote:
    """A list of short items (記載項目, 支援メニュー) is quoted whole: one item alone misleads."""
    items = units(quote.hit.chunk)
    if len(items) >= 3 and all(len(item) <= LIST_ITEM_CHARS for item in items):
        return Quote(quote.hit, "\n".join(items), quote.score)
    return quote


def _flags(text: str, chunk: Chunk, today: date | None) -> str:
    """「（要確認）」 on a line stating an unverified fact; 「（この日付は既に過ぎています）」 on a past deadline."""
    flag = f"（{messages.UNVERIFIED}）" if any(needs_check(line, chunk) for line in text.splitlines()) else ""
    if any(past_deadline(line, today) for line in text.splitlines()):
        flag += messages.PAST_DATE
    return flag


def compose(quotes: Sequence[Quote], today: date | None = None) -> tuple[str, list[Citation]]:
    """Answer text (lead line, quotes with [n], 出典 list) and its citations."""
    citations: list[Citation] = []
    numbers: dict[str, int] = {}
    lines: list[str] = []
    flagged = False
    first = quotes[0].hit.chunk
    lines.append(messages.lead_for(first.section, first.kind == "measure", first.title))
    for quote in quotes:
        chunk = quote.hit.chunk
        if chunk.id not in numbers:
            numbers[chunk.id] = len(numbers) + 1
        n = numbers[chunk.id]
        flag = _flags(quote.text, chunk, today)
        flagged = flagged or messages.UNVERIFIED in flag
        body = quote.text.replace("\n", "\n  ")
        lines.append(f"・{body}{flag} [{n}]")
        citations.append(
            Citation(
                n=n,
                chunk_id=chunk.id,
                title=chunk.title,
                section=chunk.section,
                url=chunk.url,
                as_of=chunk.as_of,
                quote=quote.text,
                verified=chunk.verified,
            )
        )
    if flagged:
        lines.append(messages.UNVERIFIED_NOTE)
    lines.append("")
    lines.append(messages.SOURCES_HEADING)
    listed: set[int] = set()
    for c in citations:
        if c.n in listed:
            continue
        listed.add(c.n)
        when = f"（{c.as_of} 時点）" if c.as_of else ""
        link = f" {c.url}" if c.url.startswith("http") else ""
        mark = f" {messages.UNVERIFIED}" if not c.verified else ""
        lines.append(f"[{c.n}] {c.title} — {c.section}{when}{link}{mark}")
    return "\n".join(lines), citations


_HEADING_NUMBER = re.compile(r"^(\d+\.|[(（]\d+[)）])\s*")
_STAFF_ONLY = ("依頼事項", "向け】", "照会", "スケジュール", "枠組み")


def _topic(chunk: Chunk) -> str:
    """A short topic for a follow-up question: a measure's name, or「top section の last heading」."""
    if chunk.kind == "measure":
        return chunk.title
    parts = [_HEADING_NUMBER.sub("", p).strip("()（）「」") for p in chunk.section.split(" > ") if p]
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else f"{parts[0]}の{parts[-1]}"


def suggestions(
    hits: Sequence[Hit], cited: Sequence[Citation], limit: int = 3, audience: str = "staff"
) -> list[str]:
    """Follow-up questions from related sections not quoted (businesses get measures, not procedure)."""
    out: list[str] = []
    seen = {c.section for c in cited}
    for hit in hits:
        chunk = hit.chunk
        if chunk.section in seen:
            continue
        if audience == "public" and (chunk.kind != "measure" or any(w in chunk.section for w in _STAFF_ONLY)):
            continue
        topic = _topic(chunk)
        question = f"{topic}について教えてください"
        if topic and question not in out:
            out.append(question)
        if len(out) >= limit:
            break
    return out
