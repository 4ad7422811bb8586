"""Loading eval datasets: valid cases parse; every malformed line is named as file:line with the problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.dataset import AskCase, DatasetError, MatchCase, PrecheckCase, load

REPO = Path(__file__).resolve().parents[2]

ASK = {"id": "a1", "task": "ask", "question": "ハブ度とは？", "evidence": ["ハブ度"], "must_include": ["域内"], "refuse": False}
MATCH = {"id": "m1", "task": "match", "plan": "輸出を伸ばしたい", "expected_measures": ["JETRO|日本貿易振興機構"]}
PRE = {"id": "p1", "task": "precheck", "plan": "計画", "plan_type": "local_industry", "expected_status": {"有望度": "met"}}


def write(tmp_path: Path, *lines: object, name: str = "cases.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(DatasetError) as info:
        load([path])
    return info.value.problems


def test_valid_file_with_optional_fields_omitted(tmp_path: Path) -> None:
    history = [{"role": "user", "content": "コネクター度とは"}, {"role": "assistant", "content": "域外販売額です"}]
    path = write(tmp_path, ASK, "", {**ASK, "id": "a2", "history": history}, MATCH, PRE)
    suite = load([path])
    assert [c.id for c in suite.ask] == ["a1", "a2"]
    assert isinstance(suite.ask[0], AskCase) and suite.ask[0].history == ()
    assert suite.ask[1].history[0]["role"] == "user"
    assert isinstance(suite.match[0], MatchCase) and suite.match[0].plan_type is None
    assert isinstance(suite.precheck[0], PrecheckCase) and suite.precheck[0].expected_status == {"有望度": "met"}
    assert suite.files == [str(path)] and not suite.warnings


def test_bad_json_line_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, ASK, '{"id": "a2", "task": "ask",')
    assert problems(path) == [f"{path}:2: JSON として読めません（Expecting property name enclosed in double quotes, 列 28）"]


def test_unknown_task_and_missing_fields_are_all_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {**ASK, "task": "translate"},
        {k: v for k, v in ASK.items() if k != "question"} | {"id": "a3"},
        {**MATCH, "expected_measures": ["(unclosed"]},
        {**PRE, "expected_status": {"有望度": "ok"}},
        {**PRE, "id": "p2", "plan_type": "national"},
        {**ASK, "id": "a4", "refuse": "no"},
        {**ASK, "id": "a5", "evidence": [], "must_include": []},
        [1, 2],
    )
    found = problems(path)
    assert len(found) == 8
    assert found[0] == f"{path}:1: 不明な task です: 'translate'（ask / match / precheck）"
    assert found[1] == f"{path}:2: 'question' がありません"
    assert found[2].startswith(f"{path}:3: 'expected_measures' の正規表現 '(unclosed' が不正です")
    assert found[3].startswith(f"{path}:4: 'expected_status' の「有望度」の状態 'ok' が不正です")
    assert found[4].startswith(f"{path}:5: 'plan_type' が不明です: 'national'")
    assert found[5] == f"{path}:6: 'refuse' は true か false にしてください"
    assert found[6] == f"{path}:7: 回答すべきケース（refuse: false）には 'evidence'、'must_include' か 'expected_measures' が1つ以上必要です"
    assert found[7] == f"{path}:8: 1行に1つの JSON オブジェクトを書いてください"


def test_bad_history_and_duplicate_ids_across_files(tmp_path: Path) -> None:
    first = write(tmp_path, ASK, name="a.jsonl")
    second = write(tmp_path, {**ASK, "history": [{"role": "system", "content": "x"}]}, name="b.jsonl")
    found = problems(second)
    assert found == [f"{second}:1: 'history' の 1 件目は role（user / assistant）と content（文字列）が必要です"]
    third = write(tmp_path, ASK, name="c.jsonl")
    with pytest.raises(DatasetError) as info:
        load([first, third])
    assert info.value.problems == [f"{third}:1: id 'a1' が重複しています（{first}:1 にもあります）"]


def test_unknown_field_is_a_warning_not_an_error(tmp_path: Path) -> None:
    suite = load([write(tmp_path, {**ASK, "note": "x"})])
    assert len(suite.ask) == 1
    assert suite.warnings == [f"{tmp_path / 'cases.jsonl'}:1: 未知のフィールドを無視しました: note"]


def test_missing_and_empty_files(tmp_path: Path) -> None:
    assert problems(tmp_path / "none.jsonl") == [f"{tmp_path / 'none.jsonl'}: ファイルが見つかりません"]
    empty = write(tmp_path, "", name="empty.jsonl")
    assert problems(empty) == [f"{empty}: ケースが1件もありません"]


def test_shipped_datasets_load() -> None:
    suite = load(sorted((REPO / "evals" / "datasets").glob("*.jsonl")))
    assert suite.ask and any(c.refuse for c in suite.ask) and any(c.history for c in suite.ask)
