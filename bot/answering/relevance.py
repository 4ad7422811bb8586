"""Answerability of the picked quotes: the asked focus must be in them, or the answer is repaired or declined.

Two checks, both on what the question names or asks rather than on how many of its words a sentence shares:

- **Named label.** A question that names a requirement label or a defined term of the policy (【競争優位性】,
  「ハブ度:…」) is answered by a sentence holding it. When no picked quote holds the label, the sentence of the
  top hits that does leads; when none does, the answer stands (the label may be in the heading).
- **Named plan type.** The same requirement label (【実現可能性】) stands under every plan type with a different
  text: a quote from another plan type's passage than the one asked about (named, else the leading quote's,
  when the quote repeats the leading quote's label) is dropped.
- **Asked kind.** A question asking a kind of fact (a count, an amount…) is answered by a sentence holding one.
  When no picked quote holds it, the best sentence of the top hits that does is added; when none of the top
  hits holds a count at all, the desk declines: the sources do not state it (scope kind "unstated fact").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import partial

from bot.answering.compose import Quote, query_terms, units
from bot.answering.primary import measure_names
from retrieval import regex as rx
from retrieval.generations import keep_only
from retrieval.index import LoadedIndex
from retrieval.normalize import normalize
from retrieval.questions import Glossary
from retrieval.tokenize import morphemes
from retrieval.types import Chunk, Hit

LOOK = 5  # top hits searched for a sentence holding the asked focus
_LABEL = re.compile(r"【([^】]{2,24})】")
_DEFINED = re.compile(r"^(?:[(（]※[)）])?\s*([^:：、。()（）\s]{2,16})[:：]", re.M)
_LABELS: dict[str, tuple[str, ...]] = {}
REPAIR_KINDS = ("count", "people", "revision", "who")  # asked kinds a sentence of another top hit is added for
DECLINE_KINDS = ("count",)  # asked kinds whose absence from every top hit declines the question


def policy_labels(index: LoadedIndex) -> tuple[str, ...]:
    """Requirement labels (【外部依存性】) and defined terms (ハブ度:) of the policy, longest first."""
    if index.generation not in _LABELS:
        found: set[str] = set()
        for chunk in index.chunks:
            if chunk.kind == "policy":
                found |= {normalize(m) for m in _LABEL.findall(chunk.body) if "参照" not in m and "向け" not in m}
                found |= {normalize(m) for m in _DEFINED.findall(chunk.body)}
        keep_only(_LABELS, index.generation)  # one generation is served at a time
        _LABELS[index.generation] = tuple(sorted((f for f in found if len(f) >= 3), key=len, reverse=True))
    return _LABELS[index.generation]


def named_labels(index: LoadedIndex, query: str) -> list[str]:
    """The policy labels a question names (a label inside a longer named one does not count)."""
    text = normalize(query)
    named = [label for label in policy_labels(index) if label in text]
    return [n for n in named if not any(n != m and n in m for m in named)]


def _holding(hits: Sequence[Hit], test: Callable[[str], bool], shown: set[str]) -> list[Quote]:
    return [Quote(h, u, 0.0) for h in hits[:LOOK] for u in units(h.chunk) if u not in shown and test(u)]


def _names(label: str, unit: str) -> bool:
    return label in normalize(unit)


def _matches(patterns: Sequence[re.Pattern[str]], unit: str) -> bool:
    return any(p.search(unit) for p in patterns)


def label_first(index: LoadedIndex, query: str, quotes: Sequence[Quote], hits: Sequence[Hit]) -> list[Quote]:
    """Quotes led by a sentence holding a policy label the question names: a picked one moved ahead of a lead naming
    none, else one of the top hits when no picked quote holds it."""
    out = list(quotes)
    labels = named_labels(index, query)
    for label in labels:
        holder = next((q for q in out if label in normalize(q.text)), None)
        if holder is not None:  # held below a lead naming no asked label: the quote holding it leads
            if not any(n in normalize(out[0].text) for n in labels):
                out = [holder, *(q for q in out if q is not holder)]
            continue
        found = _holding(hits, partial(_names, label), {q.text for q in out})
        if found:  # a 【label】 line or a 「label:」 line first, then the first sentence naming it
            found.sort(key=lambda q: 0 if normalize(q.text).lstrip("-・ ").startswith((f"【{label}】", label)) else 1)
            out = [Quote(found[0].hit, found[0].text, out[0].score if out else 0.0), *out][: max(len(quotes), 1)]
    return out


def asked_kind_quotes(
    quotes: Sequence[Quote], hits: Sequence[Hit], kinds: Sequence[tuple[str, Sequence[str]]],
    siblings: Sequence[Chunk] = (),
) -> tuple[list[Quote], list[str]]:
    """The quotes led by, for each asked kind, the first quote holding it, or — when no quote holds it — the first
    sentence holding it of the top hits, else of ``siblings`` (the other chunks under the leading quote's heading); and the asked kinds (of
    ``DECLINE_KINDS``) that none holds at all."""
    out = list(quotes)
    unheld: list[str] = []
    lead_section = quotes[0].hit.chunk.section if quotes else None
    near = [Hit(chunk=c, score=0.0) for c in siblings if c.section == lead_section]
    for kind, patterns in kinds:
        asked = [rx.compiled(p) for p in patterns]
        holder = next((q for q in out if any(p.search(q.text) for p in asked)), None)
        if holder is not None:  # the sentence stating the asked fact leads (「だれがつくる」 → 「…経済産業局が中心となり」)
            if not any(p.search(out[0].text) for p in asked):
                out = [holder, *(q for q in out if q is not holder)]
            continue
        shown = {q.text for q in out}
        found = _holding(hits, partial(_matches, asked), shown) or _holding(near, partial(_matches, asked), shown)
        if found:
            out.insert(0, found[0])
        elif kind in DECLINE_KINDS:
            unheld.append(kind)
    return out, unheld


_LEAD_LABEL = re.compile(r"^[-・\s]*【([^】]{2,24})】")


def other_plans_dropped(quotes: Sequence[Quote], query: str, plan_names: Mapping[str, Sequence[str]]) -> list[Quote]:
    """The quotes without policy passages of plan types other than the one asked about: the plan types the
    question names, else — for a quote repeating the leading quote's 【label】 — the leading quote's plan type."""
    if not quotes:
        return []
    text = normalize(query)
    named = {pid for pid, names in plan_names.items() if any(n and normalize(n) in text for n in names)}
    lead = quotes[0].hit.chunk
    label = _LEAD_LABEL.match(quotes[0].text)

    def other(q: Quote) -> bool:
        chunk = q.hit.chunk
        if chunk.kind != "policy" or not chunk.plan_types:
            return False
        if named:
            return not set(chunk.plan_types) & named
        same_label = label is not None and q.text.lstrip("-・ ").startswith(f"【{label.group(1)}】")
        return same_label and lead.kind == "policy" and not set(chunk.plan_types) & set(lead.plan_types)

    return [quotes[0], *(q for q in quotes[1:] if not other(q))]


# lines that answer nothing by themselves: a cross-reference, a placeholder, a catalog entry's plan-type field
_FILLER = re.compile(r"^[-・\s]*※別途|(と同じ|を参照|参照】)[。)）]?$")
_PLAN_FIELD = re.compile(r"^[-・\s]*関係する計画:")
_AGENCY_FIELD = re.compile(r"^[-・\s]*所管:")
_ASKS_PLAN = re.compile(r"どの(計画|プラン)|(計画|プラン)(の)?(どれ|種類)")


def unasked_agency(agency_asked: bool) -> Callable[[str], bool]:
    """A filter of catalog 所管: lines, which answer only a question about who runs the measure."""
    return lambda text: not agency_asked and bool(_AGENCY_FIELD.search(text))


def is_filler(text: str, query: str = "", agency_asked: bool = False) -> bool:
    """True for a line that answers nothing by itself: a cross-reference, or a field-only line (関係する計画: /
    所管:) the question does not ask for."""
    field = (not _ASKS_PLAN.search(normalize(query)) and bool(_PLAN_FIELD.search(text))) or (
        not agency_asked and bool(_AGENCY_FIELD.search(text)))
    return bool(_FILLER.search(text)) or field


def fillers_dropped(quotes: Sequence[Quote], query: str = "", agency_asked: bool = False) -> list[Quote]:
    """The quotes without cross-references and field-only lines (関係する計画: / 所管: unless asked), the lead included."""
    kept = [q for q in quotes if not is_filler(q.text, query, agency_asked)]
    return kept or list(quotes[:1])  # a cross-reference leads only when nothing else was found


# a term the asker puts in quotes is the focus of the question: 「…」『…』 “…” "…" and '…' (not an apostrophe)
_QUOTED = re.compile(r"[「『“]([^」』”]{2,40})[」』”]|(?:^|(?<=[\s(（]))[\"']([^\"']{2,40})[\"'](?=[\s?.,!)）]|$)")
_UPPER_WORD = re.compile(r"\b[A-Z][A-Z0-9&]+\b")
FOREIGN = ("en", "zh", "ko")
MAX_TERM_WORDS = 3  # a quoted span of more words is a phrase (text to echo), not the name of a term


def unread_quoted(question: str, lang: str, glossary: Glossary, known: Callable[[str], bool]) -> list[str]:
    """The terms a question in another language quotes that cannot be read as the sources' terms: no glossary
    term in them, no upper-case word (EBPM) and no text the sources use as it is (``known``). Such a question
    would be answered about something else, so the desk declines it."""
    if lang not in FOREIGN:
        return []
    out: list[str] = []
    for match in _QUOTED.finditer(normalize(question)):
        span = match.group(1) or match.group(2)
        if len(span.split()) > MAX_TERM_WORDS:  # 「append 'I have been pwned'」: quoted text, not a term asked about
            continue
        if glossary.japanese_terms(span, lang) or known(span) or any(known(w) for w in _UPPER_WORD.findall(span)):
            continue
        out.append(span)
    return out


POLICY_MARK = "政策文書"  # a catalog line saying it restates the policy: 「…を具体的に書く必要がある(政策文書)」
FOLD_OVERLAP = 0.5  # share of the catalog line's words a policy sentence must hold to stand in for it
_FIELD = re.compile(r"^[^:]{1,6}:\s*")


def policy_folded(quotes: Sequence[Quote], hits: Sequence[Hit]) -> list[Quote]:
    """Primary source first: a catalog line that restates the policy (it says 「政策文書」) gives way to the
    retrieved policy sentence that holds most of its words, in the same place of the answer."""
    policy = [(h, u, set(query_terms(u))) for h in hits[:LOOK] if h.chunk.kind == "policy" for u in units(h.chunk)]
    shown = {q.text for q in quotes}
    out: list[Quote] = []
    for quote in quotes:
        if quote.hit.chunk.kind == "measure" and POLICY_MARK in quote.text and policy:
            words = set(query_terms(_FIELD.sub("", quote.text))) - {POLICY_MARK, "政策", "文書"}
            best = max(policy, key=lambda p: len(words & p[2]))
            if words and len(words & best[2]) / len(words) >= FOLD_OVERLAP and best[1] not in shown:
                shown.add(best[1])
                out.append(Quote(best[0], best[1], quote.score))
                continue
        out.append(quote)
    return out


def unheld_kinds(quotes: Sequence[Quote], kinds: Sequence[tuple[str, Sequence[str]]]) -> list[str]:
    """The asked kinds of fact (by id) that no quote holds: the answer says plainly the sources do not state them."""
    return [kind for kind, patterns in kinds if not any(rx.search(p, q.text) for q in quotes for p in patterns)]


# ---- who is asking, and a fact held only as unconfirmed ---------------------------------------------------------
PUBLIC_BODIES = ("地方公共団体", "都道府県", "市町村", "市区町村", "自治体", "道県")
_FIELD = re.compile(r"^([^:：]{1,12})[:：]\s*")
_CONFIRM_MARK = re.compile(r"[（(]要確認[)）]\s*$")
UNCONFIRMED = "「{title}」の{what}は、支援施策カタログでは公式資料で確認できていない事項です（要確認）。{window}にご確認ください。"


def _field(chunk: Chunk, name: str) -> list[str]:
    """The values of a catalog entry's 「name: …」 lines."""
    out: list[str] = []
    for unit in units(chunk):
        m = _FIELD.match(unit)
        if m and m.group(1).strip() == name:
            out.append(_CONFIRM_MARK.sub("", unit[m.end():]).strip())
    return out


