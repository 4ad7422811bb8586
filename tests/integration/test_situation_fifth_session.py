"""Fifth session: situations told without a question formula, a public body's own-project grant, no off-topic filler."""

from __future__ import annotations

from typing import Any

import pytest

OVERVIEW_LEAD = "ご状況に合いそうな"


def _listed(answer: Any) -> list[str]:
    """The measure chunk ids the overview lists, in order."""
    return [str(m).removeprefix("measure:") for m in answer.meta.get("measures", [])]


@pytest.mark.parametrize(
    ("question", "measure"),
    [
        # a business tells its size and what it wants, and asks nothing in so many words
        ("社員25人の金属加工の会社です。古い旋盤をNC旋盤に替えて精度の高い部品を作りたい。800万くらいかな", "ものづくり"),
        ("うちの工場、機械が古くて。新しい加工機を入れて製品の付加価値を上げたいと考えてます", "ものづくり"),
        ("従業員12人の製作所。工作機械を入れ替えて試作の仕事を取りたい、予算は1500万ほど", "ものづくり"),
        ("社員40人の部品工場ですが、人手が足りなくてロボットを入れたい。2000万円ぐらい", "ものづくり"),
        # succession in plain or kana words
        ("私の店はもう跡を継ぐ者がいません。誰かに店をゆずれたらと思ってます", "事業承継・M&A補助金"),
        ("おやじの代からの食堂なんだけど、あとつぎがいなくてさ。よそのひとに店をゆずる時の手だすけってある？", "事業承継・M&A補助金"),
        ("自分が家業の印刷所を継ぐ予定で、株の移し方や専門家の費用が心配です", "事業承継・M&A補助金"),
        # an executive from a large firm
        ("社員90人の機械メーカーです。元大手の部長をCFOとして迎えたいが、給料が払えるか不安", "レビキャリ"),
        ("うちは地方の食品会社で、財務担当の役員を大手出身の人から迎えたいと考えています", "レビキャリ"),
    ],
)
def test_a_told_situation_gets_the_overview_not_a_decline(desk: Any, question: str, measure: str) -> None:
    answer = desk.ask(question)
    assert not answer.refused and not answer.choices
    assert answer.text.startswith(OVERVIEW_LEAD)
    assert measure in answer.text and answer.citations
    assert "よろず支援拠点" in answer.text  # the free consultation window closes every overview


@pytest.mark.parametrize(
    "question",
    [
        "政策文書では中小企業の事業承継についてどう書いていますか",
        "地域未来戦略の基本的な考え方で、中小企業の設備投資はどう位置づけられていますか",
    ],
)
def test_a_question_about_the_sources_is_not_read_as_the_askers_situation(desk: Any, question: str) -> None:
    answer = desk.ask(question)
    assert not answer.text.startswith(OVERVIEW_LEAD)


@pytest.mark.parametrize(
    ("question", "measure"),
    [
        ("村で移動販売の実証をしたいが今の規制がネック。特例を認めてもらう道と、実証の費用の手当ては？", "特区"),
        ("町役場の産業振興係です。工業団地を造りたいが、候補地の調査から手探りです。国の仕組みはありますか", "産業用地"),
        ("市として自動運転バスの実証をしたい。規制の特例を国に認めてもらう方法はありますか", "特区"),
        ("町の観光担当です。海外のお客さんに長く泊まってもらえる温泉地にしたい。国の支援で合うものは？", "インバウンド観光地づくり"),
    ],
)
def test_a_public_bodys_own_project_also_gets_its_own_grant(desk: Any, question: str, measure: str) -> None:
    answer = desk.ask(question)
    assert answer.text.startswith(OVERVIEW_LEAD)
    assert measure in answer.text
    assert "地域未来交付金" in answer.text
    assert "事業承継" not in answer.text and "持続化補助金" not in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "家族で小さな旅館をやってます。客室をリフォームして海外のお客さんも泊まれるようにしたいなあ",
        "山の民宿です。外国のお客さんに来てもらえるよう部屋を改装したい",
        "温泉旅館を経営しています。海外のお客さんを呼びたいけど、何か国の助けは？",
    ],
)
def test_foreign_guests_of_an_inn_are_tourism_not_export(desk: Any, question: str) -> None:
    answer = desk.ask(question)
    assert answer.text.startswith(OVERVIEW_LEAD)
    assert "観光" in answer.text
    assert "JETRO" not in answer.text and "輸出" not in answer.text


def test_a_business_is_not_offered_the_grant_for_public_bodies(desk: Any) -> None:
    answer = desk.ask("従業員30人の町工場。新しいNC機械を入れて試作品を高く売れるようにしたい。")
    assert answer.text.startswith(OVERVIEW_LEAD)
    assert "地域未来交付金" not in answer.text


@pytest.mark.parametrize(
    ("question", "wanted", "unwanted"),
    [
        ("うちの店、あとをつぐ人がいないんです。だれかに ゆずるとき、国の手だすけってあるんですか",
         "jigyo-shokei-ma-hojokin", {"jetro-ec-hanro-kaitaku", "chiho-sosei-tokku-suishin-jigyo"}),
        ("過疎の集落で、最後の食料品店と路線バスが赤字で撤退しそう。国の支援ってある？",
         "es-kyokyu-jigyosha-kinyu-shien", {"monodukuri-hojokin", "juten-shien-kigyo-ichiran"}),
        ("山の村で唯一のスーパーが閉店しそうで、住民が買い物に困る。何か国の助けは？",
         "es-kyokyu-jigyosha-kinyu-shien", {"monodukuri-hojokin", "juten-shien-kigyo-ichiran"}),
    ],
)
def test_measures_serving_none_of_the_needs_are_not_listed(desk: Any, question: str, wanted: str, unwanted: set[str]) -> None:
    answer = desk.ask(question)
    listed = _listed(answer)
    assert wanted in listed
    assert not set(listed) & unwanted


