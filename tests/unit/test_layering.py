"""The layout stays true: no import circle, retrieval below bot, jobs below the doors, plans without the Desk.

Every import counts, also those inside functions and under ``TYPE_CHECKING``: a deferred import that closes a
circle is still a circle a reader has to hold in mind.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "retrieval", "evals", "corpus", "prompts")
DOORS = ("bot.web", "bot.slack", "bot.cli")
JOBS = ("bot.answering", "bot.plans", "bot.audit")


def module_files(root: Path) -> dict[str, Path]:
    """Module name → file for the project's own packages."""
    out: dict[str, Path] = {}
    for package in PACKAGES:
        for path in (root / package).rglob("*.py"):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = path
    return out


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules that ``name`` imports (absolute and relative, anywhere in the file)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def graph(root: Path = REPO) -> dict[str, set[str]]:
    """Import graph of the project's modules (a package importing its own children is left out)."""
    files = module_files(root)
    known = set(files)
    return {
        name: {t for t in imports_of(name, path, known) if not t.startswith(name + ".")}
        for name, path in files.items()
    }


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def under(name: str, prefixes: tuple[str, ...]) -> bool:
    """True when ``name`` is one of ``prefixes`` or inside one of them."""
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def violations(edges: dict[str, set[str]]) -> list[str]:
    """Imports that point the wrong way."""
    bad: list[str] = []
    for source, targets in sorted(edges.items()):
        for target in sorted(targets):
            if source.startswith("retrieval") and target.startswith(("bot", "evals")):
                bad.append(f"{source} -> {target}: retrieval is the lowest layer")
            if under(source, JOBS) and (under(target, DOORS) or target == "bot.desk"):
                bad.append(f"{source} -> {target}: a job package must not reach up to the desk or a door")
            if source == "bot.desk" and under(target, DOORS):
                bad.append(f"{source} -> {target}: the desk must not know its doors")
            if under(source, ("bot.plans",)) and under(target, ("bot.audit",)):
                bad.append(f"{source} -> {target}: plan analysis does not write the audit trail")
    return bad


def test_the_project_has_no_import_circle() -> None:
    assert cycles(graph()) == []


def test_imports_point_down_only() -> None:
    assert violations(graph()) == []


def test_the_checks_catch_a_circle_and_an_upward_import(tmp_path: Path) -> None:
    (tmp_path / "retrieval").mkdir()
    (tmp_path / "bot" / "plans").mkdir(parents=True)
    (tmp_path / "retrieval" / "__init__.py").write_text("")
    (tmp_path / "retrieval" / "search.py").write_text("from bot.errors import DeskError\n")
    (tmp_path / "bot" / "__init__.py").write_text("")
    (tmp_path / "bot" / "errors.py").write_text("")
    (tmp_path / "bot" / "desk.py").write_text("from bot.plans import match\n")
    (tmp_path / "bot" / "plans" / "__init__.py").write_text("")
    (tmp_path / "bot" / "plans" / "match.py").write_text("def f():\n    from bot.desk import Desk\n")
    edges = graph(tmp_path)
    assert cycles(edges) == [["bot.desk", "bot.plans.match"]]
    assert violations(edges) == [
        "bot.plans.match -> bot.desk: a job package must not reach up to the desk or a door",
        "retrieval.search -> bot.errors: retrieval is the lowest layer",
    ]


@pytest.mark.parametrize("package", ["bot", "retrieval", "bot.answering", "bot.plans", "bot.audit", "bot.cli"])
def test_each_package_states_its_job(package: str) -> None:
    init = REPO.joinpath(*package.split("."), "__init__.py")
    assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), f"{init} has no docstring"