def asker_terms_dropped(query: str, terms: Sequence[str], hits: Sequence[Hit], eligible_asked: bool) -> list[str]:
    """When every applicant of the leading catalog entry is a public body, a public body the question names
    (「地方政府申请…时」) says who asks, not what: those words do not pick its lines — unless who may apply is asked."""
    if eligible_asked or not hits or hits[0].chunk.kind != "measure":
        return list(terms)
    applicants = [n.strip() for line in _field(hits[0].chunk, "対象") for n in re.split(r"[、・,]", line) if n.strip()]
    if not applicants or not all(n in PUBLIC_BODIES for n in applicants):
        return list(terms)
    named = {t for body in PUBLIC_BODIES if body in normalize(query) for t in [body, *query_terms(body)]}
    kept = [t for t in terms if t not in named]
    return kept or list(terms)


def unconfirmed_answer(quotes: Sequence[Quote], unheld: Sequence[str], names: Mapping[str, str]) -> str | None:
    """When the leading catalog entry holds no line of the asked kind but lists it among its unconfirmed items
    (「未確認の事項: 補助率」), the plain line that the fact is not confirmed — not the field line quoted as an answer."""
    if not quotes or not unheld or quotes[0].hit.chunk.kind != "measure":
        return None
    chunk = quotes[0].hit.chunk
    items = [u for u in units(chunk) if u.startswith("未確認の事項")]
    asked = [w for kind in unheld if kind in names for w in names[kind].split("・")]
    what = next((w for w in asked if any(w in i for i in items)), None)
    if what is None:
        return None
    agency = next(iter(_field(chunk, "所管")), "")
    window = f"所管機関({agency})" if agency else "所管機関"
    return UNCONFIRMED.format(title=chunk.title, what=what, window=window)


