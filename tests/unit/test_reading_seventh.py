"""Kana spellings of acronyms and questions written in kana (seventh session): the readings are derived from the
sources' own words, never listed by hand."""

from __future__ import annotations

from bot.answering.reading import acronym_readings, fold_long_vowels, kana_written, letter_spellings


def test_an_acronym_is_spelled_by_its_letter_names() -> None:
    assert letter_spellings("KPI")[0] == "ケーピーアイ"
    assert "ディーエムオー" in letter_spellings("DMO")


def test_a_word_with_a_letter_that_has_no_name_has_no_spelling() -> None:
    assert letter_spellings("M&A") == []


def test_acronyms_of_a_text_are_read_back_from_their_spellings() -> None:
    table = acronym_readings(["計画にはKPIとEBPMを書く。"])
    assert table[fold_long_vowels("イービーピーエム")] == "EBPM"
    assert table[fold_long_vowels("ケーピーアイ")] == "KPI"


def test_only_a_question_mostly_in_hiragana_is_read_as_written_in_kana() -> None:
    assert kana_written("じばさんぎょうの ぷらんって だれが つくるの？")
    assert not kana_written("地場産業成長プランは誰が作るのですか？")


def test_ordinary_prose_rich_in_kana_is_not_read_as_written_in_kana() -> None:
    assert not kana_written("ものづくり補助金にはどういう枠がありますか")
