"""Chunk structure that moves ranking: defined terms, heading openings, catalog names, the plan type asked about."""

from __future__ import annotations

from retrieval.search import plan_type_hint
from retrieval.structure import (
    CATALOG_UNNAMED,
    DEFINES_TERM,
    OPENS_HEADING,
    asked_names,
    heading_term,
    measure_names,
    names_standalone,
    shapes,
    structure_factor,
)
from retrieval.types import Chunk


def _policy(section: str, body: str, n: int = 0) -> Chunk:
    return Chunk(id=f"p{n}", doc_id="d", kind="policy", title="t", section=section, text=f"{section}\n{body}", body=body)


def _measure(name: str, aliases: list[str], agency: str = "中小企業庁") -> Chunk:
    head = " / ".join([name, *aliases]) + f"({agency})"
    return Chunk(id=f"measure:{name}", doc_id="support_measures", kind="measure", title=name,
                 section=f"カタログ > {name}", text=f"{head}\n要件: 従業員20人以下", body="要件: 従業員20人以下",
                 agency=agency)


def test_a_term_named_as_its_own_word_is_found_but_not_inside_a_longer_name() -> None:
    assert names_standalone("ハブ度ってどう計算する？", "ハブ度")
    assert not names_standalone("戦略産業クラスター計画の要件は？", "戦略産業クラスター")
    assert names_standalone("戦略産業クラスターとは何ですか", "戦略産業クラスター")


def test_a_line_defining_a_term_lifts_its_chunk_when_the_term_is_asked() -> None:
    chunk = _policy("2. 地域産業クラスター", "(※)コネクター度:企業の域外販売額/都道府県の域外販売額\nハブ度:企業の域内仕入額/…")
    shape = shapes([chunk])[0]
    assert structure_factor(shape, "ハブ度はどうやって出すの？") == DEFINES_TERM
    assert structure_factor(shape, "重点支援企業の候補リストは？") == 1.0


def test_a_heading_opening_defines_its_term_only_for_a_definition_question() -> None:
    opening, second = shapes([_policy("1. 戦略産業クラスター", "熊本の…", 0), _policy("1. 戦略産業クラスター", "次の段落", 1)])
    assert heading_term("1. 戦略産業クラスター") == "戦略産業クラスター" and heading_term("… > (要件)") == ""
    assert structure_factor(opening, "戦略産業クラスターとは？", asks_definition=True) == OPENS_HEADING
    assert structure_factor(opening, "戦略産業クラスターの支援メニューは？") == 1.0
    assert structure_factor(second, "戦略産業クラスターとは？", asks_definition=True) == 1.0


def test_a_catalog_entry_yields_unless_a_catalog_fact_is_asked() -> None:
    shape = shapes([_measure("ものづくり補助金", ["ものづくり"])])[0]
    assert structure_factor(shape, "地場産業の支援メニューは？") == CATALOG_UNNAMED
    assert structure_factor(shape, "上限はいくら？", asks_fact=True) == 1.0


def test_catalog_names_are_read_from_the_entry_head_and_policy_terms_are_not_its_names() -> None:
    entry = _measure("重点支援企業一覧と審査上の考慮", ["重点支援企業一覧", "重点支援企業"], agency="経済産業省")
    assert measure_names(entry) == ("重点支援企業一覧と審査上の考慮", "重点支援企業一覧", "重点支援企業")
    policy = [_policy("s", f"重点支援企業を特定する。{i}", i) for i in range(2)]
    assert shapes([entry, *policy])[0].names == ("重点支援企業一覧と審査上の考慮", "重点支援企業一覧")


def test_of_several_plan_types_the_one_named_most_often_is_the_hint() -> None:
    names = {"regional_cluster": ["地域産業クラスター計画", "地域産業クラスター"], "strategic_cluster": ["戦略産業クラスター"]}
    assert plan_type_hint("地域産業クラスター計画の要件は戦略産業クラスターと違う？地域産業クラスター計画だと？", names) == "regional_cluster"
    assert plan_type_hint("地域産業クラスターと戦略産業クラスターの違いは？", names) is None
    assert plan_type_hint("戦略産業クラスターの要件", names) == "strategic_cluster"


def test_a_term_spelled_without_its_long_vowel_mark_is_still_named() -> None:
    assert names_standalone("コネクタ度ってどうやって計算すんの?", "コネクター度")


def test_a_plan_type_named_only_for_comparison_is_not_the_one_asked() -> None:
    names = {"local_industry": ["地場産業成長プラン"], "regional_cluster": ["地域産業クラスター計画", "地域産業クラスター"]}
    asked = "地場産業成長プランでの「自治体のコミットメント」は、地域産業クラスター計画と同じく伴走支援体制が必要ですか。"
    assert plan_type_hint(asked, names) == "local_industry"
    assert plan_type_hint("地域産業クラスター計画の外部依存性は、地場産業成長プランのように考えればいい？", names) == "regional_cluster"
    assert plan_type_hint("地場産業成長プランの策定支援は地域産業クラスター計画のときと何か違いますか", names) == "local_industry"
    assert asked_names("地場産業成長プランと地域産業クラスター計画の要件", names) == {"local_industry", "regional_cluster"}


def test_a_heading_term_only_compared_with_is_not_the_one_a_definition_asks() -> None:
    question = "地域産業クラスターって、戦略産業クラスターと何が違うんですか？"
    assert names_standalone(question, "地域産業クラスター", asked=True)
    assert not names_standalone(question, "戦略産業クラスター", asked=True)
    assert names_standalone(question, "戦略産業クラスター")  # still named, for everything but the definition boost


def test_a_requirement_label_opening_its_line_lifts_its_chunk_when_the_label_is_named() -> None:
    section = "2. 地域産業クラスター > (2)「地域産業クラスター計画」の概要 > (要件)"
    labelled = _policy(section, "【EBPMメルクマール】KPIの設定/ステージゲートの設定。 等", 1)
    other = _policy(section, "【現地化】域外企業の誘致の際には…【参考資料3参照】", 2)
    label_shape, other_shape = shapes([labelled, other])[0], shapes([labelled, other])[1]
    assert structure_factor(label_shape, "地域産業クラスター計画の要件にある「EBPMメルクマール」って何を書けば") == DEFINES_TERM
    assert structure_factor(other_shape, "地域産業クラスター計画の要件にある「EBPMメルクマール」って何を書けば") == 1.0
    assert "参考資料3参照" not in other_shape.defines