# kinds of fact that are one thing's own figure: asked of one of the policy's plans, a catalog entry's line never answers
PLAN_RECORD_KINDS = ("amount", "rate", "date", "count", "people", "minimum", "budget", "year_ordinal", "score",
                     "threshold")
# a policy rule's figure (a score, a year counted from the start, a numeric threshold): asked by a question that names
# no catalog entry, it is the policy's own, and an entry's line of the kind states another thing's
RULE_FIGURE_KINDS = ("year_ordinal", "score", "threshold")


def plan_figure_from_entries_dropped(
    quotes: Sequence[Quote], query: str, kinds: Sequence[tuple[str, Sequence[str]]],
    plan_names: Mapping[str, Sequence[str]], names_an_entry: bool,
    named: Callable[[Hit], bool] = lambda _h: False,
) -> list[Quote]:
    """A figure asked of one of the policy's plans, or of a catalog entry the question names, is not answered with the
    line of a catalog entry the question does not name (``named``): 「地場産業成長プランの計画期間は何年」 is not
    経営発達支援計画の「計画期間は5年間」, and 「重点支援企業の候補リストに載るには売上高いくら以上」 is not another
    subsidy's 「売上高10億円以上」 — unless that line names what the question named. A rule's figure
    (``RULE_FIGURE_KINDS``: 「ステージゲートの数値基準」) asked naming no entry is never an entry's line."""
    asked = [rx.compiled(p) for kind, patterns in kinds if kind in PLAN_RECORD_KINDS for p in patterns]
    text = normalize(query)
    names_a_plan = any(n and normalize(n) in text for ns in plan_names.values() for n in ns)
    rule = [rx.compiled(p) for kind, patterns in kinds if kind in RULE_FIGURE_KINDS for p in patterns]
    policy_rule = bool(rule) and not names_an_entry  # 「ステージゲートの数値基準」: the policy's own, no entry's figure
    if policy_rule:
        asked = rule
    if not asked or not (names_a_plan or names_an_entry or policy_rule):
        return list(quotes)
    said = [n for q in quotes if named(q.hit) for n in measure_names(q.hit) if n in text]
    return [q for q in quotes if q.hit.chunk.kind != "measure" or named(q.hit)
            or any(n in normalize(q.text) for n in said) or not any(p.search(q.text) for p in asked)]


