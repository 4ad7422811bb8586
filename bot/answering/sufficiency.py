"""Whether the hits hold enough of the question to answer it: coverage of its terms, the sources' anchor names and
known terms, and the retrieval channels' own scores."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.answering.compose import coverage, query_terms
from bot.answering.primary import without_trailing_group
from retrieval.generations import keep_only
from retrieval.index import LoadedIndex
from retrieval.normalize import compact, normalize
from retrieval.types import Hit


def evidence_coverage(index: LoadedIndex, query: str, hits: Sequence[Hit]) -> float:
    """How much of the question the best of the top three hits covers (synonyms count)."""
    idf = index.lexical["bm25"].idf
    terms = query_terms(query)
    return max((coverage(terms, h.chunk, idf, index.synonyms) for h in hits[:3]), default=0.0)


ANCHORED_COVERAGE = 0.35  # share of the corpus-known words to cover when the question names the domain
AGREEING_CHANNELS = 1  # channels that must rank the top hit in their top 3 for an anchored question
PLAIN_COVERAGE = 0.45  # share of the corpus-known words to cover when the question names nothing of the corpus
PLAIN_AGREEING = 3  # ... and every channel ranks the top hit in its top 3 (2 answered declines on the users suites)
_LABEL = re.compile(r"【([^】]{2,24})】")
_DEFINED = re.compile(r"^(?:\(※\))?\s*([^:：、。()]{2,12})[:：]", re.M)
_SPECIFIC = re.compile(
    r"第[0-9一二三四五六七八九十]+(弾|回|次|期|工場|号|段階)|[0-9]+次公募|(令和|平成)[0-9元]+年度?|20[0-9]{2}年度?"
)
_ASKS_DAY = re.compile(r"何月何日|何日まで|何日から|日付|期日")
_A_DAY = re.compile(r"[0-9]+月[0-9]+日")


def missing_specifics(query: str, hits: Sequence[Hit]) -> list[str]:
    """Ordinals, years and days the question asks about (「第2弾」「令和9年度」「何月何日」) that no retrieved text gives."""
    text = normalize(query)
    asked = {m.group(0) for m in _SPECIFIC.finditer(text)}
    found = " ".join(compact(h.chunk.text) for h in hits[:5])
    missing = sorted(a for a in asked if compact(a) not in found)
    if _ASKS_DAY.search(text) and not _A_DAY.search(found):  # a day is asked for; no text gives one
        missing.append("日付")
    return missing


_ANCHORS: dict[str, tuple[str, ...]] = {}


def _anchors(index: LoadedIndex) -> tuple[str, ...]:
    """Names that tie a question to the corpus: plan types, measures, requirement labels, defined terms."""
    if index.generation in _ANCHORS:
        return _ANCHORS[index.generation]
    names = [n for names in index.plan_type_names.values() for n in names]
    for chunk in index.chunks:
        if chunk.kind == "measure":
            head = without_trailing_group(chunk.text.split("\n", 1)[0])  # the agency, nested groups included
            names += [part.strip() for part in head.split(" / ")]
        elif chunk.kind == "policy":  # requirement labels (【外部依存性】) and defined terms (コネクター度:)
            names += [m for m in _LABEL.findall(chunk.body) if "参照" not in m]
            names += _DEFINED.findall(chunk.body)
    found = tuple(sorted({normalize(n) for n in names if len(n) >= 3}, key=len, reverse=True))
    keep_only(_ANCHORS, index.generation)  # one generation is served at a time
    _ANCHORS[index.generation] = found
    return found


def anchor_names(index: LoadedIndex, text: str) -> str:
    """The corpus names (plan types, measures, labels, defined terms) a text mentions, space-separated."""
    folded = normalize(text)
    return " ".join(name for name in _anchors(index) if name in folded)


def anchored(index: LoadedIndex, query: str) -> bool:
    """True when the question names a plan type or a support measure of the corpus."""
    text = normalize(query)
    return any(name in text for name in _anchors(index))


_MARKS = re.compile(r"^[・\s]+|(（要確認）)?\s*(\[\d+\])+\s*$")
QUOTE_CHARS = 12  # a line this long found verbatim in a chunk shows the turn quoted the sources


def quotes_sources(index: LoadedIndex, text: str) -> bool:
    """True when an assistant turn quotes the sources (a line of it is found verbatim in a chunk), as our answers do."""
    bodies = _bodies(index)
    for line in text.splitlines():
        body = compact(_MARKS.sub("", line))
        if len(body) >= QUOTE_CHARS and any(body in b for b in bodies):
            return True
    return False


def in_sources(index: LoadedIndex, term: str) -> bool:
    """True when a term occurs as it is (ignoring width and spacing) in some chunk of the sources."""
    folded = compact(normalize(term))
    return len(folded) >= 2 and any(folded in body for body in _bodies(index))


_BODIES: dict[str, tuple[str, ...]] = {}


def _bodies(index: LoadedIndex) -> tuple[str, ...]:
    if index.generation not in _BODIES:
        keep_only(_BODIES, index.generation)  # one generation is served at a time
        _BODIES[index.generation] = tuple(compact(c.text) for c in index.chunks)
    return _BODIES[index.generation]


def known_share(index: LoadedIndex, query: str) -> float:
    """Share of a question's content words that the corpus knows (「天気」「映画」 are not; 「転籍」「申請書」 are)."""
    lexical = index.lexical["bm25"]
    terms = query_terms(query)
    return sum(1 for t in terms if t in lexical.df or t in index.synonyms) / len(terms) if terms else 0.0


