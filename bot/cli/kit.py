"""Shared CLI plumbing: settings overrides, the desk, and turning errors into one polite line."""

from __future__ import annotations

import functools
import json
import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from bot.config import Settings, get_settings
from retrieval.errors import DeskError

P = ParamSpec("P")
R = TypeVar("R")
err_console = Console(stderr=True)
out_console = Console()
log = logging.getLogger("madoguchi.cli")


def exit_code_for(error: DeskError) -> int:
    """2 for what the user can fix in the input, 3 for index / store / corpus problems."""
    return 2 if error.code.caller_can_fix else 3


def _record_crash(exc: BaseException) -> Path | None:
    try:
        directory = get_settings().data_dir / "logs"
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "error.log"
        with path.open("a", encoding="utf-8") as fh:
            fh.write("".join(traceback.format_exception(exc)) + "\n")
        return path
    except Exception:
        return None


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Run a command; a ``DeskError`` or crash becomes one line on stderr and a non-zero exit."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except DeskError as exc:
            err_console.print(f"[bold red]エラー:[/] {exc.message}", highlight=False, soft_wrap=True)
            if exc.hint:
                err_console.print(f"  → {exc.hint}", highlight=False, soft_wrap=True)
            raise typer.Exit(exit_code_for(exc)) from None
        except (typer.Exit, typer.Abort):
            raise
        except KeyboardInterrupt:
            err_console.print("中断しました。")
            raise typer.Exit(130) from None
        except ValueError as exc:
            err_console.print(f"[bold red]エラー:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
        except Exception as exc:
            where = _record_crash(exc)
            err_console.print(
                "[bold red]エラー:[/] 予期しない問題が発生しました。" + (f" 詳細は {where} に記録しました。" if where else ""),
                highlight=False,
            )
            raise typer.Exit(1) from None

    return wrapper


def settings() -> Settings:
    """The process settings."""
    return get_settings()


def fold_japanese_help() -> None:
    """Let help texts break anywhere in a line (Japanese has no spaces; Typer's tables would cut it with "…")."""
    from rich.text import Text
    from typer import rich_utils

    make = rich_utils._make_rich_text
    if getattr(make, "folds", False):
        return

    def folding(**kwargs: Any) -> Any:
        rendered = make(**kwargs)
        if isinstance(rendered, Text):
            rendered.overflow = "fold"
        return rendered

    folding.folds = True  # type: ignore[attr-defined]
    rich_utils._make_rich_text = folding


def hard_breaks(text: str) -> str:
    """Keep the answer's line breaks when it is read as Markdown (a line followed by another ends with two spaces)."""
    lines = text.split("\n")
    return "\n".join(f"{line}  " if line.strip() and i + 1 < len(lines) and lines[i + 1].strip() else line
                     for i, line in enumerate(lines))


def print_text(text: str, *, width: int | None = None, markdown: bool = True, keep_lines: bool = False) -> None:
    """Print an answer or report: Rich Markdown on a terminal (or at ``--width`` columns); piped without
    ``--width``, the plain text exactly as written (no wrapping, no colours) for files and other programs."""
    if not (sys.stdout.isatty() or width):
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    from rich.markdown import Markdown

    console = Console(width=width) if width else out_console
    body = hard_breaks(text) if keep_lines else text
    console.print(Markdown(body, hyperlinks=False) if markdown else body, highlight=False, markup=False, soft_wrap=False)


def print_json(data: Any) -> None:
    """Print JSON (UTF-8, not escaped) to stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def read_input(source: str, max_bytes: int) -> bytes:
    """Read a file path or ``-`` (stdin) with a size cap."""
    from retrieval.errors import Code

    if source == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        path = Path(source)
        if not path.is_file():
            raise DeskError(Code.NOT_FOUND, f"ファイル {source} が見つかりません。")
        if path.stat().st_size > max_bytes:
            raise DeskError(Code.TOO_LARGE, f"ファイルが大きすぎます（上限 {max_bytes // (1024 * 1024)}MB）。")
        data = path.read_bytes()
    if len(data) > max_bytes:
        raise DeskError(Code.TOO_LARGE, f"入力が大きすぎます（上限 {max_bytes // (1024 * 1024)}MB）。")
    return data
