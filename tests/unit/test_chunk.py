"""Chunking by structure: heading paths, labelled requirements alone, one chunk per catalog entry."""

from pathlib import Path

from retrieval.chunk import chunk_document, chunk_measure
from retrieval.corpus import load_corpus
from retrieval.types import Document

CORPUS = Path(__file__).resolve().parents[2] / "corpus"

MD = """# 3. 地場産業支援

## (2)地場産業成長プランの概要

### (要件)

- 【有望度】実現する製品・サービスが、明確で市場ニーズを特定しているものか。
- 【外部依存性】特定の者(大企業・フランチャイザー等)に過度に依存する計画となっていないか。

### (記載項目)

- 地域・分野の設定
- 核となる投資案件
"""


def test_heading_path_is_in_text_and_metadata() -> None:
    chunks = chunk_document(Document(doc_id="d", title="T", text=MD, kind="policy"))
    dep = next(c for c in chunks if "外部依存性" in c.body)
    assert dep.section == "3. 地場産業支援 > (2)地場産業成長プランの概要 > (要件)"
    assert dep.text.startswith(dep.section)
    assert "有望度" not in dep.body  # labelled requirements stand alone


def test_short_items_are_grouped_and_ids_are_stable() -> None:
    doc = Document(doc_id="d", title="T", text=MD, kind="policy")
    first, second = chunk_document(doc), chunk_document(doc)
    items = next(c for c in first if "核となる投資案件" in c.body)
    assert "地域・分野の設定" in items.body
    assert [c.id for c in first] == [c.id for c in second]
    assert len({c.id for c in first}) == len(first)


def test_same_label_in_two_plan_types_gets_distinct_sections() -> None:
    corpus = load_corpus(CORPUS)
    chunks = corpus.chunks()
    labelled = [c for c in chunks if c.body.startswith("【外部依存性】")]
    assert len(labelled) == 2
    assert {c.plan_types for c in labelled} == {("regional_cluster",), ("local_industry",)}


def test_one_chunk_per_catalog_entry_with_verified_flag() -> None:
    corpus = load_corpus(CORPUS)
    chunks = [chunk_measure(m) for m in corpus.measures]
    assert len(chunks) == len(corpus.measures) >= 25
    unverified = [c for c, m in zip(chunks, corpus.measures, strict=True) if not m.verified]
    assert unverified and all("要確認" in c.body and not c.verified for c in unverified)
    assert all(c.text.splitlines()[0].startswith(c.title) for c in chunks)


def test_a_numbered_enumeration_stays_one_chunk() -> None:
    steps = [
        "(※) 策定にあたっては、",
        "① 当該分野や地域産業の現状認識と目指す姿【目標】を整理し、" + "あ" * 40,
        "② クラスター形成で重点的に集積等を図る製品・技術の特定に向けて" + "い" * 40,
        "③ 実行に向けた課題を整理し、これを解決するために必要な政策パッケージの記載を求める。",
        "【有望度】次の項目は別の chunk になる。",
    ]
    doc = Document(doc_id="d", title="t", text="## 枠組み\n\n" + "\n".join(f"- {s}" for s in steps))
    bodies = [c.body for c in chunk_document(doc)]
    assert len(bodies) == 2
    assert all(mark in bodies[0] for mark in "①②③") and "【有望度】" in bodies[1]
