"""Primary sources first: when a policy passage and a catalog paraphrase of it are both retrieved, the policy
passage leads, unless the question is about the measure itself (agency, amount, rate, deadline, where to apply)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from bot.answering.compose import coverage, query_terms
from bot.answering.compose import units as _units
from retrieval.index import LoadedIndex
from retrieval.normalize import normalize
from retrieval.types import Hit

LOOK = 5  # how far down a policy passage may be lifted from


def policy_first(index: LoadedIndex, query: str, hits: Sequence[Hit], about_measure: bool) -> list[Hit]:
    """The hits with the best-covering policy passage moved ahead of a catalog entry that tops them."""
    out = list(hits)
    if about_measure or not out or out[0].chunk.kind != "measure":
        return out
    terms = query_terms(query)
    idf = index.lexical["bm25"].idf
    top = coverage(terms, out[0].chunk, idf, index.synonyms)
    for i, hit in enumerate(out[1:LOOK], start=1):
        if hit.chunk.kind == "policy" and coverage(terms, hit.chunk, idf, index.synonyms) >= top:
            return [hit, *out[:i], *out[i + 1 :]]
    return out


ASKED_LOOK = 10  # how far down a policy passage may be lifted from when the question asks what the policy says


def policy_asked(
    index: LoadedIndex, query: str, hits: Sequence[Hit], refs: Mapping[str, Sequence[str]] | None = None
) -> list[Hit]:
    """The question asks what the policy text says (「政策文書に書いてある範囲で」): the best-covering policy
    passage of the top ``ASKED_LOOK`` leads, even ahead of a catalog entry that restates it. When no policy
    passage was retrieved, the passages the top catalog entry restates (``refs``: its title → ``policy_refs``)
    are taken instead."""
    out = list(hits)
    terms = query_terms(query)
    idf = index.lexical["bm25"].idf
    candidates = [h for h in out[:ASKED_LOOK] if h.chunk.kind == "policy"]
    if not candidates and out and out[0].chunk.kind == "measure" and refs:
        sections = set(refs.get(out[0].chunk.title, ()))
        candidates = [Hit(chunk=c, score=0.0) for c in index.chunks if c.kind == "policy" and c.section in sections]
    if not candidates:
        return out
    best = max(candidates, key=lambda h: coverage(terms, h.chunk, idf, index.synonyms))
    return [best, *(h for h in out if h.chunk.id != best.chunk.id)]


def without_trailing_group(head: str) -> str:
    """The head line without its closing parenthesised group (the agency), nested parentheses included:
    「… / 持続化補助金(中小企業庁(商工会・商工会議所を通じて申請))」 → 「… / 持続化補助金」."""
    depth = 0
    for i in range(len(head) - 1, -1, -1):
        ch = head[i]
        if ch in ")）":
            depth += 1
        elif ch in "(（":
            depth -= 1
            if depth == 0:
                return head[:i]
        elif depth == 0:
            break
    return head


def measure_names(hit: Hit) -> list[str]:
    """The names a catalog entry goes by (its name and aliases, NFKC-folded), from its indexed head line."""
    head = without_trailing_group(hit.chunk.text.split("\n", 1)[0])
    return [normalize(part.strip()) for part in head.split(" / ") if len(part.strip()) >= 3]


def named_measures_first(query: str, hits: Sequence[Hit]) -> list[Hit]:
    """When the question names catalog measures, other measures' entries go last (the rest keep their order).

    「中小企業成長加速化補助金の上限は？」 is answered from that entry, never from a neighbour that shares words
    (ものづくり補助金's 上限). A name inside a longer name the question uses does not count.
    """
    text = normalize(query)
    found = {name for hit in hits if hit.chunk.kind == "measure" for name in measure_names(hit) if name in text}
    found = {n for n in found if not any(n != m and n in m for m in found)}
    if not found:
        return list(hits)
    named = [h for h in hits if h.chunk.kind == "measure" and found & set(measure_names(h))]
    if not named:
        return list(hits)
    others = [h for h in hits if h.chunk.kind == "measure" and h not in named]
    return [*(h for h in hits if h not in others), *others]


def names_measure(query: str, hit: Hit, after: str | None = None) -> bool:
    """True when the question names the catalog entry of ``hit`` (its name or an alias) — after the last
    mention of ``after`` when given."""
    text = normalize(query)
    start = text.rfind(_fold(after)) + len(_fold(after)) if after and _fold(after) in text else 0
    return hit.chunk.kind == "measure" and any(name in text[start:] for name in measure_names(hit))


_SENTENCE = re.compile(r"[^。？?！!]*(?:[。？?！!]+|$)")


def asking_sentence(query: str, term: str | None) -> str:
    """The sentence of the question that names ``term`` (the whole question when none or no term does)."""
    if not term:
        return query
    folded = _fold(term)
    return next((s for s in _SENTENCE.findall(query) if folded in normalize(s)), query)


_NUMBERING = re.compile(r"^(\d+\.|[(（]\d+[)）])\s*")
# a line that defines its first words: 「(※)コネクタ一度:企業の域外販売額/…」「ハブ度：…」
_DEFINING_LINE = re.compile(r"^(?:[(（]※[)）])?\s*([^、。:：\s]{3,20})\s*[:：]", re.MULTILINE)
_fold = normalize  # NFKC, and 「コネクタ一度」 read as 「コネクター度」


_INTRODUCING = re.compile(r"「([^「」]{4,24})」を(?:策定|作成)")


def _introduced_terms(chunk_text: str) -> list[str]:
    """The terms a passage introduces in 「」 as what someone makes (「…を目指す「地場産業成長プラン」を策定」)."""
    return [_fold(m.group(1)) for m in _INTRODUCING.finditer(chunk_text)]


def _defined_terms(chunk_text: str) -> list[str]:
    """The terms a passage defines on a line of their own (「○○:…」)."""
    return [_fold(m.group(1)) for m in _DEFINING_LINE.finditer(chunk_text)]


_WORD_GOES_ON = re.compile(r"[一-龥ァ-ヴー々A-Za-z]")


def _standalone(text: str, term: str) -> int:
    """Where ``term`` last occurs as a word of its own (not the start of 「地域産業クラスター計画」), else -1."""
    at = text.rfind(term)
    while at >= 0 and _WORD_GOES_ON.match(text, at + len(term)):
        at = text.rfind(term, 0, at)
    return at


# what follows a term the question asks to define (「○○」とは / ○○って / ○○の定義), and one it compares with (○○との違い)
_ASKED_AFTER = re.compile(r"[」』\"]?\s*(とは(?!別|違|異な|比べ)|って|というのは|というもの|という(の|もの)は|の定義|の意味)")
_COMPARED_AFTER = re.compile(
    r"[」』\"]?\s*(との違い|と(の)?比較|と比べ|とは(別|違|異な|比べ)|と(の)?(差|区別)|と(は)?[、,]?\s?((何|なに|どこ)が|どう|どのように)違)"
)


def heading_first(index: LoadedIndex, query: str, hits: Sequence[Hit]) -> tuple[list[Hit], str | None]:
    """For 「○○とは」, the passage that defines ○○ leads; also returns the term ○○ (None when none is found).

    That is the passage opening the policy heading named ○○ (「1. 戦略産業クラスター」) or one with a line
    「○○:…」. When the question names several such terms, the one followed by the asking words (「「A」とは」「Aって」)
    is the one asked about, not one it is compared with (「Bとの違い」); else the one named last
    (「AとBの違い…まずAは、どういう…」), nearest the asking words.
    """
    text = _fold(query)
    named: dict[str, tuple[int, Hit]] = {}
    score = hits[0].score if hits else 0.0
    policy = [c for c in index.chunks if c.kind == "policy"]
    leaves = {_fold(_NUMBERING.sub("", c.section.split(" > ")[-1]).strip("()（）「」")) for c in policy}
    for chunk in policy:
        leaf = _fold(_NUMBERING.sub("", chunk.section.split(" > ")[-1]).strip("()（）「」"))
        # a plan the policy introduces in 「」 where it says who makes it, unless a heading already names its core
        introduced = [t for t in _introduced_terms(chunk.text) if not any(lv and lv in t for lv in leaves if len(lv) >= 4)]
        terms = ([leaf] if len(leaf) >= 4 else []) + _defined_terms(chunk.text) + introduced
        for term in terms:
            at = _standalone(text, term)
            if at >= 0 and term not in named:
                # found by the term it defines: the question names it, which counts as one agreeing channel
                named[term] = (at, Hit(chunk=chunk, score=score, ranks={"heading": 1}))
    # a term inside a longer named term (「クラスター」 in 「戦略産業クラスター」) does not count
    named = {t: v for t, v in named.items() if not any(t != o and t in o for o in named)}
    if not named:
        return list(hits), None
    asked = {t: v for t, v in named.items() if _ASKED_AFTER.match(text, v[0] + len(t))}
    compared = {t for t, v in named.items() if _COMPARED_AFTER.match(text, v[0] + len(t))}
    # 「「A」とは、どのような…。Bとの違いを…」: A is asked about, B is what it is compared with
    pool = asked or {t: v for t, v in named.items() if t not in compared} or named
    latest = max(pos for pos, _ in pool.values())
    leads = [(term, hit) for term, (pos, hit) in pool.items() if pos == latest]
    if len({h.chunk.id for _, h in leads}) != 1:  # several passages for the same words: nothing to prefer
        return list(hits), None
    term, lead = leads[0]
    return [lead, *(h for h in hits if h.chunk.id != lead.chunk.id)], term


def defining_unit(units: Sequence[str], term: str) -> str | None:
    """The sentence of the leading passage that defines ``term``: its 「term:…」 line, the sentence introducing it
    (「…を目指す「term」を策定」), else the passage's opening."""
    for unit in units:
        if re.match(r"^(?:[(（]※[)）])?\s*" + re.escape(term) + r"\s*[:：]", _fold(unit)):
            return unit
    for unit in units:
        if term in _introduced_terms(unit):
            return unit
    return units[0] if units else None


def other_definitions(index: LoadedIndex, query: str, term: str) -> list[tuple[Hit, str]]:
    """The defining lines (「○○:…」) of the other defined terms the question names besides ``term``, in the order
    named: 「コネクター度とハブ度はそれぞれどう計算する」 is answered by both lines, not by the one that led."""
    text = _fold(query)
    found: dict[str, tuple[int, Hit, str]] = {}
    for chunk in index.chunks:
        if chunk.kind != "policy":
            continue
        for defined in _defined_terms(chunk.text):
            at = _standalone(text, defined)
            if defined == _fold(term) or at < 0 or defined in found:
                continue
            unit = defining_unit(_units(chunk), defined)
            if unit is not None and _fold(unit).lstrip("(（※)） ").startswith(defined):
                found[defined] = (at, Hit(chunk=chunk, score=0.0), unit)
    return [(hit, unit) for _, hit, unit in sorted(found.values(), key=lambda f: f[0])]
