"""Whole units: a question asking for every item (「要件を全部」「支援メニューの柱を全部」) gets the bullets under
one heading quoted whole, with the count, instead of the best sentence or two."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bot import messages
from bot.answering.answer import Answer, HitOut
from bot.answering.compose import Quote, compose, query_terms, units
from bot.answering.primary import names_measure
from retrieval.index import LoadedIndex
from retrieval.questions import Intents, SectionKind
from retrieval.structure import asked_names
from retrieval.types import Chunk, Hit

TOP = 10  # hits whose headings compete
NUMBERED_TOP = 3  # a numbered enumeration (①②③) in one of these hits is quoted whole
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫"
HEADING_BONUS = 1.0  # the heading names what is asked (要件, 記載項目, 支援メニュー)
MIN_ITEMS = 2
NAMED_TOP = 5  # a catalog entry the question names is looked for this far down


def _leaf(section: str) -> str:
    return section.split(" > ")[-1]


def rank_sections(
    query: str, hits: Sequence[Hit], plan_sections: Mapping[str, str], all_sections: Sequence[str] = (),
    kind: SectionKind | None = None,
) -> list[str]:
    """The headings whose bullets may answer a list question, best first: near the top, naming the asked thing,
    under the named plan type (``plan_sections``: plan type name or alias → its top section). A heading of the
    named plan type that names the asked thing (「要件」→「(要件)」) competes even when no hit came from it; after
    the best one, only headings naming the asked thing are kept."""
    named = [sec for name, sec in plan_sections.items() if name and name in query]
    names = {t for name in plan_sections if name and name in query for t in query_terms(name)}
    asked = set(query_terms(query)) - names  # the asked thing, not the plan type's own words
    scores: dict[str, float] = {}

    def under_named(section: str) -> bool:
        return not named or any(section.startswith(sec) for sec in named)

    for rank, hit in enumerate(hits[:TOP]):
        chunk = hit.chunk
        if chunk.kind != "policy" or not under_named(chunk.section):
            continue
        scores[chunk.section] = scores.get(chunk.section, 0.0) + 1.0 / (rank + 1)
    candidates = set(scores) | ({s for s in all_sections if under_named(s)} if named else set())
    if kind is not None:  # the asked section kind (要件) decides, not a word that happens to be in a heading (項目名)
        naming = {section for section in candidates if kind.heads(_leaf(section))}
    else:
        naming = {section for section in candidates if asked & set(query_terms(_leaf(section)))}
    for section in naming:
        scores[section] = scores.get(section, 0.0) + HEADING_BONUS * (2 if named else 1)
    ranked = sorted(sorted(scores), key=lambda s: -scores[s])
    return ranked[:1] + [s for s in ranked[1:] if s in naming]


def asks_list(
    intents: Intents, query: str, asking: str, plan_sections: Mapping[str, str], labels: Sequence[str] = ()
) -> tuple[bool, SectionKind | None]:
    """Whether a question asks for a whole list, and the section kind it names (``asking``: the query with a foreign
    question's own words). 「全部」「漏れなく」 (the ``list`` intent) ask for one; so does a plan type's section kind
    asked as a whole (「地場産業成長プランの要件には何がありますか」「有哪些要件」) when no policy label is named
    (``labels``: 「外部依存性」 asks one requirement, not all)."""
    kind = intents.section_kinds.asked(asking)
    if intents.has(query, "list"):
        return True, kind
    plan_named = any(name and name in query for name in plan_sections)
    whole = intents.section_kinds.asks_whole(asking)
    return (whole is not None and plan_named and not labels), whole or kind


def _kind_unit(section: str, top: str, kind: SectionKind) -> str | None:
    """The heading path of the section of ``kind`` that ``section`` lies in under ``top`` (「…> (依頼事項)」 for
    「…> (依頼事項) > 【各府省庁向け】」), or None."""
    parts = section.split(" > ")
    start = len(top.split(" > ")) if top else 1
    for i in range(start, len(parts)):
        if kind.heads(parts[i]):
            return " > ".join(parts[: i + 1])
    return None


def kind_section(
    index: LoadedIndex, query: str, plan_sections: Mapping[str, str], kind: SectionKind | None
) -> tuple[str, list[Chunk], list[str]] | None:
    """The section of the asked kind (「要件」→「(要件)」) under the one plan type the question asks about (one named
    only for comparison, 「…と同じく」, does not count), or — when it names none — the one section of that kind in the
    corpus (「外部機関を全部」→「(地場企業・事業主向け支援)」): its heading, its chunks in document order and its
    items. Of its sub-headings (「(依頼事項) > 【各府省庁向け】」) those the question names are taken, else all.
    None when no kind is named, when several plan types are asked or none is and the kind has several sections,
    or when the section holds no list (「※別途記載例で提示する」)."""
    if kind is None:
        return None
    by_top: dict[str, list[str]] = {}
    for name, sec in plan_sections.items():
        by_top.setdefault(sec, []).append(name)
    named = asked_names(query, by_top)
    if len(named) > 1:
        return None
    top = next(iter(named), "")
    policy = [c for c in index.chunks if c.kind == "policy" and (not top or c.section.startswith(top + " > "))]
    units = list(dict.fromkeys(u for c in policy if (u := _kind_unit(c.section, top, kind)) is not None))
    if not units or (not top and len(units) > 1):
        return None
    unit = units[0]
    subs = list(dict.fromkeys(c.section for c in policy if c.section == unit or c.section.startswith(unit + " > ")))
    asked = set(query_terms(query))
    leaves = {s: set(query_terms(_leaf(s))) for s in subs if s != unit}
    common = set.intersection(*leaves.values()) if leaves else set()  # 「向け」 of every 【…向け】
    named_subs = [s for s, terms in leaves.items() if asked & (terms - common)]
    chosen = named_subs or subs
    chunks = [c for c in policy if c.section in chosen]
    items = [line.strip() for c in chunks for line in c.body.splitlines() if line.strip()]
    if len(items) < MIN_ITEMS or any(line.startswith("※別途") for line in items):
        return None
    return (chosen[0] if len(chosen) == 1 else unit), chunks, items


def _numbered(line: str) -> bool:
    return line.lstrip()[:1] in _CIRCLED


def numbered_run(index: LoadedIndex, hits: Sequence[Hit]) -> tuple[str, list[Quote], int] | None:
    """The numbered enumeration (①②③, with the line that introduces it) that a top hit belongs to, whole —
    even when its items are split over several chunks: (section, quotes per chunk, number of items)."""
    for hit in hits[:NUMBERED_TOP]:
        if hit.chunk.kind != "policy" or not any(_numbered(line) for line in hit.chunk.body.splitlines()):
            continue
        chunks = [c for c in index.chunks if c.section == hit.chunk.section]
        lines = [(c, line.strip()) for c in chunks for line in c.body.splitlines() if line.strip()]
        at = next(i for i, (c, line) in enumerate(lines) if c.id == hit.chunk.id and _numbered(line))
        start = at
        while start > 0 and _numbered(lines[start - 1][1]):
            start -= 1
        if start > 0 and not lines[start - 1][1].endswith("。"):  # 「(※) 策定にあたっては、」 introduces the items
            start -= 1
        end = at
        while end + 1 < len(lines) and _numbered(lines[end + 1][1]):
            end += 1
        run = lines[start : end + 1]
        count = sum(1 for _, line in run if _numbered(line))
        if count < MIN_ITEMS:
            continue
        by_chunk: dict[str, list[str]] = {}
        for c, line in run:
            by_chunk.setdefault(c.id, []).append(line)
        quotes = [Quote(Hit(chunk=c, score=0.0), "\n".join(by_chunk[c.id]), 1.0) for c in chunks if c.id in by_chunk]
        return hit.chunk.section, quotes, count
    return None


# items listed inside one sentence: 「道路、工業用水、鉄道など必要なインフラ整備」 (short items, 、-separated, then など/等,
# then — within a few characters — the thing they are examples of)
_INLINE = re.compile(r"((?:[^、。\s]{1,12}、){1,}[^、。\s]{1,12})(?:など|等)(?:の)?([^、。]{0,8})")
INLINE_TOP = 3  # hits searched for such a sentence


def inline_run(query: str, hits: Sequence[Hit], plan_names: Sequence[str] = ()) -> tuple[Quote, int] | None:
    """The sentence of a top policy hit that lists, inside itself, examples of the thing the question asks about
    (「どんなインフラ…全部」 → 「道路、工業用水、鉄道など必要なインフラ整備…」): the quote and the number of items."""
    names = {t for name in plan_names if name and name in query for t in query_terms(name)}
    asked = set(query_terms(query)) - names
    for hit in hits[:INLINE_TOP]:
        if hit.chunk.kind != "policy":
            continue
        for sentence in re.split(r"(?<=。)", hit.chunk.body):
            for match in _INLINE.finditer(sentence):
                items = match.group(1).split("、")
                if len(items) >= 2 and asked & set(query_terms(match.group(2))):
                    return Quote(hit, sentence.strip().lstrip("-・ "), 1.0), len(items)
    return None


# the fields of a catalog entry's lines (retrieval/chunk.py measure_body) and how a question asks for one
_FIELDS = {
    "支援内容": re.compile(r"支援(の)?内容|何を(して|支援)"),
    "要件": re.compile(r"要件|条件|対象(者|になる|となる)"),
    "金額等": re.compile(r"金額|補助額|上限|いくら"),
}


def entry_list(query: str, hits: Sequence[Hit], named: Callable[[str, Hit], bool]) -> tuple[Hit, list[str]] | None:
    """For 「○○補助金の枠を全部」: every line of the named catalog entry (among the top hits) holding the asked
    word (枠), in order.

    The asked words are the question's words that are not the entry's name and occur on at least two but not
    all of the entry's lines; None when the top hit is not a named entry or fewer than two lines hold one."""
    hit = next((h for h in hits[:NAMED_TOP] if named(query, h)), None)
    if hit is None:
        return None
    lines = [u for u in units(hit.chunk)]
    fields = [f"{field}:" for field, asked in _FIELDS.items() if asked.search(query)]
    by_field = [u for u in lines if u.startswith(tuple(fields))] if fields else []
    if len(by_field) >= MIN_ITEMS:  # 「○○の要件を全部」: every 要件: line of the entry
        return hit, by_field
    if hit is not hits[0]:  # a policy passage leads: the asked thing is more likely its list
        return None
    name_words = set(query_terms(hit.chunk.title + " " + hit.chunk.text.split("\n", 1)[0]))
    asked = [t for t in query_terms(query) if t not in name_words]
    holding = {t: [u for u in lines if t in query_terms(u)] for t in asked}
    words = [t for t, found in holding.items() if 2 <= len(found) < len(lines)]
    picked = [u for u in lines if any(u in holding[t] for t in words)]
    return (hit, picked) if len(picked) >= MIN_ITEMS else None


_OWNER = re.compile(r"^([^(（の]{2,12})[(（の]")  # 「JETRO」 of 「JETROのECサイトを通じた…」


def restating(
    hits: Sequence[Hit], sections: Sequence[str], refs: Mapping[str, Sequence[str]], query: str = "",
    catalog: Sequence[Chunk] = (),
) -> list[Quote]:
    """The catalog entries that restate the quoted policy passages (their ``policy_refs`` name one of
    ``sections``) — retrieved ones, and any whose owner the question names (「JETROには…」 → every JETRO entry)
    — each quoted by its first line, so the list names the measures it stands for."""
    out: list[Quote] = []
    seen: set[str] = set()
    retrieved = [h for h in hits[:TOP] if h.chunk.kind == "measure"]
    owned = [Hit(chunk=c, score=0.0) for c in catalog if c.kind == "measure"
             and (m := _OWNER.match(c.title)) is not None and m.group(1) in query]
    for hit in [*retrieved, *owned]:
        chunk = hit.chunk
        if chunk.id not in seen and set(refs.get(chunk.title, ())) & set(sections):
            seen.add(chunk.id)
            lines = [u for u in chunk.body.splitlines() if u.strip()]
            if lines:
                out.append(Quote(hit, lines[0].strip(), 0.0))
    return out


def _section_answer(
    section: str, chunks: Sequence[Chunk], count: int, hits: Sequence[Hit], meta: dict[str, Any]
) -> Answer:
    """Every chunk of one section quoted once, in document order, led by 「次のN項目…（全N項目）」."""
    section_hits = [Hit(chunk=c, score=0.0) for c in chunks]
    text, citations = compose([Quote(h, h.chunk.body.strip(), 1.0) for h in section_hits])
    lead = messages.LIST_LEAD.format(section=" > ".join(section.split(" > ")[-2:]), n=count)
    text = lead + "\n" + text.split("\n", 1)[1]
    ids = {h.chunk.id for h in section_hits}
    shown = [*section_hits, *[h for h in hits if h.chunk.id not in ids]]  # the quoted section first, every cited chunk a hit
    return Answer(text=text, citations=citations, hits=[HitOut.of(h) for h in shown],
                  meta={**meta, "intent": "list", "section": section, "items": count})


def whole_list(
    index: LoadedIndex, query: str, hits: Sequence[Hit], plan_sections: Mapping[str, str], meta: dict[str, Any],
    refs: Mapping[str, Sequence[str]] | None = None, entries: bool = True, kind: SectionKind | None = None,
) -> Answer | None:
    """Every item of the asked section kind under the named plan type (``kind``: 要件 → 「(要件)」), else under the
    best heading (or of the numbered enumeration a top hit belongs to, or the lines of a named catalog entry
    holding the asked thing when ``entries``), quoted in document order with its count; None when there is no list."""
    plan_named = any(name and name in query for name in plan_sections)
    asked = kind_section(index, query, plan_sections, kind)
    # a named catalog entry that restates the asked section (its policy_refs) does not take the list from it
    restates = {h.chunk.id for h in hits[:NAMED_TOP] if asked is not None
                and any(r == asked[0] or r.startswith(asked[0] + " > ") or asked[0].startswith(r + " > ")
                        for r in (refs or {}).get(h.chunk.title, ()))}
    measure_named = any(names_measure(query, h) and h.chunk.id not in restates for h in hits[:NAMED_TOP])
    if asked is not None and (plan_named or not measure_named):
        # 「地場産業成長プランの要件」: that plan type's (要件), whatever ranked first; a kind with one section in the
        # policy (「外部機関を全部」) is the policy's own list, ahead of a catalog entry restating it
        section, chunks, items = asked
        return _section_answer(section, chunks, len(items), hits, meta)
    entry = None if plan_named or not entries else entry_list(query, hits, names_measure)
    if entry is not None:
        hit, lines = entry
        text, citations = compose([Quote(hit, line, 1.0) for line in lines])
        lead = messages.ENTRY_LIST_LEAD.format(title=hit.chunk.title, n=len(lines))
        return Answer(text=lead + "\n" + text.split("\n", 1)[1], citations=citations, hits=[HitOut.of(h) for h in hits],
                      meta={**meta, "intent": "list", "section": hit.chunk.section, "items": len(lines)})
    inline = inline_run(query, hits, list(plan_sections))
    if inline is not None:
        quote, count = inline
        text, citations = compose([quote])
        lead = messages.INLINE_LIST_LEAD.format(section=" > ".join(quote.hit.chunk.section.split(" > ")[-2:]), n=count)
        return Answer(text=lead + "\n" + text.split("\n", 1)[1], citations=citations, hits=[HitOut.of(h) for h in hits],
                      meta={**meta, "intent": "list", "section": quote.hit.chunk.section, "items": count})
    numbered = numbered_run(index, hits)
    if numbered is not None:
        run_section, quotes, count = numbered
        quotes = [*quotes, *restating(hits, [run_section], refs or {}, query, index.chunks)]
        text, citations = compose(quotes)
        lead = messages.LIST_LEAD.format(section=" > ".join(run_section.split(" > ")[-2:]), n=count)
        ids = {h.chunk.id for h in hits}
        extra = {q.hit.chunk.id: q.hit for q in quotes if q.hit.chunk.id not in ids}  # every cited chunk is a hit
        shown = [*hits, *extra.values()]
        return Answer(text=lead + "\n" + text.split("\n", 1)[1], citations=citations, hits=[HitOut.of(h) for h in shown],
                      meta={**meta, "intent": "list", "section": run_section, "items": count})
    policy_sections = list(dict.fromkeys(c.section for c in index.chunks if c.kind == "policy"))
    for section in rank_sections(query, hits, plan_sections, policy_sections, kind):
        chunks = [c for c in index.chunks if c.section == section]
        items = [line.strip() for c in chunks for line in c.body.splitlines() if line.strip()]
        # a heading with no list under it (「※別途記載例で提示する」) gives way to the next one naming the asked thing
        if len(items) >= MIN_ITEMS and not any(line.startswith("※別途") for line in items):
            break
    else:
        return None
    return _section_answer(section, chunks, len(items), hits, meta)


OVERVIEW_LEAD = "資料（{title}）は、次の{n}つの類型を示しています（全{n}類型）：{heads}。各類型の冒頭の説明と、その計画の名前が出てくる記載です。"


def plan_types_overview(
    index: LoadedIndex, plan_types: Sequence[tuple[str, str]], hits: Sequence[Hit], meta: dict[str, Any]
) -> Answer | None:
    """The policy's plan types asked as a whole (「地域未来戦略の3つの類型は」「計画の種類と名前を全部」): for each
    (``plan_types``: name and top heading, in corpus order) the heading with its opening passage, then the first
    sentence under it naming the plan (「…「地場産業成長プラン」を策定。」); None when a type has no passage."""
    policy = [c for c in index.chunks if c.kind == "policy"]
    quotes: list[Quote] = []
    for name, section in plan_types:
        under = [c for c in policy if c.section == section or c.section.startswith(section + " > ")]
        opening = next((c for c in under if c.section == section and units(c)), None)
        naming = next(((c, u) for c in under for u in units(c) if name in u), None)
        if opening is None:
            return None
        quotes.append(Quote(Hit(chunk=opening, score=0.0), units(opening)[0], 1.0))
        if naming is not None and naming[1] != units(opening)[0]:
            quotes.append(Quote(Hit(chunk=naming[0], score=0.0), naming[1], 1.0))
    if len(plan_types) < MIN_ITEMS or not quotes:
        return None
    text, citations = compose(quotes)
    lead = OVERVIEW_LEAD.format(title=quotes[0].hit.chunk.title, n=len(plan_types), heads="／".join(s for _, s in plan_types))
    ids = {q.hit.chunk.id for q in quotes}
    shown = [*dict.fromkeys(q.hit.chunk.id for q in quotes)]
    by_id = {q.hit.chunk.id: q.hit for q in quotes}
    out = [by_id[i] for i in shown] + [h for h in hits if h.chunk.id not in ids]
    return Answer(text=lead + "\n" + text.split("\n", 1)[1], citations=citations, hits=[HitOut.of(h) for h in out],
                  meta={**meta, "intent": "overview", "items": len(plan_types)})
