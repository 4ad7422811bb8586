"""Fifth session, second round: situations told in wordings nobody wrote before (a public office's self-introduction,
a whole-town effort, a one-person business, a rule that blocks a project, a period before a succession) and plans in
which a public body runs its own projects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from retrieval.clarify import Statements, validate_clarify

CORPUS = Path(__file__).resolve().parents[2] / "corpus"

OVERVIEW_LEAD = "ご状況に合いそうな"
GRANT = "chiiki-mirai-kofukin"


def _statements() -> Statements:
    """The shipped corpus/clarify.yaml's readings of how an asker tells its own situation."""
    clarify, problems = validate_clarify(CORPUS / "clarify.yaml")
    assert not problems
    return clarify.situation.statements


def _listed(answer: Any) -> list[str]:
    """The measure ids the overview lists, in order."""
    return [str(m).removeprefix("measure:") for m in answer.meta.get("measures", [])]


@pytest.mark.parametrize(
    ("question", "measure", "fact"),
    [
        ("町役場です。工場を建てたいという問い合わせが来ても、まとまった土地がなくて断ってます。どこに何を相談すればいいでしょう",
         "sangyo-yochi-seibi-shien", "適地選定"),
        ("市役所の商工課の者ですが、企業から工場用地はないかと聞かれても紹介できる土地がありません。", "sangyo-yochi-seibi-shien", "適地選定"),
        ("村役場に勤めています。村に企業を呼びたいけど、空いている土地がないんです", "sangyo-yochi-seibi-shien", "適地選定"),
        ("（町）工業団地を新しく造成したい。国の支援は？", "sangyo-yochi-seibi-shien", "適地選定"),
        ("県庁のものです。山間部でドローン配送の実証をしたいのですが、今のルールだと飛ばせない区間があって困っています。",
         "tokku-kisei-seido-kaikaku", "提案"),
        ("市の担当です。自動運転バスを走らせたいが、法律上いまは無人で走らせることができないと言われた", "tokku-kisei-seido-kaikaku", "提案"),
    ],
)
def test_a_public_office_introducing_itself_gets_the_overview_and_its_own_grant(
    desk: Any, question: str, measure: str, fact: str,
) -> None:
    answer = desk.ask(question)
    assert not answer.refused and answer.text.startswith(OVERVIEW_LEAD)
    listed = _listed(answer)
    assert measure in listed and GRANT in listed
    assert fact in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "役場の近くで食堂をやってます。お客さんを増やしたい",
        "民宿をやってます。外国人のお客さんを呼び込みたい。どんな支援がある？",
        "うちの農園で収穫ロボットを使いたいのに、規則上できないと言われました。",
    ],
)
def test_a_business_is_still_not_offered_the_public_bodies_grant(desk: Any, question: str) -> None:
    answer = desk.ask(question)
    assert answer.text.startswith(OVERVIEW_LEAD)
    assert GRANT not in _listed(answer)


def test_a_rule_that_blocks_a_business_is_answered_with_the_special_zones(desk: Any) -> None:
    answer = desk.ask("うちの農園で収穫ロボットを使いたいのに、規則上できないと言われました。")
    assert "tokku-kisei-seido-kaikaku" in _listed(answer)


@pytest.mark.parametrize(
    "question",
    [
        "温泉旅館やってます。客室を改装して海外のお金持ちのお客さんを呼びたい。町ぐるみでやるならどんな支援がありますか",
        "民宿をやってます。地域一体で外国人観光客を呼び込むならどんな支援がある？",
        "旅館の若女将です。まち全体で海外からのお客さんに長く泊まってもらう仕組みを作りたい",
    ],
)
def test_a_whole_town_effort_names_the_towns_grant_beside_the_tourism_measures(desk: Any, question: str) -> None:
    answer = desk.ask(question)
    listed = _listed(answer)
    assert GRANT in listed
    assert {"kofukachi-inbound-kankochi", "kankochi-saisei-kofukachi"} & set(listed)
    assert "申請できるのは地方公共団体" in answer.text  # the entry says whose grant it is


@pytest.mark.parametrize(
    "question",
    [
        "ゲストハウスを一人でやっています。海外からのお客さんに長く泊まってもらうには？",
        "個人でパン屋を営んでいます。ネット通販を始めたい",
        "夫婦で小さな鉄工所を営んでいます。NC機械を入れたいんですが",
    ],
)
def test_a_business_introduced_by_what_the_asker_runs_gets_the_overview(desk: Any, question: str) -> None:
    answer = desk.ask(question)
    assert not answer.refused and answer.text.startswith(OVERVIEW_LEAD)


@pytest.mark.parametrize(
    "question",
    [
        "ひとりで小さな町工場をやってます。古い機械を入れ替えたいんですが、何か使えるものありますか",
        "夫婦で小さな鉄工所を営んでいます。NC機械を入れたいんですが",
        "小さな町工場です。設備を新しくしたい。国の補助はありますか",
    ],
)
def test_a_one_person_or_small_shop_is_not_offered_the_large_investment_subsidies(desk: Any, question: str) -> None:
    answer = desk.ask(question)
    listed = _listed(answer)
    assert listed and not {"seicho-kasokuka-hojokin", "daikibo-seicho-toshi-hojokin"} & set(listed)
    assert "100億宣言" not in answer.text


def test_a_support_organisation_speaking_of_small_shops_is_not_read_as_one() -> None:
    from bot.answering.situation_read import stated_small_size

    assert stated_small_size(_statements(), "ひとりで小さな町工場をやってます")
    assert stated_small_size(_statements(), "個人事業で 小さな 工房を やってます")
    assert not stated_small_size(_statements(), "従業員40人の部品工場です")


