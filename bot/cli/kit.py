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
