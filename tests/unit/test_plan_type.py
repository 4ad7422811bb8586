"""Plan-type detection from title and content, with confidence and override."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.plans.plan_type import detect_plan_type, resolve_plan_type
from retrieval.errors import DeskError
from retrieval.schema import validate_requirements

CORPUS = Path(__file__).resolve().parent.parent.parent / "corpus"


@pytest.fixture(scope="module")
def plan_types():  # type: ignore[no-untyped-def]
    types, problems = validate_requirements(CORPUS / "requirements.yaml")
    assert not problems
    return types


@pytest.fixture(scope="module")
def weights() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((CORPUS / "plan_terms.yaml").read_text(encoding="utf-8"))["plan_type_detection"]


@pytest.mark.parametrize(
    ("title", "body", "expected"),
    [
        ("九州ブロック 戦略産業クラスター計画 候補プロジェクト", "17の戦略分野のうち半導体。官民投資ロードマップと整合。", "strategic_cluster"),
        ("A県 地域産業クラスター計画", "重点支援企業の伴走支援体制を置く。", "regional_cluster"),
        ("B県 地域産業成長プラン", "重点支援企業とコネクター度。", "regional_cluster"),
        ("C町 地場産業成長プラン", "地域資源を生かした特産品の販路拡大。", "local_industry"),
    ],
)
def test_names_in_the_title_decide(plan_types, weights, title: str, body: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    guess = detect_plan_type(title, body, plan_types, weights)
    assert guess.plan_type == expected and not guess.low_confidence and guess.confidence > 0.6


def test_cues_alone_give_a_guess(plan_types, weights) -> None:  # type: ignore[no-untyped-def]
    guess = detect_plan_type("計画案", "重点支援企業を特定し、コネクター度・ハブ度と現地化、バリューチェーン、域外販売額を示す。", plan_types, weights)
    assert guess.plan_type == "regional_cluster"
    assert "重点支援企業" in guess.reasons["regional_cluster"]


def test_weak_evidence_is_low_confidence(plan_types, weights) -> None:  # type: ignore[no-untyped-def]
    guess = detect_plan_type("計画案", "観光の振興を図る。", plan_types, weights)
    assert guess.low_confidence
    assert "確度が低い" in guess.note({guess.plan_type: "x"})


def test_one_cue_word_alone_is_not_shown_as_a_sure_guess(plan_types, weights) -> None:  # type: ignore[no-untyped-def]
    guess = detect_plan_type("まちの仕事プラン", "町内の農家から果物を買い、ジャムにして売る。", plan_types, weights)
    assert guess.low_confidence
    assert guess.confidence < weights["confident"]  # once 「確度 100%」 beside 「確度が低い推定です」
    assert "確度 100%" not in guess.note({guess.plan_type: "x"})


def test_local_plan_name_does_not_count_for_its_substring(plan_types, weights) -> None:  # type: ignore[no-untyped-def]
    guess = detect_plan_type("地場産業成長プラン", "", plan_types, weights)
    assert guess.plan_type == "local_industry"
    assert guess.scores["regional_cluster"] == 0


def test_resolve_ids_names_and_aliases(plan_types) -> None:  # type: ignore[no-untyped-def]
    assert resolve_plan_type("local_industry", plan_types) == "local_industry"
    assert resolve_plan_type("地域産業成長プラン", plan_types) == "regional_cluster"
    assert resolve_plan_type("戦略産業クラスター計画", plan_types) == "strategic_cluster"
    with pytest.raises(DeskError):
        resolve_plan_type("観光計画", plan_types)
