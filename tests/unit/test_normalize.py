"""Normalization: NFKC, whitespace and the OCR slips of the policy document."""

from retrieval.normalize import compact, fix_ocr, normalize


def test_kanji_one_used_as_long_vowel_is_repaired() -> None:
    assert fix_ocr("コネクタ一度・ハブ度") == "コネクター度・ハブ度"
    assert "コネクター度" in normalize("重点支援をすべきコネクタ一度・ハブ度[※]の高い企業")


def test_real_kanji_one_is_kept() -> None:
    assert normalize("もう一度、第一弾と一体的に") == "もう一度、第一弾と一体的に"
    assert normalize("半期に1回程度") == "半期に1回程度"


def test_stray_caret_inside_word_is_removed() -> None:
    assert normalize("(加^点措置やコネクタ一度・ハブを踏まえた審査等)") == "(加点措置やコネクター度・ハブを踏まえた審査等)"


def test_nfkc_and_whitespace() -> None:
    assert normalize("ＫＰＩの設定　／　ステージゲート") == "KPIの設定 / ステージゲート"
    assert normalize("a\n\n  b  ") == "a\nb"


def test_circled_numbers_survive_nfkc() -> None:
    assert normalize("① JETRO による支援") == "① JETRO による支援"


def test_compact_removes_all_whitespace() -> None:
    assert compact("目標となる KPI の 設定\n等") == "目標となるKPIの設定等"
