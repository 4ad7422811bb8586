"""Verification of generated answers: citations, uncited sentences, decline, system-prompt leaks."""

from __future__ import annotations

from bot.answering.prompts import chat_prompt
from bot.answering.verify import (
    LeakDetector,
    cited_numbers,
    clean_citations,
    is_decline,
    uncited_sentences,
    verify_answer,
)

SYSTEM = chat_prompt("answer").system_text


def test_citations_outside_the_context_are_removed() -> None:
    text, dropped = clean_citations("要件は相談窓口の設置です[1][9]。KPIも必要です[2, 7]。", 3)
    assert text == "要件は相談窓口の設置です[1]。KPIも必要です[2]。"
    assert dropped == [9, 7]


def test_a_citation_group_with_only_bad_numbers_disappears() -> None:
    assert clean_citations("根拠のない文です[0][4]。", 3)[0] == "根拠のない文です。"


def test_full_width_and_grouped_citations_are_understood() -> None:
    text, _ = clean_citations("一つ目［１］。二つ目[2,3]。", 3)
    assert text == "一つ目[1]。二つ目[2][3]。"
    assert cited_numbers(text) == [1, 2, 3]


def test_sentences_without_citation_are_flagged() -> None:
    text = "次のとおりです：\n- 相談窓口を設置します。[1]\n- 知事が発表します。\n補助率は3分の2です[2]。"
    assert uncited_sentences(text) == ["- 知事が発表します。"]


def test_decline_token_is_recognised() -> None:
    assert is_decline("NO_ANSWER")
    assert is_decline("  ＮＯ＿ＡＮＳＷＥＲ\n")
    assert not is_decline("回答します[1]。")


def test_twenty_characters_of_the_system_prompt_are_a_leak() -> None:
    detector = LeakDetector(SYSTEM)
    piece = SYSTEM.split("\n")[0][:20]
    assert detector.found(f"はい。{piece}ね。")
    assert not detector.found(f"はい。{piece[:19]}ね。")


def test_leak_check_ignores_spacing_and_width() -> None:
    piece = SYSTEM.split("\n")[0][:24]
    assert LeakDetector(SYSTEM).found(" ".join(piece))


def test_text_shared_with_the_context_is_not_a_leak() -> None:
    piece = SYSTEM.split("\n")[0][:30]
    assert not LeakDetector(SYSTEM, allowed=f"資料の本文: {piece}").found(piece)


def test_verdicts() -> None:
    leak = LeakDetector(SYSTEM)
    ok = verify_answer("要件は相談窓口の設置です[1]。根拠のない一文もあります。", 3, leak)
    assert ok.status == "ok" and ok.cited == [1] and ok.uncited == ["根拠のない一文もあります。"]
    assert verify_answer("出典のない回答です。", 3, leak).reason == "no_citations"
    assert verify_answer("間違った番号だけです[5]。", 3, leak).reason == "no_citations"
    assert verify_answer("NO_ANSWER", 3, leak).status == "declined"
    assert verify_answer("   ", 3, leak).reason == "empty"
    assert verify_answer(SYSTEM[:60] + "[1]", 3, leak).reason == "prompt_leak"
