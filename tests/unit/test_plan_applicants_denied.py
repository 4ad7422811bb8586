"""Applicant kinds the plan says its firm is not (seventh session): 「中小企業には該当しない」 is no SME."""

from __future__ import annotations

from typing import Any

import pytest
from plan_fixtures import score_in, vocab  # noqa: F401  (pytest fixtures are used by name)

from bot.plans.needs import detect_applicants, detect_figures
from bot.plans.terms import split_sentences


@pytest.mark.parametrize(
    "text",
    [
        "当社は従業員900人の精密機器メーカーで、資本金は15億円あり、中小企業には該当しない。",
        "弊社（従業員1,100人）は中小企業ではありません。新しい検査ラインを入れたい。",
    ],
)
def test_a_denied_kind_is_not_the_plans(vocab: dict[str, Any], text: str) -> None:
    sentences = split_sentences(text)
    applicants = detect_applicants(sentences, vocab, detect_figures(sentences, vocab))
    assert "sme" not in applicants and "mid_sized" in applicants


def test_a_stated_kind_still_counts(vocab: dict[str, Any]) -> None:
    sentences = split_sentences("当社は従業員120人の中小企業で、検査ラインを自動化したい。")
    assert "sme" in detect_applicants(sentences, vocab, detect_figures(sentences, vocab))


def test_an_sme_only_grant_is_not_listed_for_a_firm_that_says_it_is_no_sme(vocab: dict[str, Any]) -> None:
    text = "当社は従業員1,500人の機械メーカー（資本金30億円、中小企業には該当しない）です。工場の生産ラインを総額25億円で自動化します。"
    assert not score_in("monodukuri-hojokin", text, vocab, "regional_cluster").listable
