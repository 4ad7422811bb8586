"""Answers of the fifth session (blind11 diagnosed): another country's programme declined in every language and
wording (its currency, a comparison with Japan, its tax regime), how the state handles a submitted plan asked with
「どう扱う」, a demonstrative naming a kind (「その税制」) read as the name the previous turn gave, a hiragana amount
asked as 「どれくらい おかね」, and a term's definition asked in English or Chinese with more asked after it —
on the real index."""

from __future__ import annotations

import pytest

from bot.desk import Desk

FOREIGN = [
    "ドイツの先端クラスター競争（Spitzencluster）って1クラスターあたり何ユーロ出た？日本のと比べたい",
    "フランスの競争力拠点政策では1拠点あたり何ユーロくらい出ているの？",
    "韓国の産業団地の支援って、日本のものと比べてどうですか",
    "中国の高新技術企業の税優遇はどういう内容ですか",
    "中国的高新技术企业有什么税收优惠？优惠税率是多少？",
    "中国的软件企业有什么税收优惠？",
    "중국 하이테크 기업의 세제 혜택은 무엇인가요?",
    "What tax breaks do Chinese high-tech companies get?",
]


@pytest.mark.parametrize("question", FOREIGN)
def test_another_countrys_programme_is_declined_with_the_jetro_window(desk: Desk, question: str) -> None:
    answer = desk.ask(question)
    assert answer.refused
    assert "JETRO" in answer.text and "ユーロ" not in answer.text and "15%" not in answer.text


@pytest.mark.parametrize("question", [
    "中国的企业可以申请日本的补助金吗？",
    "中国に工場を持つ会社ですが、地域未来投資促進税制は使えますか？",
])
def test_a_foreign_firm_or_place_asking_about_japans_measures_is_answered(desk: Desk, question: str) -> None:
    assert not desk.ask(question).refused


@pytest.mark.parametrize("question", [
    "地場産業成長プランを提出したあと国はどう扱う？公表される？",
    "地場産業成長プランを出したあと、国はどう扱うの？公表されますか？",
    "地域産業クラスター計画を提出した後、国の側ではどのように扱われるのでしょうか。",
    "地場産業成長プランを出した後って国はそれをどうするんですか",
])
def test_how_the_state_handles_a_submitted_plan_is_its_framework_whole(desk: Desk, question: str) -> None:
    answer = desk.ask(question)
    assert not answer.refused
    assert "副大臣会議" in answer.text and "公開" in answer.text


HISTORY = [
    {"role": "user", "content": "地域未来法の基本計画に位置付けると何が使えるようになる？"},
    {"role": "assistant", "content": "地域未来投資促進税制などの活用が可能になります。業種を3つに絞って指定すると、さらに深掘りした措置もあります。"},
]


@pytest.mark.parametrize("question", [
    "その税制っていつまで使えるんでしたっけ",
    "その税制はいつまで使えますか",
    "この税制の期限はいつ？",
])
def test_a_demonstrative_naming_a_kind_reads_the_name_the_last_turn_gave(desk: Desk, question: str) -> None:
    answer = desk.ask(question, history=HISTORY)
    assert not answer.refused
    assert "2028年3月31日" in answer.text


@pytest.mark.parametrize("question", [
    "ちいきみらいこうふきん って なんですか？ どれくらい おかね でるの",
    "地域未来交付金って、どれくらいのお金が出るんですか",
    "ちいきみらいこうふきんって どのくらい おかね でますか",
])
def test_an_amount_asked_in_plain_words_gets_the_cap_line(desk: Desk, question: str) -> None:
    answer = desk.ask(question)
    assert not answer.refused
    assert "15億円" in answer.text


@pytest.mark.parametrize("question", [
    "What exactly is a 'strategic industry cluster' in this policy? Any real examples?",
    "What is a strategic industry cluster?",
    "战略产业集群是什么？有什么例子？",
])
def test_a_definition_asked_in_another_language_quotes_the_defining_passage(desk: Desk, question: str) -> None:
    answer = desk.ask(question)
    assert not answer.refused
    assert "TSMC" in answer.text and "17の戦略分野" in answer.text


