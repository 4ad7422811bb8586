"""Situation questions (a need, not a measure): an overview of the 1–4 best-fitting measures (none under half the best one's score), one short entry each.

The measures are ranked by the hybrid search over the question fused with plan analysis's needs/applicant
matching (``bot.plans.match_plan`` called through :func:`plan_ranks`); each entry quotes the catalog verbatim.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from bot import messages
from bot.answering.answer import Answer, Citation, HitOut
from bot.answering.compose import suggestions, units
from bot.answering.situation_read import stated_small_size
from bot.plans.match_limits import COUNTED_SIZE, PUBLIC_BODIES, size_criterion_met
from bot.plans.needs import Figure
from retrieval import regex as rx
from retrieval.chunk import APPLICANT_NAMES
from retrieval.clarify import Situation, SizeRules, Statements
from retrieval.corpus import Corpus
from retrieval.errors import DeskError
from retrieval.schema import Measure
from retrieval.types import Chunk, Hit

MAX_MEASURES = 4
STANDING_MAX = 1  # standing lines (a public body's own-project grant) an overview adds after the fitting measures
RELATIVE_FLOOR = 0.5  # a measure scoring under this share of the best one is left out
RRF_K = 3.0
PLAN_WEIGHT = 1.0  # weight of plan analysis's ranking against the search's
SIZE_FIT_RANK = 0  # plan rank shared by the measures whose amount floor the asker's figures meet (see plan_ranks)
SCOPE_SHARE = 2.0  # a sector measure whose sector the asker names: this many times the strongest need's weight (plan_ranks)
SEARCH_ONLY_UNDER = 2  # with this many measures ranked by plan analysis, one only the search found is not listed
PLAN_DEPTH = 12  # measures plan analysis ranks for a situation (its score orders them, the needs they serve rank them)
_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt,
}
STATED_FIGURES = (("投資|投じ|かけて", "投資額"), ("売上|年商", "売上高"), ("従業員|社員|スタッフ", "従業員"))  # asked → 要件 word
STATED_MAX = 3  # 要件 lines on the asker's figures an entry quotes
HEADING_NOTE = "政策文書の支援メニューの項目で、個別の施策は示されていない"
_SIZE = re.compile(r"[0-9０-９]+\s*(人|億|万|円|%|％)")
_PLAIN = re.compile(r"[\s、。,.・:：()（）「」『』?？!！]")
BUDGET_FIELD = "investment_yen"
SMALL_KIND = "small_business"  # the size class of an asker calling its business one-person or small (stated_small_size)
SMALL_REFINES = {"sme"}  # the kinds read beside which such words make the asker a small business (an SME may be small)
BUDGET_NEEDS = ("設備投資",)  # needs beside which a budget stated alone is the investment (stated_budget)
_BUDGET = r"([0-9０-９][0-9０-９,，]*)\s*(億|万)"
_DIGITS = str.maketrans("０１２３４５６７８９，", "0123456789,")
_NUMBER = re.compile(r"[0-9][0-9,.]*")
_PERIOD = re.compile(r"([0-9]+)\s*年(?:後|以内|先|のうち|ほど|くらい|ぐらい|程度|で|目処|めど)")  # a period the asker states
_WITHIN = re.compile(r"([0-9]+)\s*年以内")  # a period a catalog line sets
PERIOD_SHARE = 2  # character pairs a stated period within a line's period counts for (asked_line)
_FRAME = re.compile(r"^([^：:、。]{1,12}(枠|型|類型|コース))[：:]")  # a line of one frame of a measure (「事業承継促進枠：…」)
PROVIDES_LINE = "支援内容:"
AMOUNT_LINE = "金額等:"
RUNS_LINE = "所管:"  # who runs a measure (「運営は地域経済活性化支援機構 REVIC」)
HEADLINE_WORDS = ("上限", "補助率")  # what an overview entry states of a measure's amounts
ASKED_LINE_MIN = 4  # character pairs (not hiragana alone) a 支援内容 line shares with the question to be added


def read_needs(question: str, match: Callable[..., Any], statements: Statements) -> Any | None:
    """Plan analysis's reading of a question (its needs, figures, applicants and ranked measures), or None when it
    reads nothing (``match`` is ``match_plan`` with its keyword arguments bound). A budget stated alone beside an
    investment need is read as the investment (:func:`stated_budget`); an asker calling its business one-person or small
    (「ひとりで町工場を」), of no size plan analysis reads, as a small business."""
    try:
        reading = match(question, n=PLAN_DEPTH)
    except DeskError:
        return None
    budget = stated_budget(question, reading)
    if budget is not None:
        reading.figures = {**(reading.figures or {}), BUDGET_FIELD: [budget]}
    small = stated_small_size(statements, question)
    applicants = dict(getattr(reading, "applicants", None) or {})
    if small and set(applicants) <= SMALL_REFINES:  # 「ひとりで町工場を」: not a 商工会 speaking of small shops
        reading.applicants = {**applicants, SMALL_KIND: [small]}
    return reading


def stated_budget(question: str, reading: Any) -> Figure | None:
    """The one amount a question states (「1000万くらいの話です」「800万くらいかな」) as its investment, when plan
    analysis reads an investment need (``BUDGET_NEEDS``) and no amount figure of its own; else None."""
    figures: Mapping[str, Sequence[Any]] = getattr(reading, "figures", None) or {}
    needs = {n.tag for n in getattr(reading, "needs", None) or []}
    if any(f.endswith("_yen") and v for f, v in figures.items()) or not needs & set(BUDGET_NEEDS):
        return None
    amounts = list(rx.finditer(_BUDGET, question))
    if len(amounts) != 1:
        return None
    found = amounts[0]
    number = float(found.group(1).translate(_DIGITS).replace(",", ""))
    value = number * (100_000_000 if found.group(2) == "億" else 10_000)
    return Figure(field=BUDGET_FIELD, value=value, text=found.group(0), sentence=question)


def states_needs(reading: Any | None) -> bool:
    """True when plan analysis read at least one need in the question (「道路や工業用水道の整備」→ インフラ)."""
    return bool(reading is not None and getattr(reading, "needs", None))


def plan_ranks(reading: Any | None) -> dict[str, int]:
    """Rank of each measure id by plan analysis; a question in which it reads nothing gives no ranks.

    A measure whose amount floor the asker's own figures meet (25億円の投資 and 「投資額20億円以上」, 売上40億円 and
    「売上高10億円以上」) leads with the shared rank ``SIZE_FIT_RANK``: the asker's stated size is what such a measure
    asks, so it comes before measures for any size (a small business's 補助金). The others follow in the order of the
    needs the asker states most strongly (a ryokan's 旅館・温泉街 before its one 改装: the tourism measures before a
    general investment tax break), plan analysis's score breaking ties."""
    if reading is None:
        return {}
    weight = {n.tag: float(n.weight) for n in getattr(reading, "needs", [])}
    figures: Mapping[str, Sequence[Any]] = getattr(reading, "figures", {}) or {}
    scored = [r for r in reading.results if r.score > 0]
    top = max(weight.values(), default=0.0)

    def strength(r: Any) -> float:  # a measure for the sector the asker names, serving a need, ranks with the strongest
        served = sum(weight.get(t, 0.0) for t in r.needs)
        return served + (top * SCOPE_SHARE if served and getattr(r, "in_scope", False) else 0.0)

    ordered = sorted(scored, key=lambda r: -strength(r))  # stable: score breaks ties
    fit = [r for r in ordered if meets_amount_floor(r.measure, figures)]
    ranks = {r.measure.id: SIZE_FIT_RANK for r in fit}
    rest = [r for r in ordered if r.measure.id not in ranks]
    ranks.update({r.measure.id: rank for rank, r in enumerate(rest, start=len(fit) + 1)})
    return ranks


def closed_ranks(ranks: Mapping[str, int], left_out: Collection[str]) -> dict[str, int]:
    """The ranks without the measures left out, closed up as :func:`plan_ranks` numbers them (a ruled-out measure
    ranked above does not push the rest down; the size-fit lead stays shared)."""
    kept = {m: r for m, r in ranks.items() if m not in left_out}
    fit = [m for m, r in kept.items() if r == SIZE_FIT_RANK]
    rest = sorted((m for m in kept if m not in fit), key=lambda m: kept[m])
    return {**dict.fromkeys(fit, SIZE_FIT_RANK), **{m: n for n, m in enumerate(rest, start=len(fit) + 1)}}


def meets_amount_floor(measure: Measure, figures: Mapping[str, Sequence[Any]]) -> bool:
    """True when a figure the asker states meets an amount floor of the measure (投資額・売上高 … 以上) and no
    criterion the asker states a figure for is failed."""
    met = False
    for c in measure.criteria:
        values = [f.value for f in figures.get(c.field, [])]
        if not values:
            continue
        if not any(_OPS[c.op](v, c.value) for v in values):
            return False
        met = met or (c.field.endswith("_yen") and c.op in (">=", ">"))
    return met


def is_heading(measure: Measure) -> bool:
    """True when the catalog entry is only a heading of the policy's support menu (「17分野への戦略的な成長投資策の実行」):
    no applicant, no eligibility and no amount — nothing an asker could apply for."""
    return not measure.applicants and not measure.eligibility and not measure.amounts


def out_of_reach(measures: Sequence[Measure], reading: Any | None, sizes: SizeRules) -> dict[str, str]:
    """Measures the asker's stated size rules out, each with the catalog's condition that does.

    A criterion the asker's own figures fail (従業員1,200人 against 「従業員20人以下」) rules a measure out, and so does
    a measure only for firm sizes the asker's stated size cannot be (a 1,200-person maker and an SME-only subsidy;
    a small business is an SME too, and an SME may be small). An asker who writes as a small business (「従業員4人」, 「家族経営」) and states no
    figure for a criterion whose floor is ``small_reach_yen`` or more (an investment of 1億円, sales of 10億円) is
    not offered that measure either; nor is an asker who states neither the investment nor a mid-sized firm offered an
    investment floor of ``large_floor_yen`` or more (a ryokan union's renovation and a 20億円 investment subsidy).
    A heading of the policy's support menu (:func:`is_heading`) is not offered to a firm that states its size: it asks
    what it can apply for, and a heading has nothing to apply for (asked as such, 「専門家を派遣してもらう支援は」, it is).
    A municipality (「市として」) is not offered what only prefectures apply for, nor a prefecture what only
    municipalities do."""
    if reading is None:
        return {}
    figures: Mapping[str, Sequence[Any]] = getattr(reading, "figures", {}) or {}
    applicants: Mapping[str, Any] = getattr(reading, "applicants", {}) or {}
    stated = [a for a in sizes.classes if a in applicants]
    small = "small_business" in stated and "mid_sized" not in stated
    large = "mid_sized" in stated
    # a size the asker may be: its own, its parents (a small business is an SME), its children (an SME may be small)
    fits = {f for a in stated for f in (a, *sizes.parents.get(a, []))}
    fits |= {child for child, parents in sizes.parents.items() if set(parents) & set(stated)}
    # a size read from the employee count alone (従業員350人 → 中堅) is a guess: an SME may have more staff (資本金の基準)
    counted = all(w.startswith(COUNTED_SIZE) for a in stated for w in applicants[a])
    public = set(applicants) & PUBLIC_BODIES  # the asker's own level of local government (「市として…」)
    out: dict[str, str] = {}
    for m in measures:
        if is_heading(m) and stated:  # a firm that states its size asks what it can apply for
            out[m.id] = HEADING_NOTE
            continue
        if public and m.applicants and set(m.applicants) <= PUBLIC_BODIES and not set(m.applicants) & public:
            out[m.id] = "対象: " + "・".join(APPLICANT_NAMES.get(a, a) for a in m.applicants)  # another level's measure
            continue
        kinds = set(m.applicants)
        guessed_only = counted and size_criterion_met(m, {k: list(v) for k, v in figures.items()})  # the asker's sales meet the measure's size criterion
        if fits and kinds and kinds <= set(sizes.classes) and not kinds & fits and not guessed_only:
            out[m.id] = "対象: " + "・".join(sizes.names.get(a, a) for a in m.applicants)
            continue
        for c in m.criteria:
            values = [f.value for f in figures.get(c.field, [])]
            if values and not any(_OPS[c.op](v, c.value) for v in values):
                out[m.id] = c.label
                break
            # a small business: any amount floor out of its reach; anyone not mid-sized: a large investment floor
            floor = sizes.small_reach_yen if small else sizes.large_floor_yen
            amounts = c.field.endswith("_yen") if small else c.field == "investment_yen"
            if not values and amounts and c.op in (">=", ">") and c.value >= floor and not large:
                out[m.id] = c.label
                break
    return out


def pick_measures(
    hits: Sequence[Hit], ranks: Mapping[str, int], limit: int = MAX_MEASURES,
    chunks: Mapping[str, Chunk] | None = None, prefer: Collection[str] = (), avoid: Collection[str] = (),
    off_topic: Collection[str] = (),
) -> list[Hit]:
    """The measure chunks that fit best: search rank fused with plan analysis's rank (RRF).

    A measure plan analysis matched to the asker's needs (``ranks``) is a candidate even when the search did not
    retrieve it (a ryokan's renovation: the tourism measures share needs, not words); it comes from ``chunks``.
    Candidates whose id is in ``prefer`` (the consultation windows, when the asker asks where to ask) lead; those in
    ``avoid`` (windows for public bodies only, asked by a business) are left out, and so are those only the search
    found that serve none of the asker's needs (``off_topic``, see :func:`off_topic`)."""
    measures = [h for h in hits if h.chunk.kind == "measure" and h.chunk.id.removeprefix("measure:") not in avoid
                and not (h.chunk.id.removeprefix("measure:") in off_topic and h.chunk.id.removeprefix("measure:") not in ranks)]
    found = {h.chunk.id.removeprefix("measure:") for h in measures}
    measures += [Hit(chunk=chunks[f"measure:{mid}"], score=0.0)
                 for mid in sorted(ranks, key=lambda m: ranks[m])
                 if mid not in found and mid not in avoid and chunks and f"measure:{mid}" in chunks]
    scores: dict[str, float] = {}
    plain: dict[str, float] = {}  # the same without the size-fit lead, for the floor
    for rank, hit in enumerate(measures, start=1):
        mid = hit.chunk.id.removeprefix("measure:")
        scores[hit.chunk.id] = 1.0 / (RRF_K + rank) + (PLAN_WEIGHT / (RRF_K + ranks[mid]) if mid in ranks else 0.0)
        plain[hit.chunk.id] = 1.0 / (RRF_K + rank) + (PLAN_WEIGHT / (RRF_K + max(ranks[mid], 1)) if mid in ranks else 0.0)
    ordered = sorted(measures, key=lambda h: -scores[h.chunk.id])
    if not ordered:
        return []
    floor = RELATIVE_FLOOR * max(plain.values())
    if len(ranks) >= SEARCH_ONLY_UNDER:  # plan analysis read enough needs: a measure serving none of them is filler
        ordered = [h for h in ordered if h.chunk.id.removeprefix("measure:") in ranks or h.chunk.id.removeprefix("measure:") in prefer]
    chosen = [h for h in ordered[:limit] if scores[h.chunk.id] >= floor]  # no filler under the floor
    windows = [h for h in ordered if h.chunk.id.removeprefix("measure:") in prefer]
    if not windows:
        return chosen
    return [*windows[:1], *(h for h in chosen if h is not windows[0])][:limit]


def off_topic(measures: Sequence[Measure], reading: Any | None, keep_kinds: Collection[str]) -> set[str]:
    """Measures serving none of the needs plan analysis read in the question (a shop without a successor and an
    export platform, a village's last supermarket and the list of firms named in a cluster plan), the consultation
    windows (``keep_kinds``) excepted: they fit any need. Empty when no need is read."""
    read = {n.tag for n in getattr(reading, "needs", None) or []}
    if not read:
        return set()
    return {m.id for m in measures if m.kind not in keep_kinds and not set(m.needs) & read}


def consult_windows(corpus: Corpus, situation: Situation, question: str) -> tuple[set[str], set[str]]:
    """The catalog's consultation windows for this asker, and those for public bodies only that a business is not
    sent to, when the question asks where or whom to ask (else two empty sets)."""
    if not situation.wants_window(question):
        return set(), set()
    public = situation.from_public_body(question)
    for_public = set(situation.public_applicants)
    windows = [m for m in corpus.measures if m.kind in situation.consult_kinds]
    if public:  # a prefecture's or municipality's staff: the windows public bodies may use lead
        return {m.id for m in windows if not m.applicants or set(m.applicants) & for_public}, set()
    not_for_asker = {m.id for m in windows if m.applicants and set(m.applicants) <= for_public}
    return {m.id for m in windows} - not_for_asker, not_for_asker


def _bigrams(text: str) -> set[str]:
    """Character pairs of the text's wording, those of hiragana alone (の, する, ます) left out; every number reads as
    one sign, so a stated period meets a line's (「3年後に継ぐ」 and 「5年以内に…引き継ぐ」 share 「#年」)."""
    plain = _NUMBER.sub("#", _PLAIN.sub("", text.translate(_DIGITS)))
    pairs = {plain[i : i + 2] for i in range(len(plain) - 1)}
    return {p for p in pairs if not all("\u3041" <= ch <= "\u309f" for ch in p)}


def asked_line(lines: Sequence[str], question: str) -> str:
    """The 支援内容 line sharing the most of the question's wording (「5年以内に…継ぐ」 → 事業承継促進枠：5年以内に…引き継ぐ),
    when it shares at least ``ASKED_LINE_MIN`` character pairs; else ""."""
    asked = _bigrams(question)
    periods = [int(p) for p in _PERIOD.findall(question.translate(_DIGITS))]
    scored = [(len(_bigrams(u.split(":", 1)[1]) & asked) + (PERIOD_SHARE if period_fits(periods, u) else 0), u)
              for u in lines if u.startswith(PROVIDES_LINE)]
    best = max(scored, key=lambda s: s[0], default=(0, ""))
    return best[1] if best[0] >= ASKED_LINE_MIN else ""


def period_fits(periods: Sequence[int], line: str) -> bool:
    """True when a period the asker states (「2年後に」「3年以内に」) falls within a period the line sets (「5年以内に」)."""
    limits = [int(p) for p in _WITHIN.findall(line.translate(_DIGITS))]
    return any(p <= limit for p in periods for limit in limits)


def _entry_lines(chunk: Chunk, question: str = "") -> list[str]:
    """What the measure gives (its summary line, and the line of what it provides that the question's wording asks
    for), who it is for, and the size condition that may rule one out."""
    lines = units(chunk)
    summary = next((u for u in lines if ":" not in u[:8]), lines[0] if lines else "")
    picked = [summary] if summary else []
    provides = asked_line(lines, question) if question else ""
    if provides:
        picked.append(provides)
    conditions = [u for u in lines if u.startswith("要件:")]
    sized = next((u for u in conditions if _SIZE.search(u)), conditions[0] if conditions else "")
    stated = stated_conditions(conditions, question)
    window = next((u for u in lines if u.startswith("窓口:")), "")
    target = next((u for u in lines if u.startswith("対象:")), "")
    runner = next((u for u in lines if u.startswith(RUNS_LINE)), "")
    for line in (*(stated or [sized or target]), *headline_amounts(lines, frame_of(provides)), window, runner):
        if line and line not in picked:
            picked.append(line)
    return picked


def stated_conditions(conditions: Sequence[str], question: str) -> list[str]:
    """The 要件 lines with a figure on what the asker states a figure for (「25億くらい投資」 → the 投資額 lines), at most
    ``STATED_MAX``; none when the asker states no figure."""
    folded = question.replace(" ", "")
    if not _SIZE.search(folded):
        return []
    asked = [line_word for ask_word, line_word in STATED_FIGURES if rx.search(ask_word, folded)]
    return [u for u in conditions if _SIZE.search(u) and any(w in u for w in asked)][:STATED_MAX]


def frame_of(provides: str) -> str:
    """The frame a 支援内容 line describes (「支援内容: 事業承継促進枠：5年以内に…」 → 事業承継促進枠), or ""."""
    found = _FRAME.match(provides.removeprefix(PROVIDES_LINE).strip())
    return found.group(1) if found else ""


def headline_amounts(lines: Sequence[str], frame: str = "") -> list[str]:
    """The measure's headline amount lines: the first 金額等 line stating a cap (上限) and the first stating a rate
    (補助率), one line when one states both (「通常枠の上限50万円」「補助率2/3」; a reported budget alone is not one).
    When the entry quotes one frame of the measure (``frame``: 事業承継促進枠), that frame's amount lines only, if the
    catalog has any: another frame's cap (専門家活用枠の上限600万円) is not the asker's."""
    amounts = [u for u in lines if u.startswith(AMOUNT_LINE) and "参考" not in u[:12]]
    framed = [u for u in amounts if u.removeprefix(AMOUNT_LINE).strip().startswith(frame)] if frame else []
    if framed:
        return framed[:1]
    picked: list[str] = []
    for word in HEADLINE_WORDS:
        line = next((u for u in amounts if word in u), "")
        if line and line not in picked and not any(word in p for p in picked):
            picked.append(line)
    return picked


def overview(
    hits: Sequence[Hit], ranks: Mapping[str, int], meta: dict[str, Any], chunks: Mapping[str, Chunk] | None = None,
    windows: tuple[Collection[str], Collection[str]] = ((), ()), ruled_out: Collection[str] = (),
    unrelated: Collection[str] = (), standing: Sequence[str] = (),
) -> Answer | None:
    """The overview answer, or None when the search found no measure (``windows``: see :func:`consult_windows`;
    ``ruled_out``: measures the asker's stated size rules out, see :func:`out_of_reach`; ``unrelated``: see
    :func:`off_topic`; ``standing``: measures named after the fitting ones while there is room, see
    :func:`bot.answering.situation_read.own_project_grants`)."""
    avoid = {*windows[1], *ruled_out}
    chosen = pick_measures(hits, closed_ranks(ranks, avoid), chunks=chunks, prefer=windows[0], avoid=avoid,
                           off_topic=unrelated)
    if not chosen:
        return None
    named = {h.chunk.id for h in chosen}
    added = [Hit(chunk=chunks[f"measure:{m}"], score=0.0) for m in standing
             if chunks and f"measure:{m}" in chunks and f"measure:{m}" not in named and m not in avoid][:STANDING_MAX]
    chosen = [*chosen[: MAX_MEASURES - len(added)], *added]  # the standing line takes the weakest fitting one's place
    text_lines = [messages.SITUATION_LEAD.format(n=len(chosen))]
    citations: list[Citation] = []
    for n, hit in enumerate(chosen, start=1):
        chunk = hit.chunk
        entries = _entry_lines(chunk, str(meta.get("query", "")))
        note = f"（{messages.UNVERIFIED}の事項あり）" if not chunk.verified else ""
        text_lines.append(f"{n}. {chunk.title}{note} [{n}]")
        text_lines += [f"  ・{line}" for line in entries]
        citations += [
            Citation(n=n, chunk_id=chunk.id, title=chunk.title, section=chunk.section, url=chunk.url, as_of=chunk.as_of,
                     quote=line, verified=chunk.verified)
            for line in entries
        ]
    text_lines += [messages.SITUATION_CLOSE, "", messages.SOURCES_HEADING]
    for n, hit in enumerate(chosen, start=1):
        c = hit.chunk
        when = f"（{c.as_of} 時点）" if c.as_of else ""
        link = f" {c.url}" if c.url.startswith("http") else ""
        text_lines.append(f"[{n}] {c.title} — {c.section}{when}{link}")
    follow = suggestions(hits, citations, audience=str(meta.get("audience", "staff")))
    shown = {h.chunk.id for h in hits}
    listed = [*hits, *(h for h in chosen if h.chunk.id not in shown)]  # a measure found by plan analysis alone
    return Answer(text="\n".join(text_lines), citations=citations, hits=[HitOut.of(h) for h in listed], suggestions=follow,
                  meta={**meta, "intent": "situation", "measures": [h.chunk.id for h in chosen],
                        "ruled_out": sorted(ruled_out)})
