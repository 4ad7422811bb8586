"""Corpus schema: each problem named by file and entry."""

from pathlib import Path

import yaml

from retrieval.corpus import load_corpus
from retrieval.schema import validate_measures, validate_requirements

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def test_shipped_corpus_is_valid() -> None:
    corpus = load_corpus(CORPUS)
    assert corpus.problems == []
    assert len(corpus.measures) >= 25
    assert {p.id for p in corpus.plan_types} == {"strategic_cluster", "regional_cluster", "local_industry"}


def test_requirement_labels_are_the_policys() -> None:
    corpus = load_corpus(CORPUS)
    labels = {p.id: [r.label for r in p.requirements] for p in corpus.plan_types}
    assert labels["local_industry"] == ["有望度", "実現可能性", "外部依存性", "域内への波及", "自治体のコミットメント", "EBPMメルクマール"]
    assert "現地化" in labels["regional_cluster"] and "現地化" not in labels["local_industry"]
    assert len(labels["strategic_cluster"]) == 7


def test_missing_field_is_reported_with_entry_and_id(tmp_path: Path) -> None:
    data = yaml.safe_load((CORPUS / "support_measures.yaml").read_text(encoding="utf-8"))
    target = data["measures"][11]
    target["verified"] = True
    target["source_url"] = ""
    del target["agency"]
    path = tmp_path / "support_measures.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    measures, problems = validate_measures(path)
    text = [str(p) for p in problems]
    assert f"support_measures.yaml: entry 12 (id={target['id']}): missing field 'agency'" in text
    assert len(measures) == len(data["measures"]) - 1


def test_unknown_vocabulary_duplicate_id_and_unverified_without_facts(tmp_path: Path) -> None:
    data = yaml.safe_load((CORPUS / "support_measures.yaml").read_text(encoding="utf-8"))
    data["measures"][0]["needs"] = ["宇宙開発"]
    data["measures"][2]["id"] = data["measures"][1]["id"]
    data["measures"][3]["verified"] = False
    data["measures"][3]["unverified"] = []
    path = tmp_path / "support_measures.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _, problems = validate_measures(path)
    text = "\n".join(str(p) for p in problems)
    assert "entry 1 " in text and "宇宙開発" in text
    assert "entry 3 " in text and "duplicate id" in text
    assert "entry 4 " in text and "unverified" in text


def test_broken_yaml_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "requirements.yaml"
    path.write_text("plan_types: [\n  - id: x", encoding="utf-8")
    _, problems = validate_requirements(path)
    assert problems and problems[0].file == "requirements.yaml" and "cannot parse" in problems[0].message
