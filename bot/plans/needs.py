"""What a plan asks for: its needs (海外販路, 設備投資 …), who would apply, and the figures it states."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.plans.numbers import Quantity, find_quantities, format_yen
from bot.plans.terms import Sentence, find_terms, marked, norm, surface


@dataclass
class NeedHit:
    """One need of the plan with the plan's own words it rests on."""

    tag: str
    words: list[str] = field(default_factory=list)  # matched plan words (normalized)
    sentences: list[Sentence] = field(default_factory=list)
    requested: list[Sentence] = field(default_factory=list)  # sentences asking for support (活用したい …)

    @property
    def weight(self) -> float:
        """How strongly the plan states this need (distinct words, more when requested)."""
        return min(len(self.words), 3) + (1.0 if self.requested else 0.0)


@dataclass(frozen=True)
class Figure:
    """A figure the plan states, with the words it was read from."""

    field: str
    value: float
    text: str
    sentence: str

    def shown(self) -> str:
        """The value as a person writes it (40億円, 420人, 5%)."""
        if self.field.endswith("_yen"):
            return format_yen(self.value)
        if self.field.endswith("_pct"):
            return f"{self.value:g}%"
        return f"{self.value:,.0f}人"


def detect_needs(sentences: Sequence[Sentence], vocab: Mapping[str, Any]) -> list[NeedHit]:
    """Needs found in the plan, strongest first; each keeps the words and sentences it rests on."""
    requests = list(vocab.get("markers", {}).get("request", []))
    found: dict[str, NeedHit] = {}
    for tag, terms in (vocab.get("needs") or {}).items():
        for sentence in sentences:
            hits = find_terms(sentence, terms)
            if not hits:
                continue
            need = found.setdefault(tag, NeedHit(tag=tag))
            for hit in hits:
                word = surface(sentence, hit)
                if word not in need.words:
                    need.words.append(word)
            if sentence not in need.sentences:
                need.sentences.append(sentence)
            if any(marked(sentence, hit, requests) for hit in hits) and sentence not in need.requested:
                need.requested.append(sentence)
    # A need that rests only on words too broad to state it (「食品スーパー」の食品, 「規制」) is not a need of the plan.
    weak = {tag: {norm(w) for w in words} for tag, words in (vocab.get("weak_need_terms") or {}).items()}
    kept = [n for n in found.values() if not weak.get(n.tag) or any(norm(w) not in weak[n.tag] for w in n.words)]
    return sorted(kept, key=lambda n: -n.weight)


def detect_figures(sentences: Sequence[Sentence], vocab: Mapping[str, Any]) -> dict[str, list[Figure]]:
    """Figures by criterion field (investment_yen, employees, sales_yen, wage_increase_pct, capital_yen)."""
    out: dict[str, list[Figure]] = {}
    for name, spec in (vocab.get("figures") or {}).items():
        kind, window = spec.get("kind", "any"), int(spec.get("window", 10))
        bare = tuple(spec.get("bare_units", []))
        trailing = set(spec.get("trailing", []))  # 「5億円かけて」: read only before the word, never the next clause's figure
        targets = tuple(spec.get("targets", []))  # 「将来は売上100億円を目指したい」: a goal, not the firm's figure today
        for sentence in sentences:
            taken: set[tuple[int, int]] = set()
            for term in sorted([*spec.get("terms", []), *trailing], key=len, reverse=True):
                start = sentence.norm.find(term)
                while start >= 0:
                    tail = sentence.norm[start + len(term) : start + len(term) + window + 12]
                    found = False
                    for q in [] if term in trailing else _near(tail, kind, window, bare):
                        key = (start + len(term) + q.start, start + len(term) + q.end)
                        if key in taken:
                            continue
                        if targets and _is_target(sentence.norm[key[1] : key[1] + TARGET_WINDOW], targets):
                            taken.add(key)
                            found = True
                            break
                        taken.add(key)
                        out.setdefault(name, []).append(Figure(name, q.value, term + tail[: q.end], sentence.text))
                        found = True
                        break
                    if not found:  # 「総額30億円を投資する」: the figure may stand before its label, in the same clause
                        before = _before(sentence.norm, start, kind, window, bare)
                        if before and (before.start, before.end) not in taken:
                            taken.add((before.start, before.end))
                            text = sentence.norm[before.start : start + len(term)]
                            out.setdefault(name, []).append(Figure(name, before.value, text, sentence.text))
                    start = sentence.norm.find(term, start + 1)
            if not taken and sentence.label and any(term in sentence.label for term in spec.get("terms", [])):
                # 「・投資計画：…を建設。建物2.0億円、…、計4.8億円」: the line's label names the figures; the total is the largest
                stated = find_quantities(sentence.norm, kind)
                if stated:
                    q = max(stated, key=lambda q: q.value)
                    out.setdefault(name, []).append(Figure(name, q.value, f"{sentence.label}:{q.text}", sentence.text))
    return out


