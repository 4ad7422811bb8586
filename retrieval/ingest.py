"""Ingestion: corpus → chunks → embeddings (only what changed) → a new generation, swapped in atomically."""

from __future__ import annotations

import json
import secrets
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from retrieval.corpus import load_corpus, require_valid
from retrieval.embed import Embedder
from retrieval.index import corpus_version, write_generation
from retrieval.store import PREFIX, Store
from retrieval.synonyms import load_synonyms
from retrieval.types import Chunk

Progress = Callable[[str, int, int], None]


@dataclass
class IngestReport:
    """What an ingest did, in figures."""

    generation: str
    corpus_version: str
    chunks: int
    embedded: int
    reused: int
    seconds: float
    up_to_date: bool = False


def _noop(_stage: str, _done: int, _total: int) -> None:
    return None


def _reusable(store: Store, pointer: dict[str, object] | None, embedder_id: str, chunks: Sequence[Chunk]) -> dict[str, np.ndarray]:
    """Vectors of the active generation whose chunk content and embedder are unchanged."""
    if not pointer or pointer.get("embedder") != embedder_id:
        return {}
    try:
        old = store.collection(str(pointer["collection"]))
        hashes = Store.stored_hashes(old)
    except Exception:
        return {}
    same = [c.id for c in chunks if hashes.get(c.id) == c.content_hash]
    return Store.vectors(old, same) if same else {}


def _embed(embedder: Embedder, chunks: Sequence[Chunk], batch: int, progress: Progress) -> np.ndarray:
    parts: list[np.ndarray] = []
    for start in range(0, len(chunks), batch):
        parts.append(embedder.embed([c.text for c in chunks[start : start + batch]]))
        progress("embed", min(start + batch, len(chunks)), len(chunks))
    return np.vstack(parts) if parts else np.zeros((0, 1), dtype=np.float32)


def _cleanup(store: Store, index_dir: Path, keep: set[str]) -> None:
    """Drop generations other than ``keep`` (leftovers of failed runs and older swaps)."""
    for name in store.generations():
        if name.removeprefix(PREFIX) not in keep:
            store.drop(name)
    if index_dir.exists():
        for path in index_dir.iterdir():
            if path.is_dir() and path.name not in keep:
                shutil.rmtree(path, ignore_errors=True)


def ingest(
    store: Store,
    index_dir: Path,
    corpus_dir: Path,
    embedder: Embedder,
    *,
    extra_paths: Sequence[Path] = (),
    rebuild: bool = False,
    batch: int = 64,
    progress: Progress = _noop,
) -> IngestReport:
    """Build a new index generation beside the active one and swap it in; the old one serves until then."""
    started = time.perf_counter()
    corpus = require_valid(load_corpus(corpus_dir, extra_paths))
    chunks = corpus.chunks()
    plan_type_names = {p.id: [p.name, *p.aliases] for p in corpus.plan_types}
    synonyms = load_synonyms(corpus_dir)
    lookup = json.dumps([plan_type_names, synonyms], ensure_ascii=False, sort_keys=True)
    version = corpus_version(chunks, embedder.id + lookup)
    pointer = store.active()
    if pointer and not rebuild and pointer.get("corpus_version") == version:
        # Nothing changed. Where the local lexical cache is absent it is rebuilt from the store on load.
        return IngestReport(str(pointer["generation"]), version, len(chunks), 0, len(chunks), time.perf_counter() - started, True)

    reuse = {} if rebuild else _reusable(store, pointer, embedder.id, chunks)
    todo = [c for c in chunks if c.id not in reuse]
    progress("embed", 0, len(todo))
    fresh = dict(zip((c.id for c in todo), _embed(embedder, todo, batch, progress), strict=True))
    merged = {**reuse, **fresh}
    vectors = np.vstack([merged[c.id] for c in chunks]) if chunks else np.zeros((0, 1), dtype=np.float32)

    generation = datetime.now(UTC).strftime("g%Y%m%dt%H%M%S") + secrets.token_hex(3)
    collection_name = PREFIX + generation
    progress("store", 0, len(chunks))
    collection = store.create(collection_name)
    Store.add(collection, chunks, vectors)
    progress("store", len(chunks), len(chunks))
    new_pointer = {
        "generation": generation,
        "collection": collection_name,
        "corpus_version": version,
        "embedder": embedder.id,
        "dim": int(vectors.shape[1]) if len(chunks) else 0,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "plan_types": plan_type_names,
        "synonyms": synonyms,
    }
    manifest = {**new_pointer, "chunk_count": len(chunks), "chunks": {c.id: c.content_hash for c in chunks}}
    progress("lexical", 0, 1)
    write_generation(index_dir / generation, chunks, manifest)
    progress("lexical", 1, 1)
    store.set_active(new_pointer)  # the swap: readers see the old generation until this write
    keep = {generation} | ({str(pointer["generation"])} if pointer else set())
    _cleanup(store, index_dir, keep)
    return IngestReport(generation, version, len(chunks), len(todo), len(reuse), time.perf_counter() - started)
