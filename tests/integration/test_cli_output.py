"""What a person sees in a terminal: plain unwrapped text when piped, Rich Markdown at --width or on a TTY,
and help texts in Japanese that are not cut short."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from rich.cells import cell_len

QUESTION = "地域産業クラスター計画の要件は何ですか？"
PLANS = Path(__file__).resolve().parents[1] / "fixtures" / "plans"


def madoguchi(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "madoguchi"
    return subprocess.run([str(script), *args], env=env, capture_output=True, text=True, timeout=300)


def plan_file() -> Path:
    return sorted(p for p in PLANS.iterdir() if p.suffix == ".md")[0]


def test_piped_answer_is_the_plain_text_unwrapped(cli_env: dict[str, str]) -> None:
    piped = madoguchi(["ask", QUESTION], {**cli_env, "COLUMNS": "40"})
    data = json.loads(madoguchi(["ask", QUESTION, "--json"], cli_env).stdout)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == data["answer"] + "\n"  # exactly the text: no hard wraps, no colour codes
    assert max(cell_len(line) for line in piped.stdout.splitlines()) > 40


def test_width_is_respected(cli_env: dict[str, str]) -> None:
    out = madoguchi(["ask", QUESTION, "--width", "50"], cli_env)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines and max(cell_len(line.rstrip()) for line in lines) <= 50
    assert "\x1b[" not in out.stdout  # piped: no colour codes even when rendered
    assert "出典" in out.stdout


def test_precheck_renders_markdown_at_width_and_stays_raw_when_piped(cli_env: dict[str, str]) -> None:
    raw = madoguchi(["precheck", str(plan_file())], cli_env)
    assert raw.returncode == 0, raw.stderr
    assert any(line.startswith("#") for line in raw.stdout.splitlines())  # Markdown for files and tools
    shown = madoguchi(["precheck", str(plan_file()), "--width", "70"], cli_env)
    lines = shown.stdout.splitlines()
    assert max(cell_len(line.rstrip()) for line in lines) <= 70
    assert not any(line.startswith("#") for line in lines)  # headings rendered, not printed as "## …"


def test_on_a_terminal_the_answer_is_rendered_to_its_width(cli_env: dict[str, str]) -> None:
    leader, follower = pty.openpty()
    script = Path(sys.executable).parent / "madoguchi"
    process = subprocess.Popen([str(script), "ask", QUESTION], stdout=follower, stderr=subprocess.DEVNULL,
                               env={**cli_env, "COLUMNS": "60", "TERM": "xterm"})
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=300)
    os.close(leader)
    text = b"".join(chunks).decode("utf-8", "replace")
    assert process.returncode == 0
    plain = __import__("re").sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)
    lines = [line.rstrip() for line in plain.replace("\r", "").splitlines() if line.strip()]
    assert lines and max(cell_len(line) for line in lines) <= 60
    assert "出典" in plain


def test_help_is_in_japanese_and_not_cut(cli_env: dict[str, str]) -> None:
    env = {**cli_env, "COLUMNS": "80"}
    top = madoguchi(["--help"], env)
    assert "…" not in top.stdout
    for command in ("ask", "match", "precheck", "eval", "serve", "ingest"):
        out = madoguchi([command, "--help"], env)
        assert out.returncode == 0 and "…" not in out.stdout, command
        usage_line = out.stdout.split("Usage:", 1)[1]
        assert any("\u3040" <= ch <= "\u30ff" for ch in usage_line.split("╭", 1)[0]), command  # kana in the description
