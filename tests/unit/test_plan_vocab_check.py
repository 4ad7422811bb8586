"""`madoguchi corpus validate` checks the plan vocabulary: plan_terms.yaml and the signals of requirements.yaml."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from bot.plans.vocab_check import plan_vocab_problems, term_problem

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """A copy of the shipped corpus (catalogs and vocabulary; the policy text is linked)."""
    out = tmp_path / "corpus"
    out.mkdir()
    (out / "policy").symlink_to(CORPUS / "policy")
    for name in ("support_measures.yaml", "requirements.yaml", "plan_terms.yaml"):
        shutil.copy(CORPUS / name, out / name)
    return out


def _edit(path: Path, change: callable) -> None:  # type: ignore[valid-type]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_the_shipped_vocabulary_has_no_problems() -> None:
    assert plan_vocab_problems(CORPUS) == []


def test_term_syntax() -> None:
    assert term_problem("県内…調達|仕入") == ""
    assert "「…」の前後が空" in term_problem("県内…")
    assert "「|」の前後が空" in term_problem("調達||仕入")
    assert term_problem(" ") == "空の語があります"


def test_broken_plan_terms_name_file_entry_and_field(corpus: Path) -> None:
    def break_terms(data: dict) -> None:  # type: ignore[type-arg]
        data["needs"]["輸出"].append("輸出…")
        data["actor_patterns"].append("(株式会社")
        data["match_focus"]["no-such-measure"] = {"primary": ["輸出"]}
        data["not_yet_window"] = "十二"
        data["markers"]["negation"].append("未定||未決")

    _edit(corpus / "plan_terms.yaml", break_terms)
    lines = [str(p) for p in plan_vocab_problems(corpus, ["jetro-kaigai-tenkai-shien"])]
    assert any(line.startswith("plan_terms.yaml: not_yet_window: 整数で書いてください") for line in lines), lines
    # the shape problem stops the schema check; the other checks still run
    assert any(line.startswith("plan_terms.yaml: needs.輸出: 語[") and "「…」の前後が空" in line for line in lines), lines
    assert any(line.startswith("plan_terms.yaml: actor_patterns: [") and "正規表現として読めません" in line for line in lines), lines
    assert "plan_terms.yaml: match_focus.no-such-measure: support_measures.yaml にない施策 id です" in lines
    assert any(line.startswith("plan_terms.yaml: markers.negation: 語[") and "「|」の前後が空" in line for line in lines), lines


def test_broken_signals_name_plan_type_requirement_and_field(corpus: Path) -> None:
    def break_signals(data: dict) -> None:  # type: ignore[type-arg]
        local = next(p for p in data["plan_types"] if p["id"] == "local_industry")
        signals = local["requirements"][0]["signals"]  # 有望度
        signals["groups"][0]["weak_term"] = ["加工品"]  # typo of weak_terms: silently ignored before
        signals["groups"][1]["with_group"] = "存在しない観点"
        signals["groups"][2]["number"] = "amounts"
        signals["negative_terms"] = ["…委託"]

    _edit(corpus / "requirements.yaml", break_signals)
    lines = [str(p) for p in plan_vocab_problems(corpus)]
    where = "requirements.yaml: local_industry > 有望度: "
    assert any(line.startswith(where + "signals.groups[0]（製品・サービスの明確化）: 知らないキー「weak_term」です") for line in lines), lines
    assert where + "signals.groups[1]（市場ニーズの特定）.with_group: 同じ要件にほかのグループ「存在しない観点」がありません" in lines
    assert any(line.startswith(where + "signals.groups[2]（付加価値向上または販路拡大）.number: ") for line in lines), lines
    assert any(line.startswith(where + "signals.negative_terms[0]: ") for line in lines), lines


def test_corpus_validate_fails_on_a_broken_vocabulary(corpus: Path) -> None:
    from bot.cli.main import app

    _edit(corpus / "plan_terms.yaml", lambda d: d["actor_roles"].append(""))
    result = CliRunner().invoke(app, ["corpus", "validate", str(corpus)])
    assert result.exit_code == 1
    assert "plan_terms.yaml: actor_roles: 空の語があります" in result.output
    assert "件の問題があります" in result.output


def test_round5_keys_are_checked(corpus: Path) -> None:
    def break_terms(data: dict) -> None:  # type: ignore[type-arg]
        data["measure_signatures"]["no-such-measure"] = ["優先採択"]
        data["measure_signatures"]["revicareer"].append("大企業出身…")

    def break_signals(data: dict) -> None:  # type: ignore[type-arg]
        local = next(p for p in data["plan_types"] if p["id"] == "local_industry")
        spread = next(r for r in local["requirements"] if r["label"] == "域内への波及")["signals"]
        spread["unquantified_caps"] = "yes"
        spread["figures_deferred"] = ["数字…"]

    _edit(corpus / "plan_terms.yaml", break_terms)
    _edit(corpus / "requirements.yaml", break_signals)
    lines = [str(p) for p in plan_vocab_problems(corpus, ["revicareer", "chiiki-mirai-kofukin"])]
    assert "plan_terms.yaml: measure_signatures.no-such-measure: support_measures.yaml にない施策 id です" in lines
    assert any(line.startswith("plan_terms.yaml: measure_signatures.revicareer: 語[") for line in lines), lines
    where = "requirements.yaml: local_industry > 域内への波及: "
    assert where + "signals.unquantified_caps: true か false で書いてください" in lines
    assert any(line.startswith(where + "signals.figures_deferred[0]: ") for line in lines), lines
