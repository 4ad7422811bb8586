"""「他には？」 follow-ups: which questions ask for measures besides those given, and what is left out."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering.conversation import Turn
from bot.answering.others import given_measures, states_need, without_given
from retrieval.corpus import load_corpus
from retrieval.scope_rules import load_scope
from retrieval.types import Chunk, Hit

CORPUS_DIR = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="module")
def follow():  # type: ignore[no-untyped-def]
    return load_scope(CORPUS_DIR).follow_up


@pytest.mark.parametrize("question", [
    "ほかにありますか", "他にも何かない？", "それ以外で使えるものは？", "別の制度はないんですか",
    "じゃあ飲食店向けのはあります？",
])
def test_a_question_for_other_measures_is_recognised(follow, question: str) -> None:  # type: ignore[no-untyped-def]
    assert follow.others_asked(question) is not None


@pytest.mark.parametrize("question", [
    "他に条件はありますか", "ほかに用意する書類は？", "じゃあその補助率は？", "他の県の事例は載ってますか", "その締切は？",
])
def test_a_question_for_more_of_the_same_measure_is_not(follow, question: str) -> None:  # type: ignore[no-untyped-def]
    assert follow.others_asked(question) is None


def test_a_new_need_is_told_from_generic_words(follow) -> None:  # type: ignore[no-untyped-def]
    assert states_need(follow.others_asked("それ以外で、酒蔵向けのはありませんか") or "", follow.others_generic)
    assert not states_need(follow.others_asked("ほかに使えるのは？") or "", follow.others_generic)


def test_the_measures_an_answer_named_are_left_out_of_the_hits() -> None:
    corpus = load_corpus(CORPUS_DIR)
    turns = [Turn(role="user", content="相談先を教えて"), Turn(role="assistant", content="ジェトロの窓口でご相談いただけます。")]
    given = given_measures(turns, corpus.measures)
    assert "JETRO(日本貿易振興機構)の海外展開支援" in given
    entry = Chunk(id="measure:x", doc_id="m", kind="measure", title="JETRO(日本貿易振興機構)の海外展開支援",
                  section="", text="x", body="x")
    passage = Chunk(id="policy:y", doc_id="p", kind="policy", title="p", section="s",
                    text="見出し\n① JETROが支援する。\n② 商工会が支援する。", body="① JETROが支援する。\n② 商工会が支援する。")
    kept = without_given([Hit(chunk=entry, score=1.0), Hit(chunk=passage, score=0.5)], given)
    assert [h.chunk.id for h in kept] == ["policy:y"]
    assert "JETRO" not in kept[0].chunk.body and "商工会" in kept[0].chunk.body
