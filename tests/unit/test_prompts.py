"""Prompt files: versioned, fixed system text, loud failures on missing or unknown fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering.prompts import PROMPTS_DIR, PromptError, chat_prompt, load_prompt_file
from bot.answering.verify import DECLINE_TOKEN

TASKS = ("answer", "rewrite", "precheck_assist", "match_assist")


def test_every_prompt_file_has_a_distinct_version() -> None:
    files = sorted(p.stem for p in PROMPTS_DIR.glob("*.md"))
    assert set(TASKS) <= set(files)
    versions = [load_prompt_file(name).version for name in files]
    assert len(set(versions)) == len(versions)


@pytest.mark.parametrize("name", TASKS)
def test_task_prompts_build_and_carry_both_versions(name: str) -> None:
    prompt = chat_prompt(name)
    task, system = load_prompt_file(name), load_prompt_file(load_prompt_file(name).system or "")
    assert prompt.version == f"{task.version}+{system.version}"
    msgs = prompt.messages(**{field: f"<{field}>" for field in prompt.variables})
    assert [m.type for m in msgs] == ["system", "human"]
    assert msgs[0].content == system.text
    for field in prompt.variables:
        assert f"<{field}>" in str(msgs[1].content)
        assert f"<{field}>" not in str(msgs[0].content)


def test_missing_field_raises_naming_it() -> None:
    prompt = chat_prompt("answer")
    with pytest.raises(PromptError, match="question"):
        prompt.messages(context="<<<資料[1]\n本文\n>>>", standalone="q")


def test_unknown_field_raises_naming_it() -> None:
    prompt = chat_prompt("answer")
    with pytest.raises(PromptError, match="contxt"):
        prompt.messages(context="c", question="q", standalone="s", contxt="typo")


def test_braces_in_values_are_not_template_fields() -> None:
    msgs = chat_prompt("answer").messages(context="{question}", question="{context}", standalone="{x}")
    assert "{question}" in str(msgs[1].content) and "{context}" in str(msgs[1].content)


def test_the_answer_system_prompt_tells_the_model_the_decline_token() -> None:
    assert DECLINE_TOKEN in chat_prompt("answer").system_text


def _write(directory: Path, name: str, text: str) -> None:
    (directory / f"{name}.md").write_text(text, encoding="utf-8")


SYSTEM = "---\nversion: sys-2026-11-25.1\nkind: system\n---\nfixed rules\n"


def test_declared_variables_must_match_the_template(tmp_path: Path) -> None:
    _write(tmp_path, "sys", SYSTEM)
    _write(tmp_path, "task", "---\nversion: task-2026-11-25.1\nsystem: sys\nvariables: [question]\n---\n{question} {extra}\n")
    with pytest.raises(PromptError, match="extra"):
        chat_prompt("task", tmp_path)


def test_a_system_prompt_cannot_have_fields(tmp_path: Path) -> None:
    _write(tmp_path, "sys", "---\nversion: sys-2026-11-25.1\nkind: system\n---\nrules {question}\n")
    _write(tmp_path, "task", "---\nversion: task-2026-11-25.1\nsystem: sys\nvariables: [question]\n---\n{question}\n")
    with pytest.raises(PromptError, match="fixed text"):
        chat_prompt("task", tmp_path)


@pytest.mark.parametrize(
    "front",
    ["", "---\nkind: task\nsystem: sys\n---\n", "---\nversion: v1\nsystem: sys\n---\n", "---\nversion: t-2026-11-25.1\n---\n"],
)
def test_malformed_prompt_files_are_rejected(tmp_path: Path, front: str) -> None:
    _write(tmp_path, "sys", SYSTEM)
    _write(tmp_path, "task", front + "text\n")
    with pytest.raises(PromptError):
        chat_prompt("task", tmp_path)
