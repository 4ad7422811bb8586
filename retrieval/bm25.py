"""Lexical channels: a bm25s index over one tokenizer, saved beside the index generation."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import bm25s
import numpy as np

from retrieval.tokenize import bigram_tokens, sudachi_tokens

Tokenizer = Callable[[str], list[str]]
TOKENIZERS: dict[str, Tokenizer] = {"bm25": sudachi_tokens, "bigram": bigram_tokens}


class LexicalIndex:
    """BM25 over one tokenizer (``bm25`` = Sudachi words, ``bigram`` = character bigrams)."""

    def __init__(self, channel: str) -> None:
        if channel not in TOKENIZERS:
            raise ValueError(f"unknown lexical channel {channel!r}")
        self.channel = channel
        self.tokenize = TOKENIZERS[channel]
        self.model: bm25s.BM25 | None = None
        self.df: dict[str, int] = {}
        self.n_docs = 0

    def build(self, texts: Sequence[str]) -> LexicalIndex:
        """Index the texts (one document each)."""
        corpus = [self.tokenize(text) for text in texts]
        self.model = bm25s.BM25()
        self.model.index(corpus, show_progress=False)
        self.df = dict(Counter(token for doc in corpus for token in set(doc)))
        self.n_docs = len(corpus)
        return self

    def save(self, directory: Path) -> None:
        """Write the index files under ``directory/<channel>/``."""
        if self.model is None:
            raise RuntimeError("index not built")
        target = directory / self.channel
        target.mkdir(parents=True, exist_ok=True)
        self.model.save(str(target), show_progress=False)
        (target / "df.json").write_text(
            json.dumps({"n_docs": self.n_docs, "df": self.df}, ensure_ascii=False), encoding="utf-8"
        )

    @classmethod
    def load(cls, directory: Path, channel: str) -> LexicalIndex:
        """Load an index saved by ``save``."""
        index = cls(channel)
        target = directory / channel
        index.model = bm25s.BM25.load(str(target), show_progress=False, verbosity=0)
        meta = json.loads((target / "df.json").read_text(encoding="utf-8"))
        index.df = {str(k): int(v) for k, v in meta["df"].items()}
        index.n_docs = int(meta["n_docs"])
        return index

    def idf(self, token: str) -> float:
        """Inverse document frequency of a token (unknown tokens get the highest value)."""
        return math.log(1 + (self.n_docs + 1) / (self.df.get(token, 0) + 0.5))

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every document for already tokenized query tokens."""
        if self.model is None:
            raise RuntimeError("index not built")
        known = [t for t in query_tokens if t in self.df]
        if not known:
            return np.zeros(self.n_docs, dtype=np.float32)
        return np.asarray(self.model.get_scores(known), dtype=np.float32)

    def top(self, query: str | Sequence[str], n: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The ``n`` best documents for a query (text, or tokens already made), optionally masked."""
        scores = self.scores(self.tokenize(query) if isinstance(query, str) else query)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        n = min(n, len(scores))
        if n <= 0:
            return []
        idx = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
        ranked = sorted(((int(i), float(scores[i])) for i in idx if scores[i] > 0), key=lambda p: -p[1])
        return ranked
