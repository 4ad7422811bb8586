"""What a user sees when asking one catalog entry for a kind of fact: the entry's line stating it leads or is
quoted (an amount asked in hiragana, a minimum, a company size, a prerequisite, a budget, the points of support),
and a measure named in 「」 inside a Chinese question is the one answered."""

from __future__ import annotations

from typing import Any


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("・")]


def test_amount_asked_in_hiragana_leads_with_the_entrys_amount_line(desk: Any) -> None:
    answer = desk.ask("じぞくかほじょきんは いくらまで でるの？")
    assert not answer.refused
    assert "50万円" in _lines(answer.text)[0]
    assert "記載が見当たりません" not in answer.text


def test_minimum_investment_is_answered_by_the_investment_floor_line(desk: Any) -> None:
    answer = desk.ask("成長加速化補助金は、最低いくら投資すれば申請できますか？")
    assert "1億円以上" in answer.text


def test_size_of_company_is_answered_by_the_employee_limit(desk: Any) -> None:
    answer = desk.ask("大規模成長投資補助金って、どれくらいの規模の会社が使えますか？")
    assert "2,000人" in answer.text


def test_prerequisite_asked_as_a_second_part_is_answered_by_its_line(desk: Any) -> None:
    answer = desk.ask("成長加速化補助金の上限はいくらですか。申請の前に必要な宣言があると聞きました。")
    assert "5億円" in answer.text and "までに100億宣言を公表" in answer.text


def test_budget_of_the_first_year_is_quoted(desk: Any) -> None:
    answer = desk.ask("インフラ整備推進交付金はどこの所管ですか。最初の年度の予算額も知りたいです。")
    assert "60億円" in answer.text


def test_points_of_support_are_quoted(desk: Any) -> None:
    answer = desk.ask("高付加価値なインバウンド観光地づくりは、どんな観点で支援しているのですか？")
    assert "観点" in answer.text and "ウリ" in answer.text


def test_measure_quoted_in_a_chinese_question_is_the_one_answered(desk: Any) -> None:
    answer = desk.ask("「持続化補助金」的补助上限是多少？")
    assert not answer.refused
    assert "50万円" in answer.text
    assert all(c.title.startswith("小規模事業者持続化補助金") for c in answer.citations)
