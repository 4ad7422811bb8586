"""Agreement between two labellings of the same pre-check plans (writer vs second annotator vs the desk)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evals.agreement import LabelsError, agreement, desk_labels, on_agreed, read_labels

REPO = Path(__file__).resolve().parents[2]


def _write(path: Path, rows: dict[str, dict[str, str]]) -> Path:
    path.write_text("\n".join(json.dumps({"id": k, "expected_status": v}, ensure_ascii=False) for k, v in rows.items()),
                    encoding="utf-8")
    return path


def test_identical_labellings_agree_fully_and_kappa_is_one() -> None:
    labels = {"p1": {"有望度": "met", "現地化": "partial", "EBPMメルクマール": "missing"}}
    result = agreement(labels, labels)
    assert (result.n, result.agreed, result.rate, result.kappa) == (3, 3, 1.0, 1.0)


def test_kappa_discounts_chance_agreement() -> None:
    # both say met on 8 of 10 and agree on 8: raw 0.8, but chance alone gives 0.68 → kappa 0.375
    first = {"p": {f"r{i}": "met" if i < 8 else "partial" for i in range(10)}}
    second = {"p": {f"r{i}": "met" if i not in (0, 9) else "partial" for i in range(10)}}
    result = agreement(first, second)
    assert result.rate == pytest.approx(0.8)
    assert result.kappa == pytest.approx((0.8 - 0.68) / (1 - 0.68))
    assert result.confusion[("met", "partial")] == 1 and result.confusion[("partial", "met")] == 1


def test_only_pairs_both_judged_count_and_desk_is_scored_on_agreed_labels() -> None:
    writer = {"p": {"a": "met", "b": "partial", "c": "missing"}, "q": {"a": "met"}}
    annotator = {"p": {"a": "met", "b": "missing", "c": "missing"}}
    desk = {"p": {"a": "met", "b": "partial", "c": "met"}}
    assert agreement(writer, annotator).n == 3  # plan q was not judged twice
    unambiguous = on_agreed(desk, writer, annotator)  # label b is ambiguous (partial vs missing) and is left out
    assert (unambiguous.n, unambiguous.agreed) == (2, 1)


def test_desk_labels_come_from_an_eval_report() -> None:
    report = {"cases": [{"id": "p", "task": "precheck", "details": {"actual": {"a": "met"}}},
                        {"id": "q1", "task": "ask", "details": {}}]}
    assert desk_labels(report) == {"p": {"a": "met"}}


def test_a_bad_status_is_named_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "labels.jsonl"
    bad.write_text('{"id": "p", "expected_status": {"a": "met"}}\n{"id": "q", "expected_status": {"a": "ok"}}\n',
                   encoding="utf-8")
    with pytest.raises(LabelsError, match=r"labels.jsonl:2: .*ok"):
        read_labels(bad)


def test_the_shipped_second_annotation_covers_every_blind10_plan() -> None:
    writer = read_labels(REPO / "evals/blind10/precheck.jsonl")
    second = read_labels(REPO / "evals/blind10/annotator2.jsonl")
    assert set(writer) == set(second)
    assert agreement(writer, second).n == sum(len(v) for v in writer.values())


def test_cli_prints_the_table_and_says_what_is_wrong_in_japanese(tmp_path: Path) -> None:
    from bot.cli.main import app

    a = _write(tmp_path / "a.jsonl", {"p": {"x": "met", "y": "partial"}})
    b = _write(tmp_path / "b.jsonl", {"p": {"x": "met", "y": "missing"}})
    ok = CliRunner().invoke(app, ["agreement", str(a), str(b)])
    assert ok.exit_code == 0, ok.output
    assert "| a.jsonl ↔ b.jsonl | 2 | 1 | 0.500 |" in ok.output
    broken = tmp_path / "broken.jsonl"
    broken.write_text("{not json\n", encoding="utf-8")
    failed = CliRunner().invoke(app, ["agreement", str(broken), str(b)])
    assert failed.exit_code != 0
    assert "JSON として読めません" in failed.output and "Traceback" not in failed.output
