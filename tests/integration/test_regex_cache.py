"""The corpus rules' patterns are compiled once: asking again recompiles nothing (the regex cache thrash, #20)."""

from __future__ import annotations

from retrieval import regex as rx

QUESTIONS = [
    "地場産業成長プランの要件は何ですか？",
    "うちの町の和菓子屋が海外に売りたいのですが、使える支援はありますか",
    "地域未来交付金の上限額はいくら？",
    "来年の日経平均はいくらになりますか",
]


def test_asking_again_compiles_no_pattern_again(indexed_settings) -> None:  # type: ignore[no-untyped-def]
    """With the answer cache off, a second pass over varied questions answers alike and misses the pattern cache 0 times."""
    from bot.desk import Desk

    desk = Desk(indexed_settings.model_copy(update={"cache_size": 0}))
    first = [desk.ask(q).text for q in QUESTIONS]
    misses = rx.compiled.cache_info().misses
    second = [desk.ask(q).text for q in QUESTIONS]
    assert second == first and all(first)
    assert rx.compiled.cache_info().misses == misses
    # one question touches more rule patterns than re's own 512-entry cache holds
    assert rx.compiled.cache_info().currsize > 512