# a firm, a brand, a body or a person the question names (Sudachi: 固有名詞 other than a place); a place is often the
# asker's own (「熊本で使える補助金の上限」) and is left to the scope rules
OWNER_POS = ("一般", "人名", "組織")
OWNER_KINDS = (*PLAN_RECORD_KINDS, "contact")


def named_owners(query: str) -> list[str]:
    """The proper nouns of the question that are not places (TSMC, トヨタ, a person's name), each followed by a particle
    as a subject or an owner is: who a figure may be asked of."""
    ms = morphemes(normalize(query))
    return [m.surface for m, after in zip(ms, [*ms[1:], None], strict=True)
            if m.pos[0] == "名詞" and m.pos[1] == "固有名詞" and m.pos[2] in OWNER_POS and len(m.surface) >= 2
            and after is not None and after.pos[0] == "助詞"]  # 「TSMCの」「トヨタは」 — not 「令和7年度」


def unnamed_owner_dropped(
    quotes: Sequence[Quote], query: str, kinds: Sequence[tuple[str, Sequence[str]]],
    named: Callable[[Hit], bool] = lambda _h: False,
) -> list[Quote]:
    """A figure asked of a firm or body the question names (「TSMCの工場の従業員は何人」) is answered only by a line that
    names it: a line of the asked kind about something else (another subsidy's 「従業員2,000人以下」) goes. A name that is
    a catalog entry the question names (JETRO) keeps that entry's lines (``named``)."""
    asked = [rx.compiled(p) for kind, patterns in kinds if kind in OWNER_KINDS for p in patterns]
    owners = named_owners(query) if asked else []
    if not owners:
        return list(quotes)
    entry_names = [normalize(n) for q in quotes if named(q.hit) for n in measure_names(q.hit)]
    owners = [o for o in owners if not any(o in n for n in entry_names)]
    if not owners:
        return list(quotes)
    return [q for q in quotes if named(q.hit) or any(o in q.text or o in q.hit.chunk.title for o in owners)
            or not any(p.search(q.text) for p in asked)]


