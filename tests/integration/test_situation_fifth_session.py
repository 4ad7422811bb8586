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
    ],
)
def test_a_public_bodys_own_project_also_gets_its_own_grant(desk: Any, question: str, measure: str) -> None:
    answer = desk.ask(question)
    assert answer.text.startswith(OVERVIEW_LEAD)
    assert measure in answer.text
    assert "地域未来交付金" in answer.text
    assert "事業承継" not in answer.text and "持続化補助金" not in answer.text


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
