"""The query-embedding cache: a repeated question gets the same vector without recomputing; the cache is bounded."""

from __future__ import annotations

import numpy as np
import pytest

from retrieval.embed_cache import QueryCache, exact_key, query_key


class Counting:
    """A fake model: a distinct unit vector per text, counting how often it computes."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, text: str) -> np.ndarray:
        self.calls.append(text)
        rng = np.random.default_rng(abs(hash(text)) % 2**32)
        v = rng.standard_normal(8).astype(np.float32)
        return (v / np.linalg.norm(v))[None, :]


def test_a_repeated_query_returns_the_same_vector_without_recomputing() -> None:
    cache, model = QueryCache(4), Counting()
    first = cache.embed_one("補助率は？", model)
    again = cache.embed_one("補助率は？", model)
    assert first.shape == again.shape == (1, 8)
    assert np.array_equal(first, again)
    assert model.calls == [query_key("補助率は？")] and cache.hits == 1


def test_spacing_and_width_variants_share_one_entry() -> None:
    cache, model = QueryCache(4), Counting()
    a = cache.embed_one("ＤＸ　補助金の 上限は？", model)
    b = cache.embed_one("  DX 補助金の   上限は？\n", model)
    assert np.array_equal(a, b)
    assert model.calls == ["DX 補助金の 上限は?"]  # the model sees the key text (NFKC: ？ → ?)
    assert query_key("ＤＸ　補助金") == "DX 補助金"


def test_the_cache_is_bounded_and_drops_the_least_recently_used() -> None:
    cache, model = QueryCache(2), Counting()
    cache.embed_one("a", model)
    cache.embed_one("b", model)
    cache.embed_one("a", model)  # a is now the most recent
    cache.embed_one("c", model)  # evicts b
    assert len(cache) == 2
    cache.embed_one("a", model)
    cache.embed_one("b", model)
    assert model.calls == ["a", "b", "c", "b"]


def test_callers_cannot_corrupt_a_cached_vector() -> None:
    cache, model = QueryCache(2), Counting()
    v = cache.embed_one("a", model)
    v[:] = 0
    assert np.linalg.norm(cache.embed_one("a", model)) > 0.99


def test_size_zero_turns_it_off_and_exact_keys_keep_variants_apart() -> None:
    off, model = QueryCache(0), Counting()
    off.embed_one("a", model)
    off.embed_one("a", model)
    assert model.calls == ["a", "a"] and len(off) == 0
    exact, model = QueryCache(4, key=exact_key), Counting()
    exact.embed_one("a b", model)
    exact.embed_one("a  b", model)
    assert model.calls == ["a b", "a  b"]


def test_the_size_is_a_setting(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.config import Settings
    from bot.desk import Desk

    monkeypatch.setenv("MADOGUCHI_QUERY_CACHE_SIZE", "0")
    settings = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    assert Desk(settings).embedder.queries.size == 0  # type: ignore[attr-defined]
    monkeypatch.delenv("MADOGUCHI_QUERY_CACHE_SIZE")
    settings = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    assert Desk(settings).embedder.queries.size == 1024  # type: ignore[attr-defined]