@pytest.mark.parametrize("question", [
    "地域産業構造転換インフラ整備推進交付金はどういう整備に使えて、これまでどこに出てる？",
    "インフラ整備推進交付金って今までどこの県に配られたの？",
    "Where has the 地域産業構造転換インフラ整備推進交付金 been given so far?",
])
def test_where_a_grant_went_quotes_the_lines_naming_the_places(desk: Desk, question: str) -> None:
    answer = desk.ask(question)
    assert not answer.refused
    assert "熊本" in answer.text and "5道県に配分" in answer.text


@pytest.mark.parametrize("question", [
    "JETROはどんな支援をしてくれますか",
    "海外に売りたい。JETROではどういう手伝いをしてもらえる？",
    "What kind of help can JETRO give a small company that wants to sell abroad?",
    "我在日本开了一家小公司，想把产品卖到海外，JETRO能提供哪些帮助？",
    "JETRO에서는 어떤 지원을 받을 수 있나요?",
])
def test_what_one_body_offers_names_every_entry_it_runs(desk: Desk, question: str) -> None:
    answer = desk.ask(question)
    assert not answer.refused
    assert answer.meta.get("intent") == "offers"
    assert "越境EC" in answer.text and "高度外国人材" in answer.text and "貿易・投資の相談" in answer.text


@pytest.mark.parametrize("question", [
    "我们是日本的一家中小企业，想招聘外国高级人才来负责海外业务。JETRO有什么支持吗？需要收费吗？",
    "JETROの高度外国人材の支援ではどんなサポートがありますか",
])
def test_a_bodys_one_entry_asked_by_its_name_or_a_fact_is_that_entrys_answer(desk: Desk, question: str) -> None:
    answer = desk.ask(question)
    assert not answer.refused
    assert answer.meta.get("intent") != "offers"
    assert "伴走型支援" in answer.text


@pytest.mark.parametrize("question", [
    "hi, i run a tiny cafe with 3 staff in japan. is there some small subsidy for flyers / website? how much and what rate?",
    "我开了一家小咖啡馆，有3个员工。做传单和网站有补助吗？最多多少，补助率是多少？",
    "작은 카페를 운영하고 있습니다. 전단지나 홈페이지 제작에 보조금이 있나요? 얼마까지, 보조율은?",
])
def test_a_tiny_shops_promotion_subsidy_asked_in_another_language_is_jizokuka(desk: Desk, question: str) -> None:
    answer = desk.ask(question)
    assert not answer.refused
    assert "持続化補助金" in answer.text and "上限50万円" in answer.text and "2/3" in answer.text


@pytest.mark.parametrize("question", [
    "国の候補リストに載ってない地元企業を重点支援企業にしたい。手続き的に可能？",
    "国からもらった候補リストに入っていない会社でも、重点支援企業に選べますか",
    "Can we name a company that is not on the candidate list as a priority support company?",
    "不在国家候选名单上的企业也能作为重点支援企业吗？",
])
def test_a_firm_off_the_candidate_list_gets_the_evidence_provision(desk: Desk, question: str) -> None:
    answer = desk.ask(question)
    assert not answer.refused
    assert "証憑" in answer.text


@pytest.mark.parametrize("question", [
    '地域产业集群计划要件里的"EBPM"指的是什么？需要设定什么？',
    "What does EBPM mean in the regional industry cluster plan requirements?",
    "지역산업 클러스터 계획 요건의 EBPM은 무엇인가요?",
])
def test_a_requirement_label_asked_in_another_language_is_the_term_defined(desk: Desk, question: str) -> None:
    answer = desk.ask(question)
    assert not answer.refused
    assert "KPIの設定" in answer.text


@pytest.mark.parametrize("question", [
    "What exactly is a 'strategic industry cluster' in this policy? Any real examples?",
    "战略产业集群是什么？有什么例子？",
    "전략산업 클러스터는 무엇입니까?",
])
def test_a_foreign_definition_searches_as_the_japanese_one_would(desk: Desk, question: str) -> None:
    answer = desk.ask(question)
    assert not answer.refused
    hits = desk.search(str(answer.meta.get("query")), k=3)
    assert hits[0].chunk.section == "1. 戦略産業クラスター"
