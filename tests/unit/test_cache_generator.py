"""The answer cache's generator id changes when a corpus editor edits a rule file, so no stale answer is served."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.answering.cache import generator_id
from bot.config import Settings

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def test_editing_a_rule_file_changes_the_generator(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("scope_rules.yaml", "intents.yaml", "clarify.yaml"):
        shutil.copy(CORPUS / name, corpus / name)
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=corpus, _env_file=None)  # type: ignore[call-arg]
    before = generator_id(settings)
    assert generator_id(settings) == before  # stable while nothing changes
    path = corpus / "clarify.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("近いものを1つ", "近いものをひとつ"), encoding="utf-8")
    assert generator_id(settings) != before
