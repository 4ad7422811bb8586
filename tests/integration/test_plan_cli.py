"""The match / precheck / degree commands end to end, and polite refusals of bad input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "plans"
PLAN_LINES = ["R町 地場産業成長プラン（和紙）", "核となる事業者：R和紙株式会社（従業員20名）。", "KPI：令和10年度に売上額を2億円とする。"]


def run(env: dict[str, str], *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, env=env, timeout=300, check=False
    )


def make_docx() -> bytes:
    from docx import Document

    document = Document()
    for line in PLAN_LINES:
        document.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def make_pdf(password: str | None = None) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager
    from pypdf import PdfReader, PdfWriter

    font = font_manager.FontProperties(fname="/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf")
    fig = plt.figure(figsize=(8.27, 11.69))
    for n, line in enumerate(PLAN_LINES):
        fig.text(0.05, 0.92 - n * 0.04, line, fontproperties=font)
    buf = io.BytesIO()
    fig.savefig(buf, format="pdf")
    plt.close(fig)
    if not password:
        return buf.getvalue()
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(buf.getvalue())).pages:
        writer.add_page(page)
    writer.encrypt(user_password=password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_match_json_from_a_file(cli_env: dict[str, str]) -> None:
    proc = run(cli_env, "match", str(FIXTURES / "local_export.json"), "--json", "-n", "3")
    assert proc.returncode == 0, proc.stderr.decode()
    data = json.loads(proc.stdout)
    assert len(data["results"]) == 3 and data["plan_type"] == "local_industry"


def test_match_markdown_from_stdin(cli_env: dict[str, str]) -> None:
    text = (FIXTURES / "regional_full.md").read_bytes()
    proc = run(cli_env, "match", "-", stdin=text)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode().startswith("# 計画に合う支援施策")


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_precheck_formats_to_a_file(cli_env: dict[str, str], tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"report.{fmt}"
    proc = run(cli_env, "precheck", str(FIXTURES / "regional_full.md"), "--format", fmt, "-o", str(out))
    assert proc.returncode == 0, proc.stderr.decode()
    body = out.read_text(encoding="utf-8")
    if fmt == "json":
        assert json.loads(body)["plan_type"] == "regional_cluster"
    elif fmt == "html":
        assert body.startswith("<!DOCTYPE html>") and "✅" in body
    else:
        assert "要件 8 件中" in body
    assert "要件 8 件中" in proc.stderr.decode()


@pytest.mark.parametrize(("name", "maker"), [("plan.docx", make_docx), ("plan.pdf", make_pdf)])
def test_precheck_reads_docx_and_pdf(cli_env: dict[str, str], tmp_path: Path, name: str, maker) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(maker())
    proc = run(cli_env, "precheck", str(path), "--format", "json")
    assert proc.returncode == 0, proc.stderr.decode()
    data = json.loads(proc.stdout)
    assert data["plan_type"] == "local_industry"
    feasibility = next(i for i in data["items"] if i["label"] == "実現可能性")
    assert feasibility["status"] == "met" and "R和紙株式会社" in feasibility["evidence"][0]


def test_plan_type_override_from_the_command_line(cli_env: dict[str, str]) -> None:
    proc = run(cli_env, "precheck", str(FIXTURES / "local_vague.txt"), "--plan-type", "regional_cluster", "--format", "json")
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["plan_type"] == "regional_cluster"


def test_degree_command(cli_env: dict[str, str]) -> None:
    proc = run(cli_env, "degree", "--firm-outside-sales", "120億円", "--pref-outside-sales", "1.2兆円", "--json")
    assert proc.returncode == 0, proc.stderr.decode()
    data = json.loads(proc.stdout)
    assert data["connector"] == pytest.approx(0.01) and data["section"] == "2. 地域産業クラスター"
    text = run(cli_env, "degree", "--firm-outside-sales", "120億円", "--pref-outside-sales", "1.2兆円").stdout.decode()
    assert "コネクター度 = 120億円 ÷ 1.2兆円" in text and "出典" in text


def _bad(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "args", "needle"),
    [
        ("empty.md", b"", (), "空"),
        ("secret.pdf", None, (), "パスワード"),
        ("broken.pdf", b"%PDF-1.4 broken", (), "PDF"),
        ("broken.docx", b"PK\x03\x04 broken", (), "Word"),
        ("big.txt", b"a" * (10 * 1024 * 1024 + 10), (), "大きすぎます"),
        ("ok.md", None, ("--plan-type", "kanko"), "計画類型"),
        ("ok.md", None, ("--format", "pdf"), "--format"),
    ],
)
def test_bad_input_exits_non_zero_with_a_japanese_line(
    cli_env: dict[str, str], tmp_path: Path, name: str, data: bytes | None, args: tuple[str, ...], needle: str
) -> None:
    if data is None:
        data = make_pdf("himitsu") if name.endswith(".pdf") else (FIXTURES / "regional_full.md").read_bytes()
    path = _bad(tmp_path, name, data)
    proc = run(cli_env, "precheck", str(path), *args)
    err = proc.stderr.decode()
    assert proc.returncode != 0
    assert needle in err and "Traceback" not in err


def test_missing_file_and_bad_degree_input(cli_env: dict[str, str]) -> None:
    proc = run(cli_env, "match", "/nonexistent/plan.md")
    assert proc.returncode != 0 and "見つかりません" in proc.stderr.decode()
    proc = run(cli_env, "degree", "--firm-outside-sales", "120億円")
    assert proc.returncode == 2 and "両方" in proc.stderr.decode() and "Traceback" not in proc.stderr.decode()
