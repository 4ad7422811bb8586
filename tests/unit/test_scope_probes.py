"""Scope rules hold under paraphrase: every probe decline is declined by its kind, no near miss is declined.

The probes (``evals/scope_probes/qa.jsonl``) are questions written in other words than the rules' own examples:
a decline the rules miss would be answered with catalog facts; a near miss they catch would be a false decline.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.answering.guard import looks_like_injection, unanswerable_intent
from retrieval.clarify import validate_clarify
from retrieval.scope_rules import ScopeRules, validate_scope

ROOT = Path(__file__).resolve().parents[2]
PROBES = [json.loads(line) for line in (ROOT / "evals/scope_probes/qa.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def rules() -> ScopeRules:
    loaded, problems = validate_scope(ROOT / "corpus/scope_rules.yaml")
    assert not problems
    return loaded


def _judged(rules: ScopeRules, question: str) -> str | None:
    if looks_like_injection(question):
        return "injection"
    if unanswerable_intent(question):
        return "unknowable"
    rule = rules.first_match(question)
    return rule.kind if rule else None


def test_probe_file_has_enough_of_each_side() -> None:
    assert sum(p["refuse"] for p in PROBES) >= 30
    assert sum(not p["refuse"] for p in PROBES) >= 30


# declined by the desk over its index, not by a rule alone: unknown programme names (they need the sources'
# vocabulary) and off-topic follow-ups (judged alone, then declined for lack of evidence); see
# tests/integration/test_scope_judgement.py
BY_THE_DESK = ("decline_unknown_programme", "followup_off_topic")


@pytest.mark.parametrize("probe", [p for p in PROBES if p["refuse"] and p["category"] not in BY_THE_DESK], ids=lambda p: p["id"])
def test_paraphrased_decline_is_declined_by_its_kind(rules: ScopeRules, probe: dict) -> None:
    kind = probe["category"].removeprefix("decline_")
    assert _judged(rules, probe["question"]) == kind


@pytest.mark.parametrize("probe", [p for p in PROBES if not p["refuse"] and not p.get("history")], ids=lambda p: p["id"])
def test_near_miss_is_not_declined(rules: ScopeRules, probe: dict) -> None:
    assert _judged(rules, probe["question"]) is None


def test_harmful_and_off_topic_replies_name_no_catalog_fact_or_business_window(rules: ScopeRules) -> None:
    by_id = {r.id: r for r in rules.rules}
    assert "水増し" in by_id["harmful"].reply and "補助率" not in by_id["harmful"].reply
    for reply in (by_id["off_topic"].reply, by_id["health"].reply, rules.unrelated.reply if rules.unrelated else ""):
        assert reply and "よろず支援拠点" not in reply and "経済産業局" not in reply


def test_choosing_is_not_read_as_getting_caught(rules: ScopeRules) -> None:
    """「選ばれますか」 holds 「ばれますか」; it is a question about selection, not about hiding fraud."""
    rule = rules.first_match("重点支援企業はどうやって選ばれますか？")
    assert rule is None


def test_unrelated_reply_only_for_questions_without_domain_words(rules: ScopeRules) -> None:
    assert rules.unrelated is not None
    assert rules.unrelated.applies("最近ハマっている趣味について話しませんか？")
    assert not rules.unrelated.applies("うちの店で使える支援は？")


def test_where_to_ask_reads_as_a_situation_question() -> None:
    clarify, problems = validate_clarify(ROOT / "corpus/clarify.yaml")
    assert not problems
    situation = clarify.situation
    assert situation.asked("資金繰りのことを無料で相談したいのですが、どこに行けばいいですか？")
    assert situation.wants_window("経営のことを誰に相談したらいいかわからない。")
    assert situation.asked("観光地づくりを進めたい。国の支援策で該当しそうなものは？")
    assert not situation.asked("地域未来交付金の補助率は？")
    assert situation.from_public_body("町の商工観光課の者です。") and not situation.from_public_body("雑貨店をやってます。")


@pytest.mark.parametrize("weight", [0, 1, 1.5, -0.2])
def test_a_follow_up_weight_outside_zero_to_one_is_reported(tmp_path: Path, weight: float) -> None:
    text = (ROOT / "corpus/scope_rules.yaml").read_text(encoding="utf-8").replace("on_topic_weight: 0.35", f"on_topic_weight: {weight}")
    path = tmp_path / "scope_rules.yaml"
    path.write_text(text, encoding="utf-8")
    _, problems = validate_scope(path)
    assert any("on_topic_weight" in f"{p.entry} {p.message}" for p in problems)


def test_the_follow_up_weight_is_read_from_the_rules(rules: ScopeRules) -> None:
    assert rules.follow_up.on_topic_weight == 0.35


@pytest.mark.parametrize(("question", "facet"), [("家賃も対象？", True), ("審査ってどんな感じ？", True), ("会社の登記の仕方を教えて", False)])
def test_a_follow_up_asking_about_a_facet_of_the_measure_is_recognised(rules: ScopeRules, question: str, facet: bool) -> None:
    assert rules.follow_up.asks_about_the_measure(question) is facet