# --- match: one measure per firmly stated need; another level of local government's grant left out -------------

EXPORT_PLANS = [
    """南部 水産物輸出クラスター計画（市）
ホタテと干物を台湾・香港の小売向けに輸出する。中核は水産加工会社（従業員180人）。
・海外の見本市に出展し、現地のバイヤーと商談したい。
・輸出に取り組む漁業者を増やすため、輸出の診断を受けてもらいたい。
・冷凍加工施設の整備費の一部は、国の交付金と市の予算で賄いたい。
""",
    """酒どころ輸出プラン（町が策定）
町内の酒蔵3社の日本酒を北米とアジアに輸出する。
・海外のECサイトで日本酒を販売し、海外の展示会にも出展したい。
・輸出向けの瓶詰め施設の整備費には国の交付金を充てる考えで、町の予算も合わせる。
""",
    """西部 和牛・米 輸出クラスター計画（市長策定）
地元の和牛と米を東南アジアの外食チェーンに売り込む。中核は食肉加工会社（従業員220人）。
・海外の商社との商談会や海外展示会に出たい。輸出先の情報も足りない。
・輸出向け処理施設の整備費の一部を国の交付金で手当てしたい。
""",
]


@pytest.mark.parametrize("plan", EXPORT_PLANS)
def test_an_export_plan_asking_for_the_national_grant_gets_it_beside_the_export_measures(desk: Any, plan: str) -> None:
    top = [r.measure.id for r in desk.match(plan, plan_type="regional_cluster").results]
    assert "chiiki-mirai-kofukin" in top
    assert any(m.startswith(("jetro", "gfp", "nourin-yushutsu", "yushutsu")) for m in top)


TOWN_PLANS = [
    """山あいの温泉町 滞在型観光プラン（町）
欧米の富裕層に長く滞在してもらう。老朽化した旅館を高級客室に改修したい。
・町が駅から温泉街までの二次交通を確保し、ガイドを育成する。町の事業費の一部は国の交付金を活用したい。
""",
    """湖畔の村 体験型ツーリズム計画（村）
村が観光協会(DMO)と一緒に、湖と森の体験プログラムを訪日客向けにつくる。
・周遊バスなどの二次交通と道路の案内板を整えたい。村の事業費には国の交付金を使いたい。
""",
    """島の町 インバウンド観光プラン（町役場）
港からの二次交通と宿泊施設の改修が課題。町として国の交付金を活用して受け入れ環境を整えたい。
""",
]


@pytest.mark.parametrize("plan", TOWN_PLANS)
def test_a_towns_plan_is_not_offered_a_grant_only_prefectures_apply_for(desk: Any, plan: str) -> None:
    result = desk.match(plan, n=8)  # the plan type guessed, as a user leaves it
    top = [r.measure.id for r in result.results]
    assert "infra-seibi-suishin-kofukin" not in top
    assert "chiiki-mirai-kofukin" in top


def test_a_prefectures_infrastructure_plan_still_gets_the_prefectures_grant(desk: Any) -> None:
    plan = """Q県 戦略産業クラスター計画（半導体）
大規模な半導体工場の立地に合わせ、県が工業用水道とアクセス道路を整備する。整備費は国の交付金を活用したい。
"""
    top = [r.measure.id for r in desk.match(plan, plan_type="strategic_cluster", n=8).results]
    assert "infra-seibi-suishin-kofukin" in top


@pytest.mark.parametrize(
    "question",
    [
        "従業員30人の町工場。新しいNC機械入れて試作品を高く売れるようにしたい。1000万くらいの話です",
        "社員40人の部品工場ですが、人手が足りなくてロボットを入れたい。2000万円ぐらい",
        "うちは社員20人の金型屋で、新しい加工機を入れたい。予算は800万くらいかな",
    ],
)
def test_a_budget_stated_alone_is_the_investment_its_floors_are_held_against(desk: Any, question: str) -> None:
    answer = desk.ask(question)
    assert answer.text.startswith(OVERVIEW_LEAD)
    assert "ものづくり" in answer.text
    assert "成長加速化補助金" not in answer.text  # 「投資1億円以上」 is out of this budget's reach


@pytest.mark.parametrize(
    "question",
    [
        "市として、企業の進出に合わせて道路を広げたいが、財源が足りない",
        "町が工場の誘致に合わせて工業用水とアクセス道路を整えたい。国の助けは？",
        "市の企画課です。新しい工業団地まで道路を引きたいが、市の予算だけでは無理です",
    ],
)
def test_a_municipality_is_not_offered_what_only_prefectures_apply_for(desk: Any, question: str) -> None:
    answer = desk.ask(question)
    assert answer.text.startswith(OVERVIEW_LEAD)
    assert "infra-seibi-suishin-kofukin" not in _listed(answer)
    assert "地域未来交付金" in answer.text


def test_a_prefecture_is_still_offered_the_prefectures_infrastructure_grant(desk: Any) -> None:
    answer = desk.ask("県の産業振興課です。半導体工場の進出に合わせて工業用水と道路を整備したいが、県の予算だけでは足りない")
    assert "infra-seibi-suishin-kofukin" in _listed(answer)
