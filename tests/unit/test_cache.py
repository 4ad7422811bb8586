"""The answer cache: what makes two requests the same, what is never cached, and what a hit looks like."""

from __future__ import annotations

from typing import Any

from bot.answering.answer import Answer, Citation
from bot.answering.cache import AnswerCache, MemoryBackend, cacheable
from bot.answering.conversation import Turn
from bot.config import Settings

BASE: dict[str, Any] = {
    "audience": "staff", "mode": "hybrid", "k": 5, "filters": None, "corpus_version": "v1", "generator": "extractive",
}
QUESTION = "コネクター度の定義は？"


def _answer(**update: Any) -> Answer:
    answer = Answer(
        text="資料には次のとおり記載されています。[1]",
        citations=[Citation(n=1, chunk_id="c1", title="基本的な考え方", section="2.", quote="域外販売額")],
        meta={"audience": "staff", "llm": {"model": "m", "prompt_tokens": 900, "completion_tokens": 80}},
    )
    return answer.model_copy(update=update)


def _key(question: str = QUESTION, turns: list[Turn] | None = None, **changes: Any) -> str:
    return AnswerCache.key(question, turns or [], **(BASE | changes))


def _cache(size: int = 8) -> AnswerCache:
    return AnswerCache(MemoryBackend(size, ttl=60))


def test_a_hit_is_the_same_answer_under_a_new_answer_id() -> None:
    cache, original = _cache(), _answer()
    assert cache.put(_key(), original)
    first, second = cache.get(_key()), cache.get(_key())
    assert first is not None and second is not None
    assert first.text == original.text and first.citations == original.citations
    assert len({original.answer_id, first.answer_id, second.answer_id}) == 3
    assert first.meta["cache"] == "hit" and first.meta["cached_answer_id"] == original.answer_id


def test_a_hit_does_not_count_the_original_llm_tokens_again() -> None:
    cache = _cache()
    cache.put(_key(), _answer())
    hit = cache.get(_key())
    assert hit is not None and "llm" not in hit.meta and hit.meta["audience"] == "staff"


def test_spelling_variants_of_one_question_share_an_entry() -> None:
    assert _key("コネクター度の定義は？") == _key("  ｺﾈｸﾀｰ度の定義は?  ")


def test_everything_the_answer_depends_on_is_in_the_key() -> None:
    base = _key()
    variants = [
        _key("ハブ度の定義は？"),
        _key(turns=[Turn(role="user", content="地場産業成長プランとは？")]),
        _key(audience="public"),
        _key(mode="bm25"),
        _key(k=3),
        _key(filters={"kind": "measure"}),
        _key(corpus_version="v2"),
        _key(generator='["llm", "gpt-x", "answer-2026-11-25.1"]'),
    ]
    assert base not in variants and len(set(variants)) == len(variants)


def test_a_new_corpus_version_is_never_answered_from_old_entries() -> None:
    cache = _cache()
    cache.put(_key(corpus_version="v1"), _answer())
    assert cache.get(_key(corpus_version="v2")) is None


def test_llm_fallbacks_and_failed_rewrites_are_not_cached() -> None:
    cache = _cache()
    fallback = _answer(mode="extractive_fallback", meta={"llm_error": "timeout"})
    rewrite_failed = _answer(mode="llm", meta={"query_rewrite_error": "timeout"})
    assert not cacheable(fallback) and not cacheable(rewrite_failed)
    assert not cache.put(_key(), fallback) and not cache.put(_key(k=9), rewrite_failed)
    assert cache.get(_key()) is None and cache.get(_key(k=9)) is None


def test_refusals_from_the_sources_are_cached_like_answers() -> None:
    assert cacheable(Answer(text="資料には記載がありません。", refused=True))


def test_entries_expire_after_the_ttl() -> None:
    now = [0.0]
    cache = AnswerCache(MemoryBackend(8, ttl=60, timer=lambda: now[0]))
    cache.put(_key(), _answer())
    now[0] = 59.0
    assert cache.get(_key()) is not None
    now[0] = 61.0
    assert cache.get(_key()) is None


def test_the_least_recently_used_entry_goes_when_full() -> None:
    cache = _cache(size=2)
    cache.put(_key(k=1), _answer())
    cache.put(_key(k=2), _answer())
    cache.get(_key(k=1))
    cache.put(_key(k=3), _answer())
    assert cache.get(_key(k=2)) is None
    assert cache.get(_key(k=1)) is not None and cache.get(_key(k=3)) is not None


def test_settings_choose_the_backend_or_turn_the_cache_off() -> None:
    def of(**kw: Any) -> AnswerCache:
        return AnswerCache.from_settings(Settings(_env_file=None, **kw))  # type: ignore[call-arg]

    assert isinstance(of().backend, MemoryBackend)
    assert not of(cache_size=0).enabled and not of(cache_ttl_seconds=0).enabled
    assert type(of(redis_url="redis://127.0.0.1:6379/0").backend).__name__ == "RedisBackend"  # no connection yet


def test_an_unreadable_entry_is_a_miss() -> None:
    backend = MemoryBackend(8, ttl=60)
    backend.set(_key(), "{not json")
    assert AnswerCache(backend).get(_key()) is None
