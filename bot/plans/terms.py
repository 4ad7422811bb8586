"""Reading a plan's words: sentences with verbatim spans, term patterns and the markers that weaken them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from bot.plans.actors import named_organisations
from bot.plans.lemmas import lemma_view
from bot.plans.numbers import Quantity, find_quantities, nfkc
from bot.plans.vocab_schema import check_vocab
from retrieval import regex as rx
from retrieval.normalize import fix_ocr

GAP = 24  # most characters between the parts of an ``A…B`` term
_SENTENCE_END = re.compile(r"[。！？!?]|\n")
_BULLET_HEAD = re.compile(r"^[\s　]*(?:[#■□◆◇●○・\-*]+|\d+[.．)）]|[（(][^）)]{1,12}[）)]|【[^】]{1,16}】)?[\s　]*")
_CLAUSE_BREAK = re.compile(r"(?:が、|ものの、|けれども、|一方で?、?|ただし、?|。(?=\S))")  # 。 inside a table cell ends a clause


@dataclass(frozen=True)
class Sentence:
    """One sentence of the plan: the verbatim text and its normalized form for matching.

    ``norm`` starts with the heading the sentence stands under (``## 核となる企業`` → 「核となる企業：」), so a
    heading's words count for the sentences of its section; ``text`` is only the sentence, as written.
    """

    text: str  # exactly as written in the plan (stripped)
    norm: str  # heading context + sentence: NFKC, OCR fixes, lower-case Latin
    index: int
    context: str = ""  # the heading, as shown (NFKC)
    block: int = 0  # the section / paragraph: a heading line or a blank line starts a new one
    label: str = ""  # the line's leading label (「・投資計画：…。建物2.0億円、…計4.8億円」) for the later sentences of the line
    asked: int = 0  # characters of ``norm`` (after the context) that are a folded question's topic, not the answer's words

    @property
    def shown(self) -> str:
        """``norm`` with the original letter case (same offsets when the lengths agree)."""
        shown = self.context + fix_ocr(nfkc(self.text))
        return shown if shown.lower() == self.norm else self.norm  # a table row reads as 「列名:値」: no shown form


def norm(text: str) -> str:
    """The form plan text and terms are compared in."""
    return fix_ocr(nfkc(text)).lower()


_HEADING_LINE = re.compile(r"^\s*(?:#{1,6}\s*(?P<md>.+?)\s*#*|(?P<label>[■□◆◇●○]?\s*(?:\d+[.．]\s*)?(?:【[^】]{1,24}】|[^。:：]{1,24}[:：])))\s*$")
# 「■製品と市場」「3. 重点支援企業」「第2章 現状と課題」「1 現状」: a short marked line that ends in a noun, not a predicate
_SHORT_HEADING = re.compile(
    r"^\s*(?:[■□◆◇●○▼▽]|\d{1,2}[.．](?!\d)|\d{1,2}[ \u3000]+(?=[^\d\s])|第[0-9一二三四五六七八九十]+[章節部]|[(（][0-9一二三四五六七八九十]{1,2}[)）])\s*"
    r"(?P<text>[^。:：、,]{1,22}?)\s*$"
)
_HEADING_TRIM = re.compile(r"^[\s#■□◆◇●○【(（\d.．]+|[\s】)）:：]+$")
# 「Q2 誰が中心になるのか？」: in a plan written as questions and answers, the question heads its answer (it states nothing)
_QUESTION_HEADING = re.compile(r"^\s*(?:[qＱ]|問)\s*\d{1,2}[.．:：)）\s]*(?P<text>[^。？?]{1,36})[？?]\s*$", re.IGNORECASE)


def _heading(line: str) -> str | None:
    """The heading text when a line is a heading (``## 目標``, ``【核となる企業】``, ``核となる企業：``)."""
    question = _QUESTION_HEADING.match(line)
    if question:
        return question.group("text").strip()
    m = _HEADING_LINE.match(line)
    if not m:
        short = _SHORT_HEADING.match(line)
        if not short or re.search(r"[\u3041-\u3096]$", short.group("text")):
            return None
        return _HEADING_TRIM.sub("", short.group("text")) or None
    return _HEADING_TRIM.sub("", m.group("md") or m.group("label") or "") or None


_LINE_LABEL = re.compile(r"^\s*[・\-*●○◆◇]?\s*([^。:：、]{1,12})[:：]")


def _table_cells(line: str) -> list[str] | None:
    """The cells of a Markdown table row (``| a | b |``), or None for any other line."""
    stripped = line.strip()
    if not (stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3):
        return None
    return [c.strip() for c in stripped[1:-1].split("|")]


def split_sentences(text: str) -> list[Sentence]:
    """Sentences (and list items / lines) of a plan, each a verbatim substring of ``text``.

    Heading lines are not sentences: they become the context of the sentences under them.
    """
    out: list[Sentence] = []
    context = ""
    block = 0
    header: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            block += 1
            header = []
            continue
        cells = _table_cells(line)
        if cells is not None:  # a Markdown table row reads as 「列名:値、列名:値」 under its header
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                continue
            if not header:
                header = cells
                continue
            pairs = "、".join(f"{h}:{c}" if h else c for h, c in zip(header, cells, strict=False))
            out.append(
                Sentence(text=line.strip(), norm=(context + norm(pairs)).lower(), index=len(out), context=context, block=block)
            )
            continue
        header = []
        heading = _heading(line)
        if heading is not None:
            context = fix_ocr(nfkc(heading)) + ":"
            block += 1
            continue
        start = 0
        lead = _LINE_LABEL.match(line)
        label = norm(lead.group(1)) if lead else ""
        first = True
        for m in _SENTENCE_END.finditer(line + "\n"):
            piece = (line + "\n")[start : m.end()].strip()
            start = m.end()
            if not piece or not re.search(r"[\w\u3040-\u30ff\u4e00-\u9fff]", piece):
                continue
            out.append(
                Sentence(
                    text=piece, norm=(context + norm(piece)).lower(), index=len(out), context=context, block=block, label="" if first else label
                )
            )
            first = False
    return out


def body_of(sentence: Sentence) -> str:
    """The sentence without a leading bullet or heading label (for short display)."""
    return _BULLET_HEAD.sub("", sentence.text, count=1) or sentence.text


@lru_cache(maxsize=4096)
def compile_term(term: str) -> re.Pattern[str]:
    """A term as a pattern: ``A|B`` alternatives, ``A…B`` = A then B within a few characters of the same sentence."""
    parts = [norm(p) for p in term.replace("...", "…").split("…") if p]
    alts = ["(?:" + "|".join(re.escape(a) for a in part.split("|") if a) + ")" for part in parts]
    return rx.compiled(f"[^。]{{0,{GAP}}}?".join(alts))  # a table cell may hold several sentences: a term stays in one


@dataclass(frozen=True)
class TermHit:
    """Where a term was found in a sentence."""

    term: str
    surface: str  # the matched normalized text
    start: int
    end: int


def find_terms(sentence: Sentence, terms: Iterable[str], *, lemmas: bool = True) -> list[TermHit]:
    """Every term of ``terms`` found in the sentence (one hit per term, leftmost).

    A term not found as written is looked for in the sentence's dictionary form (``lemmas.lemma_view``), so
    「中心になる」 finds 「中心になり」; the hit's offsets are those of the words as written.
    """
    hits: list[TermHit] = []
    for term in terms:
        pattern = compile_term(term)
        m = pattern.search(sentence.norm)
        if m:
            hits.append(TermHit(term=term, surface=m.group(0), start=m.start(), end=m.end()))
            continue
        if not lemmas:
            continue
        lemma, starts, ends = lemma_view(sentence.norm)
        m = pattern.search(lemma)
        if m and m.end() > m.start():
            start, end = starts[m.start()], ends[m.end() - 1]
            hits.append(TermHit(term=term, surface=sentence.norm[start:end], start=start, end=end))
    return hits


def surface(sentence: Sentence, hit: TermHit) -> str:
    """The hit as written (NFKC, original letter case) for showing to a person."""
    return sentence.shown[hit.start : hit.end]


_BRACKET = re.compile(r"[(（][^()（）]*[)）]")


def clause_bounds(sentence: Sentence, position: int) -> tuple[int, int]:
    """The clause (split at が、/ただし …) of the sentence that holds ``position``.

    A bracketed aside is its own clause: 「増設が検討されている(投資額は未定)」— 未定 is said of 投資額 only.
    """
    text = sentence.norm
    body = len(norm(sentence.context))
    if position < body:  # a heading's word speaks of the body's first clause (「Q2 誰が中心か」 → 「ただし、V社は…まだ決まっていない」)
        lead = _CLAUSE_BREAK.match(text, body)
        return 0, clause_bounds(sentence, lead.end() if lead else body)[1]
    for m in _BRACKET.finditer(text):
        if m.start() < position < m.end():
            return m.start() + 1, m.end() - 1
    start, end = 0, len(text)
    for m in _CLAUSE_BREAK.finditer(text):
        if m.end() <= position:
            start = m.end()
        elif m.start() > position:
            end = m.start()
            break
    return start, end


_OWN_SUBJECT = re.compile(r"[^\u3041-\u3096(（](?:は|が)")


def _outside_brackets(clause: str) -> str:
    """The clause with the bracketed asides that have their own subject (「(投資額は未定)」) blanked out.

    Same length, so offsets stay valid. An aside without a subject (「新工場(未定)」) still speaks of the clause.
    """
    return _BRACKET.sub(lambda m: " " * len(m.group(0)) if _OWN_SUBJECT.search(m.group(0)) else m.group(0), clause)


def marked(
    sentence: Sentence, hit: TermHit, markers: Sequence[str], reported: Sequence[str] = (), exempt: Sequence[str] = ()
) -> bool:
    """True when a marker (negation / vagueness) in the hit's clause ends after the hit begins.

    A marker right before a ``reported`` cue is someone else's words, not the plan's (「8割が導入したいと回答」).
    A marker with an ``exempt`` cue between the hit and it does not deny the hit: 「世界で3社しか量産していない」 is
    「only three」, not 「not」.
    """
    start, end = clause_bounds(sentence, hit.start)
    clause = sentence.norm[start:end]
    if not (start > 0 and sentence.norm[start - 1] in "(（"):
        clause = _outside_brackets(clause)
    # 「自社ブランド比率を高めたいが、…」: the break that ends the clause shows how its predicate ends (a wish before 「が、」)
    closing = _CLAUSE_BREAK.match(sentence.norm, end)
    clause += closing.group(0) if closing else ""
    cues = [norm(r) for r in reported]
    spared = [norm(e) for e in exempt]
    for marker in markers:
        for m in compile_term(marker).finditer(clause):
            if start + m.end() > hit.start and not any(clause.startswith(c, m.end()) for c in cues):
                between = sentence.norm[hit.end : start + m.start()]
                if not any(e in between for e in spared):
                    return True
    return False


def in_clause(sentence: Sentence, hit: TermHit, markers: Sequence[str]) -> bool:
    """True when a marker stands anywhere in the hit's clause, before or after it (「採択された後に関係省庁と相談を始める」)."""
    start, end = clause_bounds(sentence, hit.start)
    clause = sentence.norm[start:end]
    return any(compile_term(m).search(clause) for m in markers)


def quantities(sentence: Sentence, kind: str = "any") -> list[Quantity]:
    """Quantities (amounts, counts, rates) stated in the sentence."""
    return find_quantities(sentence.norm, kind)


_SEGMENT_BREAK = re.compile(r"[、,，;；]")


def attached_quantities(sentence: Sentence, hit: TermHit, kind: str = "any", others: Sequence[TermHit] = ()) -> list[Quantity]:
    """Quantities that belong to ``hit``: after it up to the next other target word, or before it in its own segment.

    「域内取引額、売上額、雇用数をKPIとし、売上額を10億円とする」: 10億円 belongs to 売上額, not to 域内取引額.
    With no other target word in the sentence every quantity of the sentence counts.
    """
    found = quantities(sentence, kind)
    rivals = [o for o in others if o.end <= hit.start or o.start >= hit.end]
    if not found or not rivals:
        return found
    text = sentence.norm
    right = min([o.start for o in rivals if o.start >= hit.end] + [len(text)])
    breaks = [m.end() for m in _SEGMENT_BREAK.finditer(text, 0, hit.start)]
    left = max([o.end for o in rivals if o.end <= hit.start] + breaks + [0])
    # 「蔵人を2人増やす」: a figure inside the words of the hit (人を…増や) is the hit's own
    inside = [q for q in found if hit.start <= q.start and q.end <= hit.end]
    return [q for q in found if (hit.end <= q.start and q.end <= right) or (left <= q.start and q.end <= hit.start) or q in inside]


def metric_figures(
    stated_in: Sequence[Sentence], sentences: Sequence[Sentence], metrics: Sequence[str], kind: str = "any", *, same_block: bool = True
) -> list[Sentence]:
    """Sentences (of the same section unless ``same_block`` is false) that give a number for a metric named in ``stated_in``.

    「KPIは付加価値額、域内取引額、雇用者数とし…」 names its metrics; 「付加価値額を120億円から200億円に…」 earlier in
    the section gives the number. ``metrics`` are term alternatives (``売上額|売上高|売上``), one per metric.
    """
    found: list[Sentence] = []
    for s in stated_in:
        named = [m for m in metrics if find_terms(s, [m])]
        if not named:
            continue
        for other in sentences:
            if other is s or (same_block and other.block != s.block) or other in found:
                continue
            hits = find_terms(other, metrics)
            for hit in hits:
                if hit.term in named and attached_quantities(other, hit, kind, [h for h in hits if h is not hit]):
                    found.append(other)
                    break
    return found


def actors(sentence: Sentence, patterns: Sequence[str], names: Mapping[str, Any] | None = None) -> list[str]:
    """Named organisations in the sentence: ``actor_patterns`` (regular expressions) and ``actor_names`` rules."""
    found: list[str] = []
    shown = sentence.shown
    for pattern in patterns:
        for m in _regex(pattern).finditer(sentence.norm):
            name = shown[m.start() : m.end()]
            if name not in found:
                found.append(name)
    for name in named_organisations(sentence.norm, shown, names):
        if not any(name in f or f in name for f in found):
            found.append(name)
    # 「…をつくる株式会社北辰精機」: a legal form that begins the next name does not end a name of its own
    forms = [str(f) for f in (names or {}).get("legal_forms", [])]
    # 「株式会社ゆずのさと（従業員9名）」: a name right before its overview in brackets ends there, not at a particle
    found = list(dict.fromkeys(f if _before_bracket(f, shown) else _trim_particle(f, forms) for f in found))
    return [
        f for f in found
        if not any(f.endswith(lf) and any(g != f and g.startswith(lf) and f + g[len(lf):] in shown for g in found) for lf in forms)
    ]


_NAME_END = re.compile(r"(?<=[\u3041-\u30ff\u4e00-\u9fffa-zA-Z0-9])(?:が|は|を|に|で|と|も)(?=[\u30a0-\u30ff\u4e00-\u9fff、。,]|$)")


def _before_bracket(name: str, shown: str) -> bool:
    """True when every occurrence of ``name`` in the sentence is followed by an opening bracket (its overview)."""
    ends = [m.end() for m in rx.finditer(re.escape(name), shown)]
    return bool(ends) and all(shown[e : e + 1] in ("(", "（") for e in ends)


def _trim_particle(name: str, forms: Sequence[str]) -> str:
    """A name after a legal form ends at the particle that follows it (「株式会社はなが」→「株式会社はな」,
    「合同会社さとやまが加工場を動かし」→「合同会社さとやま」); a particle inside a hiragana name stays (「みどりの丘」)."""
    form = next((f for f in sorted(forms, key=len, reverse=True) if name.startswith(f)), "")
    if not form:
        return name
    rest = name[len(form) :]
    m = _NAME_END.search(rest, 2)
    return form + rest[: m.start()] if m else name


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    return rx.compiled(pattern)


TERMS_FILE = "plan_terms.yaml"


@lru_cache(maxsize=8)
def _load_terms(path: str, mtime: float) -> dict[str, Any]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: top level must be a mapping")
    problems = check_vocab(data)
    if problems:
        raise ValueError("; ".join(problems[:3]))
    return data


def plan_terms(corpus_dir: Path) -> dict[str, Any]:
    """The vocabulary of plan analysis (needs, applicants, figures, markers) from ``corpus/plan_terms.yaml``."""
    from retrieval.errors import Code, DeskError

    path = corpus_dir / TERMS_FILE
    if not path.is_file():
        path = Path(str(resources.files("corpus"))) / TERMS_FILE
    try:
        return _load_terms(str(path), path.stat().st_mtime)
    except (OSError, yaml.YAMLError, ValueError) as exc:
        raise DeskError(Code.CORPUS_INVALID, f"{TERMS_FILE} を読み込めません: {exc}".splitlines()[0]) from exc
