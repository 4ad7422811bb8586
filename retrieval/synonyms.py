"""Query-side synonyms (data in ``corpus/synonyms.yaml``): how people ask → the words the documents use."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from retrieval import yamlio
from retrieval.tokenize import sudachi_tokens

SYNONYMS_FILE = "synonyms.yaml"


def load_synonyms(corpus_dir: Path) -> dict[str, list[str]]:
    """Read the synonym table and bring keys and values to Sudachi normalized forms."""
    path = corpus_dir / SYNONYMS_FILE
    if not path.exists():
        return {}
    raw = yamlio.safe_load(path.read_text(encoding="utf-8")) or {}
    table: dict[str, list[str]] = {}
    for key, values in raw.items():
        key_tokens = sudachi_tokens(str(key), keep_stopwords=True)
        if len(key_tokens) != 1:
            continue
        forms = [t for v in values or [] for t in sudachi_tokens(str(v), keep_stopwords=True)]
        table.setdefault(key_tokens[0], [])
        table[key_tokens[0]] = list(dict.fromkeys(table[key_tokens[0]] + [f for f in forms if f != key_tokens[0]]))
    return table


def expand(tokens: Sequence[str], table: Mapping[str, Iterable[str]]) -> list[str]:
    """The tokens followed by the synonyms of each (no duplicates)."""
    out = list(tokens)
    for token in tokens:
        out.extend(table.get(token, ()))
    return list(dict.fromkeys(out))


def alternatives(token: str, table: Mapping[str, Iterable[str]]) -> set[str]:
    """A token and its synonyms."""
    return {token, *table.get(token, ())}