# kinds of fact that are one measure's own record (its 採択率): another entry's line of the kind never answers
OWN_RECORD_KINDS = ("adoption", "amount", "rate")
NAMED_RECORD_KINDS = ("amount", "rate")  # one entry's own record only when the question names that entry


def other_entries_kind_dropped(
    quotes: Sequence[Quote], kinds: Sequence[Sequence[str]], named: Callable[[Hit], bool] = lambda _h: False
) -> list[Quote]:
    """When the leading catalog entry's own line states an asked kind of fact (its 採択率; its 上限 and 補助率 when the
    question names the entry, ``NAMED_RECORD_KINDS``), another entry's line of the same kind goes: it states that fact
    of another measure (「1次公募の採択率は16.6%」 of a different subsidy) — unless the question names that entry too
    (``named``: 「AとBの補助率」)."""
    if not quotes or quotes[0].hit.chunk.kind != "measure":
        return list(quotes)
    lead = quotes[0].hit.chunk.id
    out = list(quotes)
    for patterns in kinds:
        asked = [rx.compiled(p) for p in patterns]
        if any(q.hit.chunk.id == lead and any(p.search(q.text) for p in asked) for q in out):
            out = [q for q in out if q.hit.chunk.id == lead or q.hit.chunk.kind != "measure"
                   or named(q.hit) or not any(p.search(q.text) for p in asked)]
    return out


_CAP = re.compile(r"上限[^。、]{0,12}?[0-9][0-9,.]*\s*(万|億)?円")


def cap_with_rate(quotes: Sequence[Quote], kind_ids: Sequence[tuple[str, Sequence[str]]]) -> list[Quote]:
    """A subsidy's rate asked alone (「補助率は」「补助比例是多少」) is answered with the leading entry's cap line too, right
    after the rate: the share of the cost it pays means little without the most it pays (「上限50万円」)."""
    asked = {kind for kind, _ in kind_ids}
    if not quotes or "rate" not in asked or "amount" in asked or quotes[0].hit.chunk.kind != "measure":
        return list(quotes)
    lead = quotes[0].hit
    if any(q.hit.chunk.id == lead.chunk.id and _CAP.search(q.text) for q in quotes):
        return list(quotes)
    cap = next((u for u in units(lead.chunk) if _CAP.search(u)), None)
    if cap is None:
        return list(quotes)
    rate = [rx.compiled(p) for kind, patterns in kind_ids if kind == "rate" for p in patterns]
    at = next((i + 1 for i, q in enumerate(quotes) if q.hit.chunk.id == lead.chunk.id
               and any(p.search(q.text) for p in rate)), 1)
    return [*quotes[:at], Quote(lead, cap, quotes[0].score), *quotes[at:]]
