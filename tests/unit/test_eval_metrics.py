"""Eval metric functions against values computed by hand."""

from __future__ import annotations

import pytest

from evals import metrics as m


def test_relevance_needs_every_evidence_string_after_normalization() -> None:
    chunk = "2. 地域産業クラスター > (2) 概要\n・コネクタ一度：域外 販売額\n（ＥＣサイト での販売を含む）"
    assert m.is_relevant(chunk, ["コネクター度", "域外販売額"])  # OCR 一→ー, whitespace removed
    assert m.is_relevant(chunk, ["ECサイト"])  # NFKC full-width → ASCII
    assert m.is_relevant(chunk, ["地域産業クラスター>(2)概要"])  # heading path counts
    assert not m.is_relevant(chunk, ["コネクター度", "ハブ度"])  # one missing → not relevant
    assert not m.is_relevant(chunk, [])


def test_first_relevant_rank_is_one_based_and_capped_at_k() -> None:
    texts = ["ハブ度", "コネクター度 域外販売額", "域外販売額"]
    assert m.first_relevant_rank(texts, ["域外販売額"]) == 2
    assert m.first_relevant_rank(texts, ["域外販売額"], k=1) is None
    assert m.first_relevant_rank(texts, ["存在しない"]) is None


def test_recall_and_mrr_by_hand() -> None:
    ranks = [1, 3, None, 12]
    assert m.recall_at_k(ranks, 1) == pytest.approx(1 / 4)
    assert m.recall_at_k(ranks, 5) == pytest.approx(2 / 4)
    assert m.recall_at_k(ranks, 10) == pytest.approx(2 / 4)
    assert m.recall_at_k(ranks, 12) == pytest.approx(3 / 4)
    assert m.mrr_at_k(ranks, 10) == pytest.approx((1 + 1 / 3 + 0 + 0) / 4)
    assert m.recall_at_k([], 5) is None and m.mrr_at_k([]) is None


def test_fact_recall_pools_all_facts() -> None:
    answer = "地域未来投資促進税制の適用期限は2028年3月31日まで。"
    found = m.facts_found(answer, ["2028年3月31日", "50%"])
    assert found == [True, False]
    assert m.fact_recall([found, [True]]) == pytest.approx(2 / 3)
    assert m.fact_recall([]) is None


def test_citation_valid_needs_retrieved_chunk_holding_the_quote() -> None:
    hits = [m.CitedHit("a", "コネクター度：域外販売額"), m.CitedHit("b", "ハブ度：域内調達額")]
    assert m.citation_valid("a", "コネクタ一度： 域外販売額", hits)  # normalized match
    assert not m.citation_valid("a", "ハブ度：域内調達額", hits)  # quote is in another chunk
    assert not m.citation_valid("c", "域外販売額", hits)  # chunk not retrieved
    assert not m.citation_valid("a", "  ", hits)  # an empty quote proves nothing
    assert m.citation_validity([[True, True], [False], []]) == pytest.approx(2 / 3)
    assert m.citation_validity([[], []]) is None


def test_refusal_rates() -> None:
    assert m.refusal_accuracy([True, True, False]) == pytest.approx(2 / 3)
    assert m.false_refusal_rate([False, True, False, False]) == pytest.approx(0.25)
    assert m.refusal_accuracy([]) is None


def test_percentile_interpolates() -> None:
    values = [40.0, 10.0, 30.0, 20.0]
    assert m.percentile(values, 50) == pytest.approx(25.0)
    assert m.percentile(values, 95) == pytest.approx(38.5)
    assert m.percentile([7.0], 95) == 7.0
    assert m.percentile([], 50) is None


def test_measure_rank_matches_name_alias_or_id_in_top_5() -> None:
    ranked = [
        m.MeasureRef("yorozu", "よろず支援拠点"),
        m.MeasureRef("jetro", "海外展開支援", ("日本貿易振興機構",)),
        m.MeasureRef("gfp", "農林水産物・食品輸出プロジェクト"),
        m.MeasureRef("x1", "x"), m.MeasureRef("x2", "x"),
        m.MeasureRef("revicareer", "レビキャリ"),
    ]
    assert m.measure_rank("JETRO|日本貿易振興機構", ranked) == 2  # alias
    assert m.measure_rank("^gfp$", ranked) == 3  # id
    assert m.measure_rank("レビキャリ", ranked) is None  # 6th place is outside the top 5
    assert m.measure_rank("レビキャリ", ranked, n=6) == 6


def test_match_recall_and_mrr_by_hand() -> None:
    assert m.match_recall([[1, None], [2]]) == pytest.approx(2 / 3)
    assert m.match_mrr([[3, None], [None]]) == pytest.approx((1 / 3 + 0) / 2)
    assert m.match_mrr([[2, 1]]) == pytest.approx(1.0)  # best-ranked expected measure counts
    assert m.match_recall([]) is None and m.match_mrr([]) is None


def test_precheck_accuracy_pools_labels() -> None:
    first = m.status_matches({"有望度": "met", "現地化": "partial"}, {"有望度": "met", "現地化": "missing"})
    second = m.status_matches({"現地化": "not_applicable"}, {"現地化": "not_applicable"})
    third = m.status_matches({"費用対効果": "met"}, {})  # a label the report lacks is a mismatch
    assert first == {"有望度": True, "現地化": False}
    assert m.precheck_accuracy([first, second, third]) == pytest.approx(2 / 4)


def test_a_catalog_name_with_brackets_counts_as_written() -> None:
    """Writers give expected measures as the catalog writes their names; as a regex the brackets would be a group
    and an answer naming the measure word for word would be scored as not naming it."""
    name = "小規模事業者持続化補助金(一般型・通常枠)"
    answer = "1. 小規模事業者持続化補助金(一般型・通常枠) [1]\n・補助率2/3"
    assert m.measures_named(answer, [name]) == [True]
    assert m.measures_named("1. 小規模事業者持続化補助金（一般型・通常枠） [1]", [name]) == [True]  # full-width brackets
    assert m.measures_named("よろず支援拠点にご相談ください", [name]) == [False]
    ranked = [m.MeasureRef("yorozu", "よろず支援拠点"), m.MeasureRef("jizokuka", name)]
    assert m.measure_rank(name, ranked) == 2
    assert m.measure_rank("持続化補助金|JIZOKUKA", ranked) == 2  # regexes still work