def known_coverage(index: LoadedIndex, query: str, hits: Sequence[Hit]) -> float:
    """Coverage counting only the words the corpus knows: long polite questions carry many others."""
    lexical = index.lexical["bm25"]
    terms = [t for t in query_terms(query) if t in lexical.df or t in index.synonyms]
    return max((coverage(terms, h.chunk, lexical.idf, index.synonyms) for h in hits[:3]), default=0.0)


# 「県ではなく市が」「県じゃなくて」: the alternative the asker sets aside is not what the evidence must cover
_SET_ASIDE = re.compile(r"(?<![一-龥ァ-ヴー々])[一-龥ァ-ヴー々]{1,6}(では|じゃ)な(く|い)(て)?[、,]?")


def covered(index: LoadedIndex, query: str, hits: Sequence[Hit], min_coverage: float) -> tuple[bool, float]:
    """Whether the evidence answers the question, and the coverage it was judged on (a word the asker sets aside,
    「県ではなく市が」, does not count)."""
    query = _SET_ASIDE.sub(" ", query) if _SET_ASIDE.sub(" ", query).strip() else query
    cov = evidence_coverage(index, query, hits)
    named = anchored(index, query)
    if cov >= min_coverage:
        return named or not (mode_is_hybrid(hits) and weak_everywhere(hits, cov)), cov
    if hits:
        agreeing = sum(1 for rank in hits[0].ranks.values() if rank <= 3)
        known = known_coverage(index, query, hits)
        if named:
            return known >= ANCHORED_COVERAGE and agreeing >= AGREEING_CHANNELS, cov
        # a long colloquial question that names nothing: the corpus words it uses must be covered and the
        # lexical channels and the dense channel must agree on the top hit
        lexical_agrees = any(hits[0].ranks.get(c, 99) <= 3 for c in ("bm25", "bigram"))
        return known >= PLAIN_COVERAGE and agreeing >= PLAIN_AGREEING and lexical_agrees, cov
    return False, cov


def mode_is_hybrid(hits: Sequence[Hit]) -> bool:
    """True when the hits carry scores from the dense channel (hybrid retrieval)."""
    return any("dense" in h.raw for h in hits)


WEAK_COVERAGE = 0.5  # below this, the other channels must back the evidence up
WEAK_DENSE = 0.3  # cosine similarity of the nearest chunk
WEAK_BM25 = 3.0  # BM25 score of the best lexical match


def weak_everywhere(hits: Sequence[Hit], cov: float) -> bool:
    """True when coverage is middling and neither the dense nor the lexical channel found a close match."""
    if cov >= WEAK_COVERAGE or not hits:
        return False
    dense = max((h.raw.get("dense", 0.0) for h in hits), default=0.0)
    lexical = max((h.raw.get("bm25", 0.0) for h in hits), default=0.0)
    return dense < WEAK_DENSE and lexical < WEAK_BM25
