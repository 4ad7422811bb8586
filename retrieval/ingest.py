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
from typing import Any

import numpy as np

from retrieval.corpus import Corpus, load_corpus, require_valid
from retrieval.embed import Embedder
from retrieval.embed_pool import Embedding
from retrieval.index import build_lexical, corpus_version, finish_generation, start_generation
from retrieval.loaders import DOCUMENT_SUFFIXES
from retrieval.store import PREFIX, Store
from retrieval.synonyms import load_synonyms
from retrieval.types import Chunk

Progress = Callable[[str, int, int], None]
TEXT_SUFFIXES = tuple(s for s in DOCUMENT_SUFFIXES if s != ".pdf")
BYTES_PER_CHUNK = 1000  # of Markdown or text; a generous figure (the synthetic bench corpora have ≈ 240), so a guess
#                        of ≥ 1,000 chunks (PARALLEL_MIN) from the bytes is safe
ADD_BATCH = 2500  # vectors per Chroma add: 1000 costs ~25 % more per vector; the last add waits for the last batch
MIN_ADD = 500  # an add's fixed cost (≈ 0.1 s) makes smaller ones dear


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


def _store_vectors(collection: Any, chunks: Sequence[Chunk], reuse: dict[str, np.ndarray], job: Embedding,
                   progress: Progress, with_chunk: bool) -> int:
    """Add reused vectors, then fresh ones as their batches arrive; returns the vector dimension (0 if none)."""
    dim, stored = 0, 0
    pending: list[tuple[Chunk, np.ndarray]] = [(c, reuse[c.id]) for c in chunks if c.id in reuse]

    def flush(final: bool) -> None:
        nonlocal dim, stored, pending
        # Adds of ADD_BATCH while much is left to embed; near the end, adds of what is left (at least MIN_ADD), so
        # that the add after the last batch — which nothing overlaps — is small.
        left = len(chunks) - stored - len(pending)
        while pending and (final or len(pending) >= max(MIN_ADD, min(ADD_BATCH, left))):
            part, pending = pending[:ADD_BATCH], pending[ADD_BATCH:]
            vectors = np.vstack([v for _, v in part])
            dim = int(vectors.shape[1])
            Store.add(collection, [c for c, _ in part], vectors, with_chunk=with_chunk)
            stored += len(part)
            progress("store", stored, len(chunks))

    flush(False)
    for part, vectors in job.batches():
        pending += list(zip(part, vectors, strict=True))
        flush(False)
    flush(True)
    return dim


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
    # A large corpus embeds in child processes while this one builds BM25 and stores vectors (docs/performance.md);
    # when the documents' size says the corpus is large, the children start (and load their model) while it loads.
    with Embedding(embedder, batch, progress, expected=0, likely=likely_chunks([corpus_dir, *extra_paths])) as job:
        corpus = require_valid(load_corpus(corpus_dir, extra_paths))
        chunks = corpus.chunks()
        job.expect(len(chunks))
        return _ingest(store, index_dir, corpus_dir, corpus, chunks, embedder, job, rebuild, progress, started)


def likely_chunks(paths: Sequence[Path]) -> int:
    """A low guess at a corpus's chunk count from its text documents' bytes (a PDF's size says nothing of its text)."""
    size = 0
    for path in paths:
        files = path.rglob("*") if path.is_dir() else [path]
        size += sum(f.stat().st_size for f in files if f.suffix.lower() in TEXT_SUFFIXES and f.is_file())
    return size // BYTES_PER_CHUNK


def _ingest(
    store: Store, index_dir: Path, corpus_dir: Path, corpus: Corpus, chunks: list[Chunk], embedder: Embedder,
    job: Embedding, rebuild: bool, progress: Progress, started: float,
) -> IngestReport:
    plan_type_names = {p.id: [p.name, *p.aliases] for p in corpus.plan_types}
    synonyms = load_synonyms(corpus_dir)
    lookup = json.dumps([plan_type_names, synonyms], ensure_ascii=False, sort_keys=True)
    version = corpus_version(chunks, embedder.id + lookup)
    pointer = store.active()
    rebuildable = pointer is not None and (store.keeps_chunks or (index_dir / str(pointer["generation"])).is_dir())
    if pointer and not rebuild and pointer.get("corpus_version") == version and rebuildable:
        # Nothing changed. Where the local files are absent, a server's records rebuild them on load.
        return IngestReport(str(pointer["generation"]), version, len(chunks), 0, len(chunks), time.perf_counter() - started, True)

    reuse = {} if rebuild else _reusable(store, pointer, embedder.id, chunks)
    todo = [c for c in chunks if c.id not in reuse]
    generation = datetime.now(UTC).strftime("g%Y%m%dt%H%M%S") + secrets.token_hex(3)
    collection_name = PREFIX + generation
    progress("embed", 0, len(todo))
    job.submit(todo)
    progress("lexical", 0, 1)
    lexical = build_lexical(chunks)
    progress("lexical", 1, 1)
    # The generation's files are written while the children embed; only the manifest waits for the vectors.
    files = start_generation(index_dir / generation, chunks, lexical)
    try:
        progress("store", 0, len(chunks))
        collection = store.create(collection_name)
        dim = _store_vectors(collection, chunks, reuse, job, progress, store.keeps_chunks)
    except BaseException:
        shutil.rmtree(files, ignore_errors=True)
        raise
    new_pointer = {
        "generation": generation,
        "collection": collection_name,
        "corpus_version": version,
        "embedder": embedder.id,
        "dim": dim,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "plan_types": plan_type_names,
        "synonyms": synonyms,
    }
    manifest = {**new_pointer, "chunk_count": len(chunks), "chunks": {c.id: c.content_hash for c in chunks}}
    finish_generation(index_dir / generation, files, manifest)
    store.set_active(new_pointer)  # the swap: readers see the old generation until this write
    keep = {generation} | ({str(pointer["generation"])} if pointer else set())
    _cleanup(store, index_dir, keep)
    return IngestReport(generation, version, len(chunks), len(todo), len(reuse), time.perf_counter() - started)