TARGET_WINDOW = 8  # characters after a figure in which a target word (を目指す …) makes it a goal


def _is_target(after: str, targets: Sequence[str]) -> bool:
    """True when the words right after a figure make it a goal (「100億円を目指す」「50億円に伸ばしたい」)."""
    return any(t in after for t in targets)


def _before(text: str, end: int, kind: str, window: int, bare: Sequence[str] = ()) -> Quantity | None:
    """The nearest figure ending at most ``window`` characters before ``end``, with no clause break in between."""
    head_start = max(0, end - window - 12)
    head = text[head_start:end]
    cut = max(head.rfind(c) for c in "、。,;；")
    found = [q for q in _near(head, kind, len(head), bare) if q.start > cut and len(head) - q.end <= window]
    if not found:
        return None
    q = found[-1]
    return Quantity(q.value, q.unit, q.text, head_start + q.start, head_start + q.end)


# A bare amount (「売上30億」「5億くらいかけて」): a number and a big unit with no 円, not a counter's number (12万人)
_BARE = re.compile(r"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>[億万])(?!\s*(?:円|[人名社件戸軒店台個本点回棟頭羽箱食枚杯床室席便校泊品種]|世帯|経営体|トン|ha|m3|㎥|kw|kl))")
_BIG = {"万": 10**4, "億": 10**8}


def bare_amounts(text: str, units: Sequence[str]) -> list[Quantity]:
    """Amounts written without 円 in one of ``units`` (plan_terms.yaml ``figures.*.bare_units``)."""
    return [Quantity(float(m.group("num")) * _BIG[m.group("unit")], "円", m.group(0), m.start(), m.end())
            for m in _BARE.finditer(text) if m.group("unit") in units]


def _near(tail: str, kind: str, window: int, bare: Sequence[str] = ()) -> list[Quantity]:
    found = [q for q in find_quantities(tail, kind) if q.start <= window]
    if kind == "amount" and bare:
        found += [q for q in bare_amounts(tail, bare) if q.start <= window and not any(f.start <= q.start < f.end for f in found)]
    found = [q for q in found if not tail[q.end : q.end + 3].startswith(("当たり", "あたり", "当り"))]
    if kind == "count":
        found = [q for q in found if q.unit in ("人", "名")]
    return sorted(found, key=lambda q: q.start)


def detect_applicants(
    sentences: Sequence[Sentence], vocab: Mapping[str, Any], figures: Mapping[str, list[Figure]]
) -> dict[str, list[str]]:
    """Who would apply (applicant type → the plan's words or figures that say so)."""
    found: dict[str, list[str]] = {}
    # the rest of the kind's noun may stand between (「中小」+「企業には該当しない」)
    denied = [re.compile(r"[^、。,()]{0,4}?\s*" + re.escape(norm(w))) for w in vocab.get("applicant_denied") or []]
    for applicant, terms in (vocab.get("applicants") or {}).items():
        for sentence in sentences:
            for hit in find_terms(sentence, terms):
                # 「資本金20億円、中小企業には該当しない」: a kind the plan says its firm is not
                if any(d.match(sentence.norm, hit.end) for d in denied):
                    continue
                words = found.setdefault(applicant, [])
                word = hit.surface.rstrip("はがとの・") or hit.surface
                if word not in words:
                    words.append(word)
    for figure in figures.get("employees", []):
        for size in vocab.get("size_classes", []):
            if figure.value <= float(size["max_employees"]):
                words = found.setdefault(str(size["applicant"]), [])
                label = f"従業員{figure.value:,.0f}人"
                if label not in words:
                    words.append(label)
                break
    for child, parents in (vocab.get("applicant_parents") or {}).items():  # 小規模事業者 ⊂ 中小企業
        if child in found:
            for parent in parents:
                words = found.setdefault(str(parent), [])
                words += [w for w in found[child] if w not in words]
    return found
