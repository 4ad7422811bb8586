"""Prompt templates kept as versioned files in ``prompts/``, loaded into LangChain ``ChatPromptTemplate``.

File format: YAML front matter, then the template text.

- System files (``kind: system``) are fixed text: no template fields, so nothing a user or a retrieved
  document says can ever reach the system role.
- Task files name their system file (``system: system``) and declare their fields (``variables: [...]``);
  the body becomes the human message. Literal braces are written ``{{`` and ``}}``.

Filling a prompt with a missing or unknown field raises ``PromptError`` naming the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from langchain_core.messages import BaseMessage, SystemMessage
from langchain_core.prompts import ChatPromptTemplate, HumanMessagePromptTemplate

PROMPTS_DIR = Path(str(resources.files("prompts")))  # package data: the checkout or the installed wheel
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_VERSION = re.compile(r"^[a-z][a-z0-9-]*-\d{4}-\d{2}-\d{2}\.\d+$")


class PromptError(KeyError):
    """A prompt file is malformed, or a prompt was filled with missing or unknown fields."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class PromptFile:
    """One file of ``prompts/``: its name, version, kind, system-file name, declared fields and text."""

    name: str
    version: str
    kind: str
    system: str | None
    variables: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class ChatPrompt:
    """A task prompt ready to fill: the fixed system message plus the human-message template."""

    name: str
    version: str
    system_text: str
    template: ChatPromptTemplate
    variables: frozenset[str]

    def messages(self, **fields: Any) -> list[BaseMessage]:
        """The chat messages with every field filled; raises ``PromptError`` naming missing/unknown fields."""
        missing = sorted(self.variables - fields.keys())
        if missing:
            raise PromptError(f"prompt {self.name!r} ({self.version}) is missing field(s): {', '.join(missing)}")
        unknown = sorted(fields.keys() - self.variables)
        if unknown:
            raise PromptError(f"prompt {self.name!r} ({self.version}) got unknown field(s): {', '.join(unknown)}")
        return self.template.format_messages(**{k: str(v) for k, v in fields.items()})


def load_prompt_file(name: str, directory: Path = PROMPTS_DIR) -> PromptFile:
    """Read and validate ``<directory>/<name>.md`` (front matter with a version, then the text)."""
    path = directory / f"{name}.md"
    if not path.is_file():
        raise PromptError(f"prompt file {path} not found")
    raw = path.read_text(encoding="utf-8")
    match = _FRONT_MATTER.match(raw)
    if not match:
        raise PromptError(f"prompt file {path} has no front matter (--- version: ... ---)")
    meta = yaml.safe_load(match.group(1)) or {}
    version = str(meta.get("version", ""))
    if not _VERSION.match(version):
        raise PromptError(f"prompt file {path}: version {version!r} is not like 'answer-2026-11-25.1'")
    kind = str(meta.get("kind", "task"))
    if kind not in ("system", "task"):
        raise PromptError(f"prompt file {path}: kind {kind!r} must be 'system' or 'task'")
    system = meta.get("system")
    if kind == "task" and not system:
        raise PromptError(f"prompt file {path}: a task prompt must name its system file (system: ...)")
    variables = tuple(str(v) for v in meta.get("variables") or ())
    return PromptFile(name, version, kind, str(system) if system else None, variables, raw[match.end() :].strip())


def _template_fields(prompt: PromptFile) -> frozenset[str]:
    template = HumanMessagePromptTemplate.from_template(prompt.text)
    return frozenset(template.input_variables)


@lru_cache(maxsize=32)
def chat_prompt(name: str, directory: Path = PROMPTS_DIR) -> ChatPrompt:
    """Build the ``ChatPrompt`` of a task file; the declared fields must equal the template's fields."""
    task = load_prompt_file(name, directory)
    if task.kind != "task" or task.system is None:
        raise PromptError(f"prompt {name!r} is a system prompt, not a task prompt")
    system = load_prompt_file(task.system, directory)
    if system.kind != "system":
        raise PromptError(f"prompt {name!r}: {task.system!r} is not a system prompt (kind: system)")
    if "{" in system.text or "}" in system.text:
        raise PromptError(f"system prompt {system.name!r} must be fixed text (no {{fields}} or braces)")
    found = _template_fields(task)
    declared = frozenset(task.variables)
    if found != declared:
        raise PromptError(
            f"prompt {name!r}: declared variables {sorted(declared)} but the text uses {sorted(found)}"
        )
    template = ChatPromptTemplate.from_messages(
        [SystemMessage(content=system.text), HumanMessagePromptTemplate.from_template(task.text)]
    )
    return ChatPrompt(
        name=name,
        version=f"{task.version}+{system.version}",
        system_text=system.text,
        template=template,
        variables=declared,
    )
