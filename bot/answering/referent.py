"""A demonstrative naming a kind of thing (「その税制」) read as the name the previous turn gave of that kind."""

from __future__ import annotations

from collections.abc import Sequence

from bot.answering.sufficiency import anchor_names
from retrieval.index import LoadedIndex
from retrieval.normalize import normalize


def named_referent(question: str, named: tuple[str, str] | None, earlier: Sequence[str], index: LoadedIndex) -> str:
    """The question with 「その税制」 replaced by the first name of that kind in the earlier turns (answer first)."""
    if named is None:
        return question
    phrase, kind = named
    for turn in earlier:
        folded = normalize(turn)
        names = [n for n in anchor_names(index, turn).split(" ") if n and kind in n]
        if names:
            first = min(names, key=lambda n: (folded.find(n), -len(n)))
            return normalize(question).replace(phrase, first, 1)
    return question
