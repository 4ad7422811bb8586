"""Deterministic eval metrics: pure functions over normalized text, ranks and labels (no I/O)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from retrieval.normalize import compact


def contains(text: str, needle: str) -> bool:
    """True when ``needle`` occurs in ``text`` after normalization (NFKC, OCR fixes, no whitespace)."""
    return compact(needle) in compact(text)


def is_relevant(chunk_text: str, evidence: Sequence[str]) -> bool:
    """A chunk is relevant when it contains every evidence string (an empty list makes nothing relevant)."""
    return bool(evidence) and all(contains(chunk_text, e) for e in evidence)


def first_relevant_rank(chunk_texts: Sequence[str], evidence: Sequence[str], k: int = 10) -> int | None:
    """1-based rank of the first relevant chunk among the first ``k``, or None."""
    for rank, text in enumerate(chunk_texts[:k], start=1):
        if is_relevant(text, evidence):
            return rank
    return None


def evidence_indexed(evidence: Sequence[str], indexed: Sequence[str]) -> bool:
    """True when at least one evidence string occurs in one of the indexed texts (``indexed`` already compacted)."""
    needles = [compact(e) for e in evidence]
    return any(needle and needle in text for needle in needles for text in indexed)


def evidence_reachable(evidence: Sequence[str], indexed: Sequence[str]) -> bool:
    """True when one indexed text holds every evidence string (some chunk can be relevant at all)."""
    needles = [compact(e) for e in evidence]
    return bool(needles) and any(all(needle in text for needle in needles) for text in indexed)


def _share(flags: Iterable[bool]) -> float | None:
    values = list(flags)
    return sum(values) / len(values) if values else None


def recall_at_k(ranks: Sequence[int | None], k: int) -> float | None:
    """Share of cases whose first relevant chunk is within the top ``k`` (None when there are no cases)."""
    return _share(r is not None and r <= k for r in ranks)


def mrr_at_k(ranks: Sequence[int | None], k: int = 10) -> float | None:
    """Mean reciprocal rank of the first relevant chunk; a case with none in the top ``k`` scores 0."""
    if not ranks:
        return None
    return sum(1.0 / r if r is not None and r <= k else 0.0 for r in ranks) / len(ranks)


def facts_found(answer: str, must_include: Sequence[str]) -> list[bool]:
    """For each must_include string: whether the answer contains it."""
    return [contains(answer, fact) for fact in must_include]


def forbidden_found(answer: str, must_not: Sequence[str]) -> list[str]:
    """The must_not strings the answer contains (after normalization)."""
    return [s for s in must_not if contains(answer, s)]


def names_measure(pattern: str, text: str) -> bool:
    """Whether ``text`` names a measure given as a regex or as its literal name: a catalog name such as
    「小規模事業者持続化補助金(一般型・通常枠)」 is written as it reads, and as a regex its brackets would be a group."""
    return pattern in text or compact(pattern) in compact(text) or re.search(pattern, text) is not None


def measures_named(answer: str, patterns: Sequence[str]) -> list[bool]:
    """For each expected measure (regex or literal name): whether the answer names it (NFKC-normalized text too)."""
    text = compact(answer)
    return [names_measure(p, text) or names_measure(p, answer) for p in patterns]


def precision(given_right: Sequence[bool]) -> float | None:
    """Share of the answers given (not declined) that are right: they carry the asked facts and should not
    have been declined. None when nothing was answered."""
    return _share(given_right)


def coverage(answerable_right: Sequence[bool]) -> float | None:
    """Share of the answerable questions answered right."""
    return _share(answerable_right)


def fact_recall(found_per_case: Sequence[Sequence[bool]]) -> float | None:
    """Share of all must_include strings (pooled over cases) found in the answers."""
    return _share(flag for flags in found_per_case for flag in flags)


@dataclass(frozen=True)
class CitedHit:
    """What a citation check needs of a retrieved chunk: its id and its text."""

    chunk_id: str
    text: str


def citation_valid(chunk_id: str, quote: str, hits: Sequence[CitedHit]) -> bool:
    """A citation is valid when its chunk was retrieved and its quote is found in that chunk."""
    return any(h.chunk_id == chunk_id and bool(compact(quote)) and contains(h.text, quote) for h in hits)


def citation_validity(valid_per_case: Sequence[Sequence[bool]]) -> float | None:
    """Share of all citations (pooled over cases) that are valid; None when no answer cited anything."""
    return _share(flag for flags in valid_per_case for flag in flags)


def refusal_accuracy(declined_refuse_cases: Sequence[bool]) -> float | None:
    """Share of the cases that must be refused that the desk declined."""
    return _share(declined_refuse_cases)


def false_refusal_rate(declined_answerable_cases: Sequence[bool]) -> float | None:
    """Share of the answerable cases that the desk declined (lower is better)."""
    return _share(declined_answerable_cases)


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0–100) with linear interpolation between closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


@dataclass(frozen=True)
class MeasureRef:
    """A ranked measure as the match metrics see it."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        """Name, aliases and id: what an expected-measure regex may match."""
        return (self.name, *self.aliases, self.id)


def measure_rank(pattern: str, ranked: Sequence[MeasureRef], n: int = 5) -> int | None:
    """1-based rank of the first of the top ``n`` measures whose name, alias or id matches ``pattern`` (a regex
    or the literal name)."""
    for rank, measure in enumerate(ranked[:n], start=1):
        if any(names_measure(pattern, text) for text in measure.names() if text):
            return rank
    return None


def match_recall(expected_ranks: Sequence[Sequence[int | None]]) -> float | None:
    """Share of all expected measures (pooled over cases) found in the top 5."""
    return _share(r is not None for ranks in expected_ranks for r in ranks)


def match_mrr(expected_ranks: Sequence[Sequence[int | None]]) -> float | None:
    """Mean over cases of 1 / rank of the best-ranked expected measure (0 when none is in the top 5)."""
    if not expected_ranks:
        return None
    best = [min((r for r in ranks if r is not None), default=None) for ranks in expected_ranks]
    return sum(1.0 / r if r else 0.0 for r in best) / len(best)


def status_matches(expected: Mapping[str, str], actual: Mapping[str, str]) -> dict[str, bool]:
    """For each labelled requirement: whether the pre-check gave the expected status."""
    return {label: actual.get(label) == status for label, status in expected.items()}


def precheck_accuracy(matches_per_case: Sequence[Mapping[str, bool]]) -> float | None:
    """Share of all labelled requirements (pooled over cases) whose status matches."""
    return _share(flag for flags in matches_per_case for flag in flags.values())
