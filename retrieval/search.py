"""Search: BM25 ∥ bigram ∥ dense, fused by weighted reciprocal-rank fusion, with metadata filters."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from retrieval.embed import Embedder
from retrieval.errors import Code, DeskError
from retrieval.index import IndexHolder, LoadedIndex
from retrieval.normalize import normalize
from retrieval.questions import SectionKind
from retrieval.store import Store
from retrieval.structure import (
    ChunkShape,
    asked_factor,
    asked_names,
    names_a_measure,
    shapes,
    structure_factor,
)
from retrieval.synonyms import expand
from retrieval.tokenize import sudachi_tokens
from retrieval.types import Chunk, Hit

MODES = ("hybrid", "bm25", "bigram", "dense")
PLAN_TYPE_BOOST = 1.5  # a chunk of the plan type the question names
OTHER_PLAN_TYPE = 0.6  # a chunk that belongs only to another plan type
FILTER_KEYS = ("kind", "plan_type", "agency", "doc_id")


@dataclass(frozen=True)
class Weights:
    """Fusion weights per channel and the RRF constant."""

    bm25: float = 1.0
    bigram: float = 0.5
    dense: float = 0.3
    rrf_k: int = 60

    def of(self, channel: str) -> float:
        """Weight of one channel."""
        return float(getattr(self, channel))


def _matches(chunk: Chunk, filters: Mapping[str, str]) -> bool:
    for key, value in filters.items():
        if key == "plan_type":
            if value not in chunk.plan_types:
                return False
        elif getattr(chunk, key) != value:
            return False
    return True


def _where(filters: Mapping[str, str]) -> dict[str, Any] | None:
    clauses: list[dict[str, Any]] = []
    for key, value in filters.items():
        clauses.append({f"pt_{value}": True} if key == "plan_type" else {key: value})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def plan_type_hint(query: str, names: Mapping[str, Sequence[str]]) -> str | None:
    """The plan type a question is about (「地場産業成長プランの…」): the one it names, or of several the one it names
    most often (「地域産業クラスター計画の「実現可能性」は戦略産業クラスターのとは違う…地域産業クラスター計画だと」), or
    the one it names other than for comparison (「地場産業成長プランでの…は地域産業クラスター計画と同じく…」);
    None when it names none or several equally often."""
    counts: dict[str, int] = {}
    for plan_type, aliases in names.items():
        spans: set[int] = set()
        for alias in sorted((a for a in aliases if a), key=len, reverse=True):
            start = query.find(alias)
            while start >= 0:
                if not spans & set(range(start, start + len(alias))):
                    spans |= set(range(start, start + len(alias)))
                    counts[plan_type] = counts.get(plan_type, 0) + 1
                start = query.find(alias, start + 1)
    if not counts:
        return None
    asked = asked_names(query, names)
    if len(asked) == 1 and len(counts) > 1:  # the others are named only to compare with
        return asked.pop()
    ranked = sorted(counts.items(), key=lambda p: -p[1])
    return ranked[0][0] if len(ranked) == 1 or ranked[0][1] > ranked[1][1] else None


def _plan_type_factor(chunk: Chunk, hint: str | None) -> float:
    if hint is None or not chunk.plan_types:
        return 1.0
    return PLAN_TYPE_BOOST if hint in chunk.plan_types else OTHER_PLAN_TYPE


class Retriever:
    """Finds the chunks that answer a query in the active index generation."""

    def __init__(
        self,
        holder: IndexHolder,
        embedder: Embedder,
        weights: Weights,
        candidates: int = 50,
        asks_definition: Callable[[str], bool] | None = None,
        asks_fact: Callable[[str], bool] | None = None,
        asked_answers: Callable[[str], list[str]] | None = None,
        asked_section: Callable[[str], SectionKind | None] | None = None,
    ) -> None:
        self.holder = holder
        self.asks_definition = asks_definition  # 「○○とは」: the passage opening ○○'s heading defines it
        self.asks_fact = asks_fact  # 上限・補助率・いつまで: a catalog entry may lead though the question names none
        self.asked_answers = asked_answers  # いつ → date sentences, 誰が → actor sentences (fact kinds' answer patterns)
        self.asked_section = asked_section  # 「スケジュール」「支援メニュー」: the section kind the question names
        self.embedder = embedder
        self.weights = weights
        self.candidates = candidates
        self._masks: dict[tuple[str, tuple[tuple[str, str], ...]], np.ndarray] = {}
        self._shapes: dict[str, list[ChunkShape]] = {}

    @property
    def index(self) -> LoadedIndex:
        """The active index (reloaded when a newer generation is published)."""
        return self.holder.get()

    def _mask(self, index: LoadedIndex, filters: Mapping[str, str]) -> np.ndarray | None:
        if not filters:
            return None
        key = (index.generation, tuple(sorted(filters.items())))
        if key not in self._masks:
            self._masks = {k: v for k, v in self._masks.items() if k[0] == index.generation}
            self._masks[key] = np.array([_matches(c, filters) for c in index.chunks], dtype=bool)
        return self._masks[key]

    def shapes(self, index: LoadedIndex) -> list[ChunkShape]:
        """The structure of every chunk (defined terms, heading opened, catalog names), computed once per generation."""
        if index.generation not in self._shapes:
            self._shapes = {index.generation: shapes(index.chunks)}
        return self._shapes[index.generation]

    def query_tokens(self, query: str) -> list[str]:
        """Sudachi query tokens plus the synonyms of every word asked with (e.g. 書く → 記載)."""
        table = self.index.synonyms
        asked = sudachi_tokens(query, keep_stopwords=True)
        return expand(sudachi_tokens(query), {t: table.get(t, ()) for t in asked})

    def channel(self, channel: str, query: str, n: int, filters: Mapping[str, str] | None = None) -> list[tuple[int, float]]:
        """Ranked (chunk position, score) of one channel."""
        index = self.index
        filters = dict(filters or {})
        if channel == "bm25":
            return index.lexical[channel].top(self.query_tokens(query), n, self._mask(index, filters))
        if channel in index.lexical:
            return index.lexical[channel].top(query, n, self._mask(index, filters))
        if channel == "dense":
            if index.embedder_id != self.embedder.id:
                raise DeskError(
                    Code.INDEX_CORRUPT,
                    f"索引は別の埋め込みモデル（{index.embedder_id}）で作られています（設定: {self.embedder.id}）。",
                    "`madoguchi ingest --rebuild` で作り直す（re-ingest）か、MADOGUCHI_EMBEDDER を戻してください。",
                )
            vector = self.embedder.embed([query])[0]
            positions = index.position()
            found = Store.query(index.collection, vector, min(n, len(index.chunks)), _where(filters))
            return [(positions[i], s) for i, s in found if i in positions]
        raise ValueError(f"unknown retriever {channel!r}: use one of {', '.join(MODES)}")

    def search(
        self,
        query: str,
        k: int = 5,
        mode: str = "hybrid",
        filters: Mapping[str, str] | None = None,
        dense_query: str | None = None,
    ) -> list[Hit]:
        """The ``k`` best chunks for ``query`` by one channel or the fused hybrid.

        ``dense_query`` (a question in another language, as asked) is what the multilingual dense channel
        embeds instead of ``query`` (its Japanese glossary terms, which the lexical channels match).
        """
        if mode not in MODES:
            raise ValueError(f"unknown retriever {mode!r}: use one of {', '.join(MODES)}")
        bad = set(filters or {}) - set(FILTER_KEYS)
        if bad:
            raise ValueError(f"unknown filter(s) {sorted(bad)}: use {', '.join(FILTER_KEYS)}")
        query = normalize(query)
        index = self.index
        channels = ("bm25", "bigram", "dense") if mode == "hybrid" else (mode,)
        n = max(self.candidates, k)
        fused: dict[int, float] = {}
        ranks: dict[int, dict[str, int]] = {}
        raw: dict[int, dict[str, float]] = {}
        for channel in channels:
            weight = self.weights.of(channel) if mode == "hybrid" else 1.0
            if weight <= 0:
                continue
            asked = normalize(dense_query) if channel == "dense" and dense_query else query
            for rank, (pos, score) in enumerate(self.channel(channel, asked, n, filters), start=1):
                ranks.setdefault(pos, {})[channel] = rank
                raw.setdefault(pos, {})[channel] = round(score, 6)
                contribution = weight / (self.weights.rrf_k + rank) if mode == "hybrid" else score
                fused[pos] = fused.get(pos, 0.0) + contribution
        hint = plan_type_hint(query, index.plan_type_names)
        if hint:
            fused = {pos: score * _plan_type_factor(index.chunks[pos], hint) for pos, score in fused.items()}
        if mode == "hybrid":
            chunk_shapes = self.shapes(index)
            named_measure = names_a_measure(chunk_shapes, query)
            # 「戦略産業クラスターの支援例の「○○交付金」ってそもそも何」: the named entry is what is asked, not the heading
            defining = bool(self.asks_definition and self.asks_definition(query)) and not named_measure
            fact = bool(self.asks_fact and self.asks_fact(query)) or named_measure
            fused = {
                pos: score * structure_factor(chunk_shapes[pos], query, defining, fact) for pos, score in fused.items()
            }
            # a question naming a catalog entry asks about that entry: what it asks does not pull policy passages up
            answers = self.asked_answers(query) if self.asked_answers and not named_measure else []
            section = self.asked_section(query) if self.asked_section and not named_measure else None
            if answers or section is not None:
                fused = {pos: score * asked_factor(chunk_shapes[pos], answers, section) for pos, score in fused.items()}
        best = sorted(fused.items(), key=lambda p: (-p[1], p[0]))[:k]
        return [Hit(chunk=index.chunks[pos], score=score, ranks=ranks[pos], raw=raw[pos]) for pos, score in best]
