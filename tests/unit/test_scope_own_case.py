"""A judgement on one's own case is declined in any wording; a question that merely mentions one's company is not.

The wordings are the family a person uses to ask whether their application will be (or was) accepted: a plain
question, a request for agreement (…ますよね, …はず, …と考えていい), the odds (…確率で教えて), whether it meets the
requirements, in other languages. The near misses ask how selection works, what it brings or what a measure covers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.scope_rules import ScopeRules, validate_scope, with_fragments

ROOT = Path(__file__).resolve().parents[2]

OWN_CASE = [
    "うちの会社、売上20億で従業員90人。ものづくり補助金に出したら採択される？確率で教えて",
    "うちの市の地場産業成長プラン、条件は全部クリアしてるので国に認められますよね？",
    "弊社の計画なら認定されるはずですよね？",
    "これで審査に通ると考えていいですか？",
    "うちの計画、落ちることはないですよね？",
    "当社の申請、不採択になりますか？",
    "うちが選ばれる確率は？",
    "うちの町の計画っていけそうですか？",
    "要件は満たしているので、うちは大丈夫ですよね？",
    "弊社は要件を満たしていますか？",
    "採択はほぼ確実ですよね？",
    "うちは重点支援企業になれますか？",
    "弊社の採択見込みを教えてください",
    "じゃあうちの会社も対象？",
    "What are our chances of being approved?",
    "我们公司能被选中吗？",
    "우리 회사가 선정될까요?",
    "うちみたいな町工場でも大規模成長投資補助金に採択されることってあり得ますか？",
    "去年出した持続化補助金、結果どうなったか調べてもらえますか",
]

MENTIONS_ONE_S_COMPANY = [
    "うちの会社が重点支援企業に選ばれたら、各省の補助金の審査ではどうやって確認されるんですか？",
    "うちの工場の建屋の改修費も対象経費として認められますか？",
    "中古設備も対象経費として認められますか？",
    "うちが採択されるためには何を書けばいいですか？",
    "うちの会社は先月採択されました。次に何をすればいいですか？",
    "うちの町の計画が認められるかは誰が判断するのですか？",
    "うちの会社は海外展開のチャンスを広げたい。使える支援は？",
    "うちの工場の不良品の確率を下げる設備投資に使える補助金は？",
    "どんな計画が認められますか？",
    "1次公募の採択率は何％でしたか？",
    "採択されるとどんな支援を受けられますか？",
    "要件のうち、採択に関わるものはどれ？",
    "うちの町の場合、対象は何になりますか？",
    "うちの町で道路整備をしたいんですが、道路整備は地域未来交付金の対象になりますか？",
]


@pytest.fixture(scope="module")
def rules() -> ScopeRules:
    loaded, problems = validate_scope(ROOT / "corpus/scope_rules.yaml")
    assert not problems
    return loaded


@pytest.mark.parametrize("question", OWN_CASE)
def test_a_judgement_on_ones_own_case_is_declined_in_any_wording(rules: ScopeRules, question: str) -> None:
    rule = rules.first_match(question)
    assert rule is not None and rule.kind == "individual_decision", question
    assert "個別に判断" in rule.reply and "経済産業局" in rule.reply  # says why and names the human window


@pytest.mark.parametrize("question", MENTIONS_ONE_S_COMPANY)
def test_a_question_that_mentions_ones_company_or_a_decision_is_answered(rules: ScopeRules, question: str) -> None:
    assert rules.first_match(question) is None, question


@pytest.mark.parametrize("question", [
    "地域未来交付金の令和8年度の交付決定日って何月何日？", "次の副大臣会議はいつですか", "ものづくり補助金の交付決定はいつ頃出ますか",
])
def test_a_day_no_source_states_is_declined(rules: ScopeRules, question: str) -> None:
    rule = rules.first_match(question)
    assert rule is not None and rule.kind == "unstated_fact"


def test_a_stated_deadline_is_answered(rules: ScopeRules) -> None:
    assert rules.first_match("持続化補助金の申請の締切は何月何日ですか？") is None


def test_fragments_are_put_in_place_and_other_braces_stay() -> None:
    assert with_fragments(["{own}.{0,8}x", "a{2}"], {"own": "うち|弊社"}) == ["(?:うち|弊社).{0,8}x", "a{2}"]


def test_a_rule_uses_a_fragment_by_name(tmp_path: Path) -> None:
    path = tmp_path / "scope_rules.yaml"
    path.write_text(
        "schema_version: 1\nfragments:\n  own: うち|弊社\nrules:\n  - id: mine\n    kind: individual_decision\n"
        "    reply: 個別の判断にはお答えできません。\n    patterns: ['{own}は選ばれますか']\n"
        "    examples: [弊社は選ばれますか]\n    not_examples: [誰が選ばれますか]\n",
        encoding="utf-8",
    )
    loaded, problems = validate_scope(path)
    assert not problems
    assert loaded.first_match("うちは選ばれますか") is not None


def test_a_quoted_nickname_before_a_programme_noun_names_a_programme(rules: ScopeRules) -> None:
    quoted = rules.quoted_name
    assert quoted is not None
    assert quoted.names_programme("'100억 선언' 보조금(중소기업 성장가속화 보조금)은 보조율이 얼마인가요?", "100억 선언")
    assert not quoted.names_programme("What is 'blue ocean score' in the 持続化補助金?", "blue ocean score")
    assert not quoted.names_programme("What is the 'blue ocean score' grant rule in the 持続化補助金?", "blue ocean score")


@pytest.mark.parametrize(("question", "kind"), [
    ("来年度の地域未来交付金の公募はありますか？", "forecast"),
    ("今後、持続化補助金の上限額は引き上げられそうですか？", "forecast"),
    ("大阪市の中小企業向けの補助金は？", "municipality_own"),
    ("重点支援企業の候補リストに載ってる会社を教えて", "personal_data"),
    ("家を建てるときに使える補助金は？", "off_topic"),
    ("子どもの保育園の申し込み方法を教えて", "off_topic"),
])
def test_other_kinds_in_new_wordings_are_declined_by_their_kind(rules: ScopeRules, question: str, kind: str) -> None:
    rule = rules.first_match(question)
    assert rule is not None and rule.kind == kind


@pytest.mark.parametrize("question", [
    "従業員の社宅を建てるときに使える補助金は？",
    "重点支援企業一覧に載っている企業はどんな支援を受けられますか？",
    "浜松市の会社ですが、持続化補助金の上限はいくらまでもらえますか？",
    "地域未来交付金の補助率は来年度も同じですか？これまでの補助率を教えて",
])
def test_near_misses_of_the_new_wordings_are_answered(rules: ScopeRules, question: str) -> None:
    assert rules.first_match(question) is None, question
