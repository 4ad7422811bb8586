"""「他には？」 follow-ups on the real index: the measures already given are left out, a new need stated in the
follow-up drives the search, and with nothing left the desk says so and names the windows (own wordings)."""

from __future__ import annotations

from bot.desk import Desk

EXPORT = [
    {"role": "user", "content": "自社の商品を外国でも売ってみたい。国の支援ではどこに話を持っていけばいいですか"},
    {"role": "assistant", "content": "ジェトロ（日本貿易振興機構）が海外進出の相談や、ECサイトを通じた海外販路開拓支援を行っています。"},
]


GIVEN = ("JETRO(日本貿易振興機構)の海外展開支援", "JETROのECサイトを通じた海外販路開拓支援(JAPAN MALLほか)")


def _repeats(answer) -> bool:  # type: ignore[no-untyped-def]
    """Whether the answer quotes a measure the earlier answer gave."""
    return any(c.title in GIVEN for c in answer.citations) or any(g in answer.text for g in GIVEN)


def test_other_measures_leave_out_the_one_already_given(desk: Desk) -> None:
    answer = desk.ask("ほかにもありますか？", history=EXPORT)
    assert not answer.refused, answer.text
    assert not _repeats(answer), answer.text


def test_a_new_need_in_the_follow_up_drives_the_search(desk: Desk) -> None:
    answer = desk.ask("それ以外で、うちはお茶の生産者なんですが、農林水産物向けのものはありますか", history=EXPORT)
    assert not answer.refused, answer.text
    assert "農林水産物・食品の輸出" in answer.text
    assert not _repeats(answer), answer.text


def test_then_for_another_trade_reads_the_new_need(desk: Desk) -> None:
    answer = desk.ask("じゃあ旅行客を呼び込む観光向けのはないんですか", history=EXPORT)
    assert not answer.refused, answer.text
    assert "観光" in answer.text and not _repeats(answer), answer.text


CAP = [
    {"role": "user", "content": "持続化補助金って最大いくらまで出ますか"},
    {"role": "assistant", "content": "小規模事業者持続化補助金(一般型・通常枠)は、通常枠の上限が50万円です。"},
]


def test_nothing_left_is_said_with_the_windows_not_repeated(desk: Desk) -> None:
    answer = desk.ask("ほかには？深海探査の機材向けのはないんですか", history=CAP)
    assert answer.refused
    assert "ご案内したもの以外" in answer.text and "よろず支援拠点" in answer.text
    assert "持続化補助金" not in answer.text and "50万円" not in answer.text


def test_a_facet_of_the_same_measure_is_not_a_question_for_others(desk: Desk) -> None:
    answer = desk.ask("他に、相談するときに用意する書類はありますか", history=EXPORT)
    assert "given_measures" not in answer.meta


def test_the_examples_a_term_is_given_are_its_defining_passage(desk: Desk) -> None:
    for question in ("戦略産業クラスターには、どんな例が挙げられていますか", "战略产业集群这个概念，文件里举了哪些例子？"):
        answer = desk.ask(question)
        assert not answer.refused, answer.text
        assert "TSMC" in answer.text, answer.text


def test_support_examples_keep_their_own_section(desk: Desk) -> None:
    answer = desk.ask("地場産業成長プランの支援メニューで例に挙げられているのはどれですか")
    assert not answer.refused, answer.text
    assert "レビキャリ" in answer.text, answer.text
