"""The vector store: Chroma, embedded (``PersistentClient``) or a server (``HttpClient``)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from retrieval.errors import Code, DeskError
from retrieval.types import Chunk

PREFIX = "madoguchi-"
POINTER = "madoguchi-active"
_BATCH = 1000
# A collection this small is searched here, exactly and without Chroma's thread hops (docs/performance.md, fourth
# pass). At this size Chroma's answers are exact too: no ranking differed in 400 top-10 queries over 300 random
# vectors nor in 904 queries over the shipped index; at 1,000 its HNSW differed in 33 of 400, so larger stay there.
EXACT_MAX = 256


def _unavailable(exc: Exception) -> DeskError:
    return DeskError(
        Code.STORE_UNAVAILABLE,
        "検索データベースに接続できません。",
        "しばらくしてからもう一度お試しください（管理者は Chroma サーバーの状態を確認してください）。",
    )


class Store:
    """Chroma collections of chunk embeddings plus the pointer to the active generation."""

    def __init__(self, path: Path | None = None, url: str | None = None) -> None:
        self.path = path
        self.url = url
        self._client: Any = None

    @property
    def client(self) -> Any:
        """The Chroma client, created on first use."""
        if self._client is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            chroma_settings = ChromaSettings(anonymized_telemetry=False)
            try:
                if self.url:
                    parsed = urlparse(self.url)
                    self._client = chromadb.HttpClient(
                        host=parsed.hostname or "127.0.0.1",
                        port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                        ssl=parsed.scheme == "https",
                        settings=chroma_settings,
                    )
                else:
                    assert self.path is not None
                    self.path.mkdir(parents=True, exist_ok=True)
                    self._client = chromadb.PersistentClient(path=str(self.path), settings=chroma_settings)
            except Exception as exc:
                raise _unavailable(exc) from exc
        return self._client

    def heartbeat(self) -> bool:
        """True when the store answers."""
        try:
            self.client.heartbeat()
            return True
        except Exception:
            return False

    # --- the active-generation pointer ---------------------------------------------------------
    def active(self) -> dict[str, Any] | None:
        """The active generation's pointer (collection, corpus version, embedder) or None."""
        try:
            names = {c if isinstance(c, str) else c.name for c in self.client.list_collections()}
            if POINTER not in names:
                return None
            meta = self.client.get_collection(POINTER, embedding_function=None).metadata or {}
        except DeskError:
            raise
        except Exception as exc:
            raise _unavailable(exc) from exc
        raw = meta.get("pointer")
        return json.loads(raw) if isinstance(raw, str) else None

    def set_active(self, pointer: dict[str, Any]) -> None:
        """Swap the active generation in one metadata write."""
        collection = self.client.get_or_create_collection(POINTER, embedding_function=None)
        collection.modify(metadata={"pointer": json.dumps(pointer, ensure_ascii=False)})

    # --- generations -------------------------------------------------------------------------
    def generations(self) -> list[str]:
        """Names of every chunk collection this project made."""
        names = [c if isinstance(c, str) else c.name for c in self.client.list_collections()]
        return sorted(n for n in names if n.startswith(PREFIX) and n != POINTER)

    def create(self, name: str) -> Any:
        """A new, empty cosine collection (embeddings are always passed in, never computed by Chroma)."""
        try:
            self.client.delete_collection(name)
        except Exception:
            pass
        return self.client.create_collection(
            name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )

    def collection(self, name: str) -> Any:
        """An existing collection."""
        try:
            return self.client.get_collection(name, embedding_function=None)
        except Exception as exc:
            raise DeskError(
                Code.INDEX_CORRUPT,
                f"索引のコレクション {name} が見つかりません。",
                "`madoguchi ingest --rebuild` で索引を作り直してください。",
            ) from exc

    def drop(self, name: str) -> None:
        """Delete a collection, ignoring one that is already gone."""
        try:
            self.client.delete_collection(name)
        except Exception:
            pass

    @property
    def keeps_chunks(self) -> bool:
        """Whether each record carries its whole chunk: on a Chroma server, so that a worker on another host can
        rebuild its local generation files from the store; embedded, those files sit beside the store and the
        payload would only cost ingest time (about 1.2 µs of CPU per character, docs/performance.md)."""
        return self.url is not None

    @staticmethod
    def add(collection: Any, chunks: Sequence[Chunk], vectors: np.ndarray, *, with_chunk: bool = True) -> None:
        """Write chunks with their vectors in batches: the filter fields as Chroma metadata and, ``with_chunk``,
        the rest of the chunk as one JSON string (no Chroma document: its full-text index cost a third of each add)."""
        for start in range(0, len(chunks), _BATCH):
            part = chunks[start : start + _BATCH]
            collection.add(
                ids=[c.id for c in part],
                embeddings=np.ascontiguousarray(vectors[start : start + _BATCH], dtype=np.float32),
                metadatas=[_metadata(c, with_chunk) for c in part],
            )

    @staticmethod
    def stored_hashes(collection: Any) -> dict[str, str]:
        """Chunk id → content hash of everything in a collection."""
        out: dict[str, str] = {}
        for ids, metas, _ in _pages(collection, include=["metadatas"]):
            out.update({i: str((m or {}).get("hash", "")) for i, m in zip(ids, metas, strict=True)})
        return out

    @staticmethod
    def vectors(collection: Any, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors by chunk id."""
        out: dict[str, np.ndarray] = {}
        for start in range(0, len(ids), _BATCH):
            got = collection.get(ids=list(ids[start : start + _BATCH]), include=["embeddings"])
            out.update({i: np.asarray(e, dtype=np.float32) for i, e in zip(got["ids"], got["embeddings"], strict=True)})
        return out

    @staticmethod
    def chunks(collection: Any) -> list[Chunk] | None:
        """Rebuild every chunk from a collection (used where no local cache exists); None when its records do not
        carry their chunks (an embedded store, see ``keeps_chunks``)."""
        out: list[Chunk] = []
        for ids, metas, docs in _pages(collection, include=["metadatas", "documents"]):
            if any(not (m or {}).get("chunk") and not d for m, d in zip(metas, docs, strict=True)):
                return None
            out += [_chunk(i, meta or {}, doc) for i, meta, doc in zip(ids, metas, docs, strict=True)]
        return out

    @staticmethod
    def exact(collection: Any) -> Any:
        """``collection`` itself, or for one of at most ``EXACT_MAX`` vectors an ``ExactCollection`` over it (its
        vectors and filter fields held in process; everything but ``query`` still goes to Chroma)."""
        try:
            if collection.count() > EXACT_MAX:
                return collection
            ids: list[str] = []
            vectors: list[Any] = []
            metas: list[dict[str, Any]] = []
            for page_ids, page_metas, page_vectors in _pages(collection, include=["metadatas", "embeddings"], third="embeddings"):
                ids += page_ids
                vectors += list(page_vectors)
                metas += [{k: v for k, v in (m or {}).items() if k != "chunk"} for m in page_metas]
        except Exception:
            return collection  # searched through Chroma as before
        return ExactCollection(collection, ids, np.asarray(vectors, dtype=np.float32).reshape(len(ids), -1), metas)

    @staticmethod
    def in_process(collection: Any) -> bool:
        """True when ``collection`` is searched in process (an ``ExactCollection``): queries need no store."""
        return isinstance(collection, ExactCollection)

    @staticmethod
    def query(collection: Any, vector: np.ndarray, n: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """Nearest chunks as (id, cosine similarity)."""
        if isinstance(collection, ExactCollection) and collection.understands(where):
            return collection.nearest(vector, n, where)
        try:
            result = collection.query(
                query_embeddings=[vector.tolist()], n_results=n, where=where or None, include=["distances"]
            )
        except Exception as exc:
            raise _unavailable(exc) from exc
        ids = result["ids"][0] if result["ids"] else []
        dists = result["distances"][0] if result.get("distances") else []
        return [(i, 1.0 - float(d)) for i, d in zip(ids, dists, strict=True)]




def _metadata(chunk: Chunk, with_chunk: bool = True) -> dict[str, Any]:
    """Chroma metadata of a chunk: filter fields, its hash, ``pt_*`` flags and (``with_chunk``) the rest as JSON in
    ``chunk``."""
    meta = chunk.metadata()
    rest = {k: meta.pop(k) for k in ("title", "section", "url", "as_of")}
    if not with_chunk:
        return meta
    rest |= {"text": chunk.text, "body": chunk.body, "plan_types": list(chunk.plan_types), "extra": chunk.extra}
    meta["chunk"] = json.dumps(rest, ensure_ascii=False)
    return meta


def _chunk(chunk_id: str, m: dict[str, Any], doc: str | None) -> Chunk:
    """A chunk from its Chroma record (this format, or the older one with a document and every field flat)."""
    rest: dict[str, Any] = json.loads(str(m["chunk"])) if m.get("chunk") else {
        "title": m.get("title", ""), "section": m.get("section", ""), "url": m.get("url", ""),
        "as_of": m.get("as_of", ""), "text": doc or "", "body": m.get("body", ""),
        "plan_types": [p for p in str(m.get("plan_types", "")).split(",") if p],
        "extra": json.loads(str(m.get("extra") or "{}")),
    }
    return Chunk(
        id=chunk_id,
        doc_id=str(m.get("doc_id", "")),
        kind=str(m.get("kind", "document")),
        title=str(rest.get("title", "")),
        section=str(rest.get("section", "")),
        text=str(rest.get("text", "")),
        body=str(rest.get("body", "")),
        url=str(rest.get("url", "")),
        as_of=str(rest.get("as_of", "")),
        verified=bool(m.get("verified", True)),
        plan_types=tuple(str(p) for p in rest.get("plan_types", ())),
        agency=str(m.get("agency", "")),
        extra=dict(rest.get("extra") or {}),
    )


def _pages(collection: Any, include: list[str], third: str = "documents") -> Iterator[tuple[list[str], list[Any], list[Any]]]:
    offset = 0
    while True:
        got = collection.get(include=include, limit=_BATCH, offset=offset)
        ids = got["ids"]
        if not ids:
            return
        metas = got.get("metadatas") or [None] * len(ids)
        others = got.get(third)
        yield ids, metas, [None] * len(ids) if others is None else others
        offset += len(ids)


class ExactCollection:
    """A small Chroma collection searched in process: cosine similarity over all its vectors, filtered by equality on
    metadata, as Chroma answers at this size; any other attribute is the Chroma collection's."""

    def __init__(self, collection: Any, ids: list[str], vectors: np.ndarray, metas: list[dict[str, Any]]) -> None:
        self.collection = collection
        self.ids = ids
        norms = np.linalg.norm(vectors, axis=1, keepdims=True) if len(ids) else np.ones((0, 1), dtype=np.float32)
        self.vectors = (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
        self.metas = metas

    def __getattr__(self, name: str) -> Any:
        return getattr(self.collection, name)

    @staticmethod
    def understands(where: dict[str, Any] | None) -> bool:
        """True for the filters this class evaluates: none, ``{key: scalar}`` and ``{"$and": [those]}``."""
        if not where:
            return True
        clauses = where["$and"] if set(where) == {"$and"} and isinstance(where["$and"], list) else [where]
        return all(isinstance(c, dict) and len(c) == 1 and not next(iter(c)).startswith("$")
                   and isinstance(next(iter(c.values())), str | bool | int | float) for c in clauses)

    def nearest(self, vector: np.ndarray, n: int, where: dict[str, Any] | None) -> list[tuple[str, float]]:
        """The ``n`` most similar ids passing ``where`` as (id, cosine similarity), most similar first."""
        clauses = (where["$and"] if "$and" in where else [where]) if where else []
        keep = [i for i, m in enumerate(self.metas) if all(_same(m.get(k), v) for c in clauses for k, v in c.items())]
        if not keep or n <= 0:
            return []
        query = np.asarray(vector, dtype=np.float32)
        query = query / max(float(np.linalg.norm(query)), 1e-12)
        # Row by row (no BLAS call: on a busy machine a multi-threaded one waits for every core).
        sims = (self.vectors[keep] * query).sum(axis=1, dtype=np.float32)
        order = np.argsort(-sims, kind="stable")[:n]
        return [(self.ids[keep[i]], float(sims[i])) for i in order]


def _same(stored: Any, wanted: Any) -> bool:
    """Chroma's ``$eq``: a bool matches only a bool, a number only a number."""
    return isinstance(stored, bool) == isinstance(wanted, bool) and stored == wanted
