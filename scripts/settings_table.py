"""Print the README's configuration table from ``bot.config.Settings`` (the single source of truth)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import Settings  # noqa: E402


def env_name(name: str, field: object) -> str:
    """The environment variable(s) that set a field."""
    alias = getattr(field, "validation_alias", None)
    choices = getattr(alias, "choices", None)
    if choices:
        return " / ".join(f"`{c}`" for c in choices)
    return f"`MADOGUCHI_{name.upper()}`"


def default_text(name: str, field: object) -> str:
    """The default as a reader should see it."""
    if getattr(field, "default_factory", None) is not None:
        return {"embed_threads": "min(4, CPU cores)", "pii_patterns": "[]"}.get(name, "(computed)")
    value = getattr(field, "default", None)
    if name == "corpus_dir":
        return "the shipped `corpus/`"
    return "—" if value in (None, "") else f"`{value}`"


def table() -> str:
    """The Markdown table."""
    rows = ["| variable | default | what it does |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        rows.append(f"| {env_name(name, field)} | {default_text(name, field)} | {field.description or ''} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(table())
