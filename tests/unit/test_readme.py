"""The README documents every setting and the two commands."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

from settings_table import table  # noqa: E402

from bot.config import Settings  # noqa: E402


def test_readme_has_the_current_settings_table() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert table() in readme, "run: python scripts/update_readme.py"


def test_every_setting_is_named_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"MADOGUCHI_{name.upper()}" in readme or name.startswith("slack_") or name == "llm_api_key", name


def test_readme_shows_the_contract() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
