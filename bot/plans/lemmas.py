"""Sentences in dictionary form (Sudachi lemmas), so a term written 「中心になる」 also finds 「中心になり」「中心となりました」."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from retrieval.tokenize import SUDACHI_LOCK, sudachi_tokenizer

_lock = SUDACHI_LOCK  # the same lock as retrieval's: the tokenizers are the same shared objects
_INFLECTING = ("動詞", "形容詞", "助動詞")
# humble and polite verbs read as the plain verb: 「運営いたします」 states what 「運営する」 states
_PLAIN = {"いたす": "する", "致す": "する", "おる": "いる"}


def _tokenizer() -> Any:
    return sudachi_tokenizer("C")


@lru_cache(maxsize=8192)
def lemma_view(text: str) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    """``text`` with each verb/adjective in its dictionary form, and the start/end in ``text`` of each lemma character."""
    if not text:
        return "", (), ()
    with _lock:  # Sudachi's tokenizer object is not thread-safe
        morphemes = [(str(m.surface()), str(m.dictionary_form()), m.part_of_speech()[0]) for m in _tokenizer().tokenize(text)]
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for surface, lemma, part in morphemes:
        form = lemma if part in _INFLECTING and lemma and lemma != "*" else surface
        form = _PLAIN.get(form, form)
        out.append(form)
        starts += [pos] * len(form)
        ends += [pos + len(surface)] * len(form)
        pos += len(surface)
    return "".join(out), tuple(starts), tuple(ends)


def _short_tokenizer() -> Any:
    return sudachi_tokenizer("A")


@lru_cache(maxsize=256)
def _word_bounds(text: str) -> frozenset[int]:
    with _lock:
        surfaces = [str(m.surface()) for m in _short_tokenizer().tokenize(text)]
    bounds = {0}
    pos = 0
    for surface in surfaces:
        pos += len(surface)
        bounds.add(pos)
    return frozenset(bounds)


def has_word(text: str, word: str) -> bool:
    """True when ``word`` stands in ``text`` as whole words (Sudachi short units): 米 is in 「米を使う」, not in 「北米」."""
    start = text.find(word)
    if start < 0 or not word:
        return False
    bounds = _word_bounds(text)
    while start >= 0:
        if start in bounds and start + len(word) in bounds:
            return True
        start = text.find(word, start + 1)
    return False
