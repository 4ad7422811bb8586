"""Answers a user can trust: the quoted sentences hold what was asked, or the desk declines; caveats sit on
the facts they concern (要確認 on unverified facts only, a past deadline said to be past)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

from bot.answering.caveats import needs_check, past_deadline
from bot.answering.compose import Quote, compose
from bot.answering.conversation import Turn, carry_terms, is_follow_up
from bot.answering.enumeration import entry_list, inline_run
from bot.answering.relevance import (
    asked_kind_quotes,
    fillers_dropped,
    label_first,
    named_labels,
    other_plans_dropped,
    policy_folded,
    unheld_kinds,
    unread_quoted,
)
from retrieval.questions import Glossary
from retrieval.types import Chunk, Hit

REQUIREMENTS = (
    "【競争優位性】世界をリードしていける、若しくは世界で戦える案件で構成されていること。\n"
    "【実現可能性】実現に向けて必要な予算措置について、関係省庁との事前調整が開始されていること。"
)
SCHEDULE = "以降、2030年頃まで、半期に1回程度の頻度で、各ブロックにおいて「素案」の更新を行う。"


def _chunk(cid: str, body: str, kind: str = "policy", section: str = "1. 戦略産業クラスター", **kw: Any) -> Chunk:
    return Chunk(id=cid, doc_id="d", kind=kind, title=kw.pop("title", "資料"), section=section, text=body, body=body, **kw)


def _index(*chunks: Chunk) -> Any:
    return SimpleNamespace(chunks=list(chunks), generation=f"g{id(chunks)}")


def test_a_quote_lacking_the_named_label_gives_way_to_the_sentence_holding_it() -> None:
    requirements, schedule = _chunk("r", REQUIREMENTS), _chunk("s", SCHEDULE)
    index = _index(requirements, schedule)
    question = "戦略産業クラスター計画の「競争優位性」はどの程度のレベルが求められますか？"
    assert named_labels(index, question) == ["競争優位性"]
    wrong = [Quote(Hit(schedule, 1.0), SCHEDULE, 1.0)]
    fixed = label_first(index, question, wrong, [Hit(schedule, 1.0), Hit(requirements, 0.9)])
    assert fixed[0].text.startswith("【競争優位性】世界をリードしていける")
    assert len(fixed) == 1  # the answer does not grow: the off-topic sentence makes room


def test_a_quote_holding_the_named_label_is_kept() -> None:
    requirements = _chunk("r", REQUIREMENTS)
    index = _index(requirements)
    right = [Quote(Hit(requirements, 1.0), REQUIREMENTS.splitlines()[0], 1.0)]
    assert label_first(index, "「競争優位性」とは？", right, [Hit(requirements, 1.0)]) == right


COUNT = [r"[0-9]+\s*(か所|カ所|件|地域|社|つ|道県)"]


def test_an_asked_count_no_source_states_is_declined() -> None:
    schedule = _chunk("s", "春頃を目途に、「計画の素案」を策定する。")
    quotes = [Quote(Hit(schedule, 1.0), "春頃を目途に、「計画の素案」を策定する。", 1.0)]
    _, unheld = asked_kind_quotes(quotes, [Hit(schedule, 1.0)], [("count", COUNT)])
    assert unheld == ["count"]


def test_an_asked_count_stated_by_another_top_hit_leads() -> None:
    a = _chunk("a", "モデル観光地は地域単位の公募で選ばれる", kind="measure")
    b = _chunk("b", "モデル観光地として14地域が選ばれている", kind="measure")
    quotes = [Quote(Hit(a, 1.0), "モデル観光地は地域単位の公募で選ばれる", 1.0)]
    out, unheld = asked_kind_quotes(quotes, [Hit(a, 1.0), Hit(b, 0.5)], [("count", COUNT)])
    assert not unheld and out[0].text == "モデル観光地として14地域が選ばれている"  # the sentence holding it leads


def test_examples_listed_inside_one_sentence_are_the_list() -> None:
    intro = _chunk("i", "熊本のTSMCを支えるクラスターのように形成されるもの。道路、工業用水、鉄道など必要なインフラ整備や拠点整備を一体的に実施。")
    found = inline_run("戦略産業クラスターでは、どんなインフラを整える想定ですか？例を全部", [Hit(intro, 1.0)], ["戦略産業クラスター"])
    assert found is not None
    quote, count = found
    assert count == 3 and "道路、工業用水、鉄道" in quote.text


UNVERIFIED_ENTRY = (
    "地方公共団体が使える国の交付金。\n"
    "支援内容: 優先採択を受けるには、どの計画に資する事業かを具体的に書く必要がある(政策文書)\n"
    "金額等: 申請上限は通常1自治体あたり合計15億円(報道)\n"
    "未確認の事項(要確認): 予算額1,600億円・申請上限は報道による(二次資料)"
)


def test_unverified_mark_sits_on_the_unverified_fact_only() -> None:
    entry = _chunk("m", UNVERIFIED_ENTRY, kind="measure", title="地域未来交付金", verified=False)
    assert needs_check("金額等: 申請上限は通常1自治体あたり合計15億円(報道)", entry)
    assert not needs_check("支援内容: 優先採択を受けるには、どの計画に資する事業かを具体的に書く必要がある(政策文書)", entry)
    text, _ = compose([Quote(Hit(entry, 1.0), "支援内容: 優先採択を受けるには、どの計画に資する事業かを具体的に書く必要がある(政策文書)", 1.0)])
    assert "（要確認）" not in text.split("出典:")[0]


def test_a_past_deadline_is_said_to_be_past() -> None:
    today = date(2026, 12, 7)
    assert past_deadline("第22次公募の締切は2026年1月30日", today) == date(2026, 1, 30)
    assert past_deadline("2次公募は2026年2月24日から、締切は3月26日", today) == date(2026, 3, 26)
    assert past_deadline("締切は2027年1月5日", today) is None
    entry = _chunk("m", "要件: 第22次公募の締切は2026年1月30日", kind="measure", title="ものづくり補助金")
    text, _ = compose([Quote(Hit(entry, 1.0), "要件: 第22次公募の締切は2026年1月30日", 1.0)], today=today)
    assert "既に過ぎています" in text


def test_the_same_label_under_another_plan_type_is_not_quoted() -> None:
    local = _chunk("l", "【実現可能性】地元・誘致を問わず、推進の核となる事業者が存在しているのか。",
                   section="3. 地場産業支援 > (要件)", plan_types=("local_industry",))
    strategic = _chunk("s", REQUIREMENTS, plan_types=("strategic_cluster",))
    quotes = [Quote(Hit(local, 1.0), local.body, 1.0), Quote(Hit(strategic, 0.9), REQUIREMENTS.splitlines()[1], 0.9)]
    names = {"local_industry": ["地場産業成長プラン"], "strategic_cluster": ["戦略産業クラスター"]}
    kept = other_plans_dropped(quotes, "地場のプランでいう「実現可能性」の要件は？", names)
    assert [q.hit.chunk.id for q in kept] == ["l"]
    # a question naming both plan types keeps both
    both = other_plans_dropped(quotes, "地場産業成長プランと戦略産業クラスターの実現可能性の違いは？", names)
    assert len(both) == 2


def test_cross_references_and_the_plan_field_do_not_follow_the_answer() -> None:
    entry = _chunk("m", "大企業で経験を積んだ人を経営人材として迎え入れた企業に給付金を出す事業。\n関係する計画: 地場産業成長プラン",
                   kind="measure")
    policy = _chunk("p", "※別途記載例で提示する")
    quotes = [Quote(Hit(entry, 1.0), entry.body.splitlines()[0], 1.0), Quote(Hit(entry, 1.0), entry.body.splitlines()[1], 0.8),
              Quote(Hit(policy, 0.5), policy.body, 0.6)]
    assert [q.text for q in fillers_dropped(quotes, "レビキャリとは？")] == [entry.body.splitlines()[0]]
    assert len(fillers_dropped(quotes, "レビキャリはどの計画で使えますか？")) == 2


def test_every_line_of_a_named_entry_holding_the_asked_thing_is_the_list() -> None:
    body = "事業承継を支える補助金。\n支援内容: 事業承継促進枠:親族への承継\n支援内容: 専門家活用枠:M&Aの専門家費用\n支援内容: 廃業・再チャレンジ枠がある\n対象: 中小企業"
    entry = _chunk("m", body, kind="measure", title="事業承継・M&A補助金")
    found = entry_list("事業承継・M&A補助金の枠を全部教えて", [Hit(entry, 1.0)], lambda q, h: "事業承継・M&A補助金" in q)
    assert found is not None and len(found[1]) == 3 and all("枠" in line for line in found[1])


def test_a_quoted_foreign_term_the_glossary_cannot_read_declines() -> None:
    glossary = Glossary.model_validate({"terms": [{"ja": "EBPMメルクマール", "en": ["EBPM benchmark"]}],
                                        "first_line": {"en": "A", "zh": "B", "ko": "C"}})
    sources = "【EBPMメルクマール】KPIの設定"

    def known(term: str) -> bool:
        return term in sources

    question = "What exactly does the 'competitive advantage' requirement ask for?"
    assert unread_quoted(question, "en", glossary, known) == ["competitive advantage"]
    assert unread_quoted("What is the 'EBPM benchmark' requirement?", "en", glossary, known) == []
    assert unread_quoted("What is the 'EBPM merukumaaru' requirement?", "en", glossary, known) == []  # EBPM is known
    assert unread_quoted("What's the plan's main requirement?", "en", glossary, known) == []  # apostrophes
    assert unread_quoted("「競争優位性」とは？", "ja", glossary, known) == []  # Japanese questions are checked on the quotes


def test_a_catalog_line_restating_the_policy_gives_way_to_the_policy_sentence() -> None:
    policy_text = "優先採択適用のため、都道府県等は、地域未来交付金の申請に当たっては、どの計画に資するのか具体的に記載の上、申請する。"
    policy = _chunk("p", policy_text)
    entry = _chunk("m", "支援内容: 優先採択を受けるには、申請の際にどの計画に資する事業かを具体的に書く必要がある(政策文書)",
                   kind="measure", title="地域未来交付金")
    other = "支援内容: 7つの府省の27の交付金・補助事業と組み合わせられる"
    quotes = [Quote(Hit(entry, 1.0), entry.body, 1.0), Quote(Hit(entry, 1.0), other, 0.9)]
    folded = policy_folded(quotes, [Hit(entry, 1.0), Hit(policy, 0.8)])
    assert folded[0].text == policy_text and folded[0].hit.chunk.kind == "policy"
    assert folded[1].text == other  # a line that does not restate the policy stays


def test_an_asked_kind_no_quote_holds_is_named_as_not_stated() -> None:
    entry = _chunk("m", "相談は無料で、回数の制限はない", kind="measure", title="よろず支援拠点")
    quotes = [Quote(Hit(entry, 1.0), entry.body, 1.0)]
    assert unheld_kinds(quotes, [("date", [r"[0-9]+年|[0-9]+月"]), ("fee", ["無料|有料"])]) == ["date"]


def test_a_question_comparing_with_the_last_turn_carries_its_topic() -> None:
    history = [Turn(role="user", content="地域産業クラスター計画に位置付けた事業は、地域未来交付金で優先的に採択されますか？")]
    assert is_follow_up("地場産業成長プランの場合も同じ扱いですか？")
    query = carry_terms("地場産業成長プランの場合も同じ扱いですか？", history,
                        plan_type_names={"regional_cluster": ["地域産業クラスター計画"], "local_industry": ["地場産業成長プラン"]})
    assert "交付金" in query and "優先" in query and "クラスター" not in query  # the replaced plan type stays behind
    assert not is_follow_up("地域未来交付金の補助率と、申請できる自治体の条件を教えてください。")
