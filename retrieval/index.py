"""An index generation on disk (chunks, BM25 files, manifest) and the loaded, searchable index."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from retrieval.bm25 import LexicalIndex
from retrieval.errors import Code, DeskError
from retrieval.store import Store
from retrieval.types import Chunk

CHANNELS_LEXICAL = ("bm25", "bigram")
REBUILD_HINT = "`madoguchi ingest --rebuild` で索引を作り直してください。"


def corpus_version(chunks: Sequence[Chunk], embedder_id: str) -> str:
    """A short hash naming the content of an index (changes when any chunk or the embedder does)."""
    digest = hashlib.sha256(embedder_id.encode("utf-8"))
    for chunk in sorted(chunks, key=lambda c: c.id):
        digest.update(f"{chunk.id}\x1f{chunk.content_hash}\n".encode())
    return digest.hexdigest()[:16]


def chunk_to_json(chunk: Chunk) -> str:
    """One line of ``chunks.jsonl``."""
    data = {f.name: getattr(chunk, f.name) for f in fields(chunk)}  # not asdict(): it deep-copies every value
    data["plan_types"] = list(chunk.plan_types)
    return json.dumps(data, ensure_ascii=False)


def chunk_from_json(line: str) -> Chunk:
    """Parse one line of ``chunks.jsonl``."""
    data = json.loads(line)
    data["plan_types"] = tuple(data.get("plan_types", ()))
    return Chunk(**data)


def build_lexical(chunks: Sequence[Chunk]) -> dict[str, LexicalIndex]:
    """Both lexical indexes over the chunk texts (in chunk order)."""
    texts = [c.text for c in chunks]
    return {channel: LexicalIndex(channel).build(texts) for channel in CHANNELS_LEXICAL}


def write_generation(
    directory: Path,
    chunks: Sequence[Chunk],
    manifest: dict[str, Any],
    lexical: dict[str, LexicalIndex] | None = None,
    *,
    replace: bool = True,
) -> None:
    """Write chunks, both lexical indexes (built here unless given) and the manifest into a fresh directory,
    atomically. With ``replace=False`` a directory another process finished first is kept (workers sharing
    a data dir may rebuild the same generation at once)."""
    finish_generation(directory, start_generation(directory, chunks, lexical), manifest, replace=replace)


def start_generation(directory: Path, chunks: Sequence[Chunk], lexical: dict[str, LexicalIndex] | None = None) -> Path:
    """Write chunks and both lexical indexes into a fresh temporary directory beside ``directory`` (returned);
    ``finish_generation`` adds the manifest and moves it into place (an ingest does this part while embedding)."""
    tmp = directory.with_name(f"{directory.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    (tmp / "chunks.jsonl").write_text("".join(chunk_to_json(c) + "\n" for c in chunks), encoding="utf-8")
    for index in (lexical or build_lexical(chunks)).values():
        index.save(tmp)
    return tmp


def finish_generation(directory: Path, tmp: Path, manifest: dict[str, Any], *, replace: bool = True) -> None:
    """Write the manifest into ``tmp`` (from ``start_generation``) and rename it to ``directory``, atomically."""
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    if replace:
        shutil.rmtree(directory, ignore_errors=True)
    try:
        tmp.rename(directory)
    except OSError:
        if replace or not directory.exists():
            raise
        shutil.rmtree(tmp, ignore_errors=True)  # another worker wrote the same generation first


@dataclass
class LoadedIndex:
    """A searchable generation: chunks in order, lexical indexes and the dense collection."""

    generation: str
    corpus_version: str
    embedder_id: str
    chunks: list[Chunk]
    lexical: dict[str, LexicalIndex]
    collection: Any
    manifest: dict[str, Any]
    plan_type_names: dict[str, list[str]] = field(default_factory=dict)
    synonyms: dict[str, list[str]] = field(default_factory=dict)

    def position(self) -> dict[str, int]:
        """Chunk id → position in ``chunks``."""
        return {c.id: i for i, c in enumerate(self.chunks)}


def _load_local(directory: Path, pointer: dict[str, Any], store: Store) -> LoadedIndex:
    try:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        lines = (directory / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
        chunks = [chunk_from_json(line) for line in lines if line.strip()]
        lexical = {ch: LexicalIndex.load(directory, ch) for ch in CHANNELS_LEXICAL}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DeskError(Code.INDEX_CORRUPT, f"索引ファイルが壊れています（{directory.name}）。", REBUILD_HINT) from exc
    if any(ix.n_docs != len(chunks) for ix in lexical.values()) or manifest.get("chunk_count") != len(chunks):
        raise DeskError(Code.INDEX_CORRUPT, f"索引ファイルの件数が一致しません（{directory.name}）。", REBUILD_HINT)
    return LoadedIndex(
        generation=pointer["generation"],
        corpus_version=pointer["corpus_version"],
        embedder_id=pointer["embedder"],
        chunks=chunks,
        lexical=lexical,
        collection=Store.exact(store.collection(pointer["collection"])),
        manifest=manifest,
        plan_type_names={str(k): [str(a) for a in v] for k, v in (pointer.get("plan_types") or {}).items()},
        synonyms={str(k): [str(a) for a in v] for k, v in (pointer.get("synonyms") or {}).items()},
    )


def load_index(store: Store, index_dir: Path) -> LoadedIndex:
    """Load the active generation; rebuild the local lexical cache from the store when it is absent."""
    pointer = store.active()
    if pointer is None:
        raise DeskError(Code.INDEX_MISSING, "索引がまだありません。", "`madoguchi ingest` を実行して索引を作成してください。")
    directory = index_dir / pointer["generation"]
    if not directory.exists():
        collection = store.collection(pointer["collection"])
        stored = Store.chunks(collection)
        if stored is None:
            raise DeskError(Code.INDEX_CORRUPT, f"索引ファイル（{pointer['generation']}）が見つかりません。",
                            "`madoguchi ingest` を実行すると索引を作り直します。")
        chunks = sorted(stored, key=lambda c: c.id)
        manifest = {**pointer, "chunk_count": len(chunks), "chunks": {c.id: c.content_hash for c in chunks}}
        write_generation(directory, chunks, manifest, replace=False)
    return _load_local(directory, pointer, store)


class IndexHolder:
    """Holds the loaded index and swaps in a newer generation when the store's pointer moves."""

    def __init__(self, store: Store, index_dir: Path, check_every: float = 5.0) -> None:
        self.store = store
        self.index_dir = index_dir
        self.check_every = check_every
        self._index: LoadedIndex | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def get(self) -> LoadedIndex:
        """The current index, reloaded when another process has published a new generation.

        While one thread checks the pointer or loads a new generation, the others keep serving the current
        one instead of queueing behind it (a large generation takes seconds to load in server mode).
        """
        now = time.monotonic()
        current = self._index
        if current is not None and now - self._checked < self.check_every:
            return current
        if current is None:
            self._lock.acquire()  # nothing to serve yet: wait for the first load
        elif not self._lock.acquire(blocking=False):
            return current  # another thread is checking or loading: keep serving this generation
        try:
            if self._index is None:
                self._index = load_index(self.store, self.index_dir)
            elif now - self._checked >= self.check_every:
                pointer = self.store.active()
                if pointer and pointer.get("generation") != self._index.generation:
                    self._index = load_index(self.store, self.index_dir)
            self._checked = time.monotonic()
            return self._index
        finally:
            self._lock.release()
