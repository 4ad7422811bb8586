"""corpus/clarify.yaml: the shipped file validates; a broken one is reported with its file and entry."""

from __future__ import annotations

from pathlib import Path

from retrieval.clarify import validate_clarify
from retrieval.corpus import load_corpus

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def test_shipped_clarify_file_validates_and_its_examples_behave() -> None:
    clarify, problems = validate_clarify(CORPUS / "clarify.yaml")
    assert problems == []
    assert len(clarify.choices) >= 5
    assert clarify.too_vague("何か使える支援はありますか？")
    assert not clarify.too_vague("後継ぎがいなくて困っています。使える支援はありますか？")
    for choice in clarify.choices:  # a pressed choice is never asked back
        assert not clarify.too_vague(choice.ask)
        assert clarify.chosen(choice.ask) == choice


def test_broken_clarify_file_names_the_entry(tmp_path: Path) -> None:
    path = tmp_path / "clarify.yaml"
    path.write_text(
        "schema_version: 1\nquestion: どれですか？\nchoices:\n"
        "  - {label: 販路, ask: 設備を入れたい。使える支援は？, cues: [販路]}\n"
        "  - {label: 人材, ask: 人を採りたい。使える支援は？, cues: ['(採']}\n"
        "examples: [販路を広げたい]\n",
        encoding="utf-8",
    )
    _, problems = validate_clarify(path)
    text = "\n".join(str(p) for p in problems)
    assert "clarify.yaml" in text and "choices.1" in text and "does not compile" in text
    path.write_text(path.read_text(encoding="utf-8").replace("'(採'", "採"), encoding="utf-8")
    _, problems = validate_clarify(path)
    text = "\n".join(str(p) for p in problems)
    assert "choices.0 (販路)" in text and "cues" in text  # its ask does not show its own interest
    assert "example not asked back: 販路を広げたい" in text


def test_corpus_validate_reports_clarify_problems(tmp_path: Path) -> None:
    (tmp_path / "clarify.yaml").write_text("schema_version: 1\nchoices:\n  - {label: x}\n", encoding="utf-8")
    problems = load_corpus(tmp_path).problems
    assert any(p.file == "clarify.yaml" for p in problems)


def test_a_fact_asked_of_a_designated_support_is_not_a_situation() -> None:
    situation = validate_clarify(CORPUS / "clarify.yaml")[0].situation
    assert situation.asked("国の支援で関連インフラを整備できるものはありますか。")
    assert situation.asked("こういう事業者を国が支える仕組みの話は出ていますか。")
    assert not situation.asked("ものづくりの補助金で、機械の導入に使える補助の上限と補助率は？")
    assert not situation.asked("観光庁の事業で、宿の改修に使える補助の上限はいくら？")
