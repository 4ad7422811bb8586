"""PII masking: what is hidden before storage, and the everyday figures that must stay readable."""

from __future__ import annotations

import pytest

from bot.audit.pii import (
    CARD_TOKEN,
    EMAIL_TOKEN,
    EXTRA_TOKEN,
    MY_NUMBER_TOKEN,
    PHONE_TOKEN,
    build_masker,
    mask,
)
from bot.config import Settings


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("連絡先は taro.yamada@example.co.jp です", f"連絡先は {EMAIL_TOKEN} です"),
        ("メール：info＠city.example.lg.jp まで", f"メール：{EMAIL_TOKEN} まで"),
        ("電話は03-1234-5678です", f"電話は{PHONE_TOKEN}です"),
        ("携帯 090-1234-5678", f"携帯 {PHONE_TOKEN}"),
        ("携帯 09012345678", f"携帯 {PHONE_TOKEN}"),
        ("代表 (03)1234-5678 / 03(1234)5678", f"代表 {PHONE_TOKEN} / {PHONE_TOKEN}"),
        ("フリーダイヤル 0120-123-456", f"フリーダイヤル {PHONE_TOKEN}"),
        ("海外から +81-90-1234-5678", f"海外から {PHONE_TOKEN}"),
        ("+81 3 1234 5678 または +81(0)3-1234-5678", f"{PHONE_TOKEN} または {PHONE_TOKEN}"),
        ("全角 ０９０－１２３４－５６７８", f"全角 {PHONE_TOKEN}"),
        ("TEL:03-1234-5678/FAX:03-1234-5679", f"TEL:{PHONE_TOKEN}/FAX:{PHONE_TOKEN}"),
        ("電話 090-1234-5678 03-1234-5678 まで", f"電話 {PHONE_TOKEN} {PHONE_TOKEN} まで"),
        ("マイナンバーは123456789012です", f"マイナンバーは{MY_NUMBER_TOKEN}です"),
        ("個人番号 1234 5678 9012", f"個人番号 {MY_NUMBER_TOKEN}"),
        ("個人番号 1234-5678-9012。", f"個人番号 {MY_NUMBER_TOKEN}。"),
        ("カード 4111 1111 1111 1111 で", f"カード {CARD_TOKEN} で"),
        ("カード 4111-1111-1111-1111", f"カード {CARD_TOKEN}"),
        ("番号4111111111111111でした", f"番号{CARD_TOKEN}でした"),
        ("AMEX 3782-822463-10005", f"AMEX {CARD_TOKEN}"),
    ],
)
def test_personal_data_is_masked(text: str, expected: str) -> None:
    assert mask(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "総額40億円の投資",
        "2030年までに",
        "令和8年3月31日",
        "2026年度予算案に1,600億円。",
        "補助率1/2、上限15億円",
        "付加価値増加4,809万円超",
        "期間は2025-03-31まで",
        "2026-2030年の計画",
        "〒100-8901 東京都千代田区",
        "円周率 3.14159265358979",
        "1,000,000,000,000円",
        "第2世代交付金（R7）で1自治体あたり計15億円",
        "コネクター度 0.35、ハブ度 1.2",
        "20240401 の通知",
    ],
)
def test_normal_figures_are_not_masked(text: str) -> None:
    assert mask(text) == text


def test_number_next_to_a_phone_is_kept_and_only_the_phone_masked() -> None:
    assert mask("質問 1 090-1234-5678") == f"質問 1 {PHONE_TOKEN}"


def test_extra_patterns_from_settings_are_masked_too() -> None:
    settings = Settings(pii_patterns=[r"社員番号\s*\d+", r"[A-Z]{2}\d{6}"], _env_file=None)  # type: ignore[call-arg]
    masker = build_masker(tuple(settings.pii_patterns), settings.mask_pii)
    assert masker.mask("社員番号 123 と旅券 TK123456") == f"{EXTRA_TOKEN} と旅券 {EXTRA_TOKEN}"


def test_masking_can_be_turned_off() -> None:
    masker = build_masker((), enabled=False)
    assert masker.mask("090-1234-5678") == "090-1234-5678"


def test_a_bad_extra_pattern_is_named() -> None:
    with pytest.raises(ValueError, match=r"\[unclosed"):
        build_masker(("[unclosed",))


def test_nested_metadata_is_masked() -> None:
    masker = build_masker(())
    meta = {"query": "a@b.jp の件", "n": 3, "turns": ["090-1234-5678", {"x": "2030年"}]}
    assert masker.mask_obj(meta) == {"query": f"{EMAIL_TOKEN} の件", "n": 3, "turns": [PHONE_TOKEN, {"x": "2030年"}]}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("連絡先 ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ まで", f"連絡先 {EMAIL_TOKEN} まで"),
        ("ＴＡＲＯ．ＹＡＭＡＤＡ＠ＣＩＴＹ．ＥＸＡＭＰＬＥ．ＪＰです", f"{EMAIL_TOKEN}です"),
        ("メール：たろう@例え.jp まで", f"メール：{EMAIL_TOKEN} まで"),
        ("メール：taro@ドメイン.日本 まで", f"メール：{EMAIL_TOKEN} まで"),
        ("宛先は 山田＠市役所．ｊｐ。", f"宛先は {EMAIL_TOKEN}。"),
        ("連絡先はtaro@example.comです", f"連絡先は{EMAIL_TOKEN}です"),
        ("携帯 090.1234.5678 です", f"携帯 {PHONE_TOKEN} です"),
        ("携帯 090/1234/5678 です", f"携帯 {PHONE_TOKEN} です"),
        ("電話 03.1234.5678", f"電話 {PHONE_TOKEN}"),
        ("携帯 090ｰ1234ｰ5678", f"携帯 {PHONE_TOKEN}"),
        ("携帯 ０９０ー１２３４ー５６７８", f"携帯 {PHONE_TOKEN}"),
        ("携帯は〇九〇ー一二三四ー五六七八です", f"携帯は{PHONE_TOKEN}です"),
        ("電話 〇三―一二三四―五六七八", f"電話 {PHONE_TOKEN}"),
        ("携帯 〇九〇一二三四五六七八", f"携帯 {PHONE_TOKEN}"),
        ("携帯 090—1234—5678、自宅 03 1234 5678", f"携帯 {PHONE_TOKEN}、自宅 {PHONE_TOKEN}"),
        ("個人番号 １２３４　５６７８　９０１２", f"個人番号 {MY_NUMBER_TOKEN}"),
        ("090-1234-5678/090-1234-5679", f"{PHONE_TOKEN}/{PHONE_TOKEN}"),
    ],
)
def test_japanese_written_personal_data_is_masked(text: str, expected: str) -> None:
    assert mask(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "総額40億円の投資、2030年までに、令和8年3月に開始",
        "令和八年三月、二〇三〇年までに四〇億円",
        "市外局番 090 だけでは番号ではありません",
        "ＫＰＩは売上１２億円（２０３０年度）",
        "データセンターとサーバー",
        "日付 2026/03/31 と 2026.03.31",
        "比率 0.12345678 を目標",
    ],
)
def test_japanese_figures_stay_readable(text: str) -> None:
    assert mask(text) == text


def test_text_outside_the_masked_part_keeps_its_width_and_marks() -> None:
    text = "ＡＢＣ商事の山田です。ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ、〇九〇ー一二三四ー五六七八（平日のみ）"
    assert mask(text) == f"ＡＢＣ商事の山田です。{EMAIL_TOKEN}、{PHONE_TOKEN}（平日のみ）"