@pytest.mark.parametrize(
    "question",
    [
        "おやじの鉄工所を3年後くらいに継ぐ予定です。継ぐときに専門家とか頼むとお金かかるって聞いたんだけど、何か使えるものある？",
        "父の工務店を2年後に継ぐことになっています。何か補助はありますか",
        "母の美容室を4年以内に引き継ぐ予定です。使える国の支援は？",
    ],
)
def test_a_succession_within_years_quotes_the_succession_frame_and_its_amount(desk: Any, question: str) -> None:
    answer = desk.ask(question)
    assert "jigyo-shokei-ma-hojokin" in _listed(answer)
    assert "事業承継促進枠" in answer.text
    assert "100万〜800万円" in answer.text  # the frame's own amount, not the M&A experts' 上限600万円
    assert "上限600万円" not in answer.text


def test_an_ma_buyer_is_quoted_the_experts_frame_not_the_succession_frame() -> None:
    from bot.answering.situation import asked_line, frame_of, headline_amounts

    lines = ["支援内容: 事業承継促進枠:5年以内に親族や従業員へ事業を引き継ぐ予定の事業者が対象",
             "支援内容: 専門家活用枠:M&Aの買い手・売り手の専門家費用。M&A支援機関登録制度に登録された業者への支払いに限る",
             "金額等: 事業承継促進枠:100万〜800万円(賃上げをする場合1,000万円)、補助率1/2(小規模事業者は2/3)",
             "金額等: 専門家活用枠:上限600万円、デューデリジェンス費用があれば200万円を上乗せ。補助率は買い手2/3、売り手1/2または2/3"]
    buyer = asked_line(lines, "同業の会社をM&Aで買いたい。仲介の専門家に払う費用の補助は？")
    assert buyer.startswith("支援内容: 専門家活用枠")
    assert headline_amounts(lines, frame_of(buyer)) == [lines[3]]
    heir = asked_line(lines, "父の店を2年後に継ぐつもりです")
    assert heir.startswith("支援内容: 事業承継促進枠")
    assert headline_amounts(lines, frame_of(heir)) == [lines[2]]


@pytest.mark.parametrize(
    "plan",
    [
        "水素供給拠点クラスター計画（骨子）\n臨海部に水素の受入基地を整備する。総投資額は約500億円。企業は設備投資の税負担を軽くしたい。"
        "県としては、技術者を育てる研修などのソフト事業を、県・市の事業として数年間続けたい。",
        "部品サプライヤー転換計画（案）\n後継者のいない中小の部品メーカーを中核企業が引き継ぐ。県が地元金融機関と共に転換を後押しするソフト事業"
        "（人材マッチング、専門家派遣など）を3年間実施する。",
        "温泉街再生プラン（町案）\n旅館の客室を改装して海外の富裕層を呼び込む。町は、観光人材の育成や受入環境の整備を数年かけて進めたい。",
    ],
)
def test_a_plan_whose_public_body_runs_its_own_projects_gets_the_grant(desk: Any, plan: str) -> None:
    top = [r.measure.id for r in desk.match(plan).results]
    assert GRANT in top


def test_a_plan_of_firms_in_a_town_is_not_read_as_the_towns_own_project(desk: Any) -> None:
    result = desk.match("町の事業者5社が共同で新しい菓子を開発し、首都圏の百貨店で販売する。試作の費用を抑えたい。")
    assert "交付金" not in {n.tag for n in result.needs}


@pytest.mark.parametrize(
    "question",
    [
        "商工会の職員です。町と一緒に、小さなお店の経営を何年も継続して支える仕組みを作りたいです。使える制度は？",
        "商工会議所で経営指導員をしています。管内の小規模事業者の販路開拓を後押ししたい。国の制度で使えるものは",
        "商工会の者です。地元の個人商店の売上を伸ばす支援をしたいのですが",
    ],
)
def test_a_support_office_helping_small_firms_gets_the_subsidy_applied_for_through_it(desk: Any, question: str) -> None:
    answer = desk.ask(question)
    listed = _listed(answer)
    assert "jizokuka-hojokin" in listed and "keiei-hattatsu-shien-keikaku" in listed
    assert "商工会・商工会議所" in answer.text


def test_a_shop_owner_is_not_read_as_the_support_office(desk: Any) -> None:
    from bot.answering.situation_read import own_window_measures

    measures = desk.corpus.measures
    assert own_window_measures(_statements(), measures, "商工会の職員です。小さなお店の経営を支えたい")
    assert not own_window_measures(_statements(), measures, "商工会に相談したら、小さなお店でも使える補助金があると言われました")
    assert not own_window_measures(_statements(), measures, "商工会の職員です。管内の中堅企業が海外に工場を出したいと言っています")


def test_a_public_bodys_words_are_read_only_when_the_asker_speaks_as_one() -> None:
    from bot.answering.situation_read import speaks_as_public_body

    for own in ("町役場です。", "県庁のものです。", "市役所の企画課の者ですが、", "（村）空き家を使いたい", "町の事業費で整備したい", "市役所勤めです。"):
        assert speaks_as_public_body(_statements(), own), own
    for other in ("役場の近くで食堂をやってます。", "町の予算で補助が出ると聞きました。うちの店でも使えますか", "役所から連絡がありました", "夫が役所勤めで、私は雑貨店をやってます"):
        assert not speaks_as_public_body(_statements(), other), other
