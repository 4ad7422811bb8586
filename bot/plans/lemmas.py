"""Sentences in dictionary form (Sudachi lemmas), so a term written 「中心になる」 also finds 「中心になり」「中心となりました」."""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

_lock = threading.Lock()
_INFLECTING = ("動詞", "形容詞", "助動詞")
# humble and polite verbs read as the plain verb: 「運営いたします」 states what 「運営する」 states
_PLAIN = {"いたす": "する", "致す": "する", "おる": "いる"}


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    from sudachipy import Dictionary, SplitMode

    dictionary = Dictionary(dict="core")
    make = getattr(dictionary, "tokenizer", None) or dictionary.create
    return make(mode=SplitMode.C)


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
