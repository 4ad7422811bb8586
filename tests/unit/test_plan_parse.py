"""Reading draft plans from every accepted format, and refusing bad input with a Japanese message."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.plans.plan import Plan, as_plan, parse_plan
from retrieval.errors import Code, DeskError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "plans"
IPA_FONT = Path("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf")
PLAN_LINES = [
    "K市 地場産業成長プラン（漆器）",
    "核となる事業者：K漆器（従業員45名）と漆器協同組合。",
    "KPI：令和10年度に売上額を9億円とする。",
]


def make_docx(lines: list[str]) -> bytes:
    """A Word file with one paragraph per line and a small table."""
    from docx import Document

    document = Document()
    for line in lines:
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "投資額"
    table.rows[0].cells[1].text = "3千万円"
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def make_pdf(lines: list[str]) -> bytes:
    """A text PDF written by matplotlib's PDF backend with the IPA Gothic font."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    font = font_manager.FontProperties(fname=str(IPA_FONT))
    fig = plt.figure(figsize=(8.27, 11.69))
    for n, line in enumerate(lines):
        fig.text(0.05, 0.92 - n * 0.04, line, fontproperties=font)
    buf = io.BytesIO()
    fig.savefig(buf, format="pdf")
    plt.close(fig)
    return buf.getvalue()


def blank_pdf(password: str | None = None) -> bytes:
    """A PDF page with no text at all (what a scan looks like), optionally encrypted."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(user_password=password, algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def encrypted_text_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(make_pdf(PLAN_LINES))).pages:
        writer.add_page(page)
    writer.encrypt(user_password="himitsu", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def test_markdown_plan_keeps_text_and_title() -> None:
    plan = parse_plan((FIXTURES / "regional_full.md").read_bytes(), "regional_full.md")
    assert plan.title == "S県 地域産業クラスター計画（精密減速機）"
    assert "T精機" in plan.text and plan.source_name == "regional_full.md"


def test_plain_text_in_shift_jis_is_read() -> None:
    plan = parse_plan("\n".join(PLAN_LINES).encode("cp932"), "plan.txt")
    assert "漆器協同組合" in plan.text


def test_docx_paragraphs_and_tables_are_read() -> None:
    plan = parse_plan(make_docx(PLAN_LINES), "plan.docx")
    assert plan.title == PLAN_LINES[0]
    assert "K漆器（従業員45名）" in plan.text and "投資額：3千万円" in plan.text


@pytest.mark.skipif(not IPA_FONT.exists(), reason="IPA font not installed")
def test_text_pdf_is_read() -> None:
    plan = parse_plan(make_pdf(PLAN_LINES), "plan.pdf")
    assert "核となる事業者" in plan.text and "9億円" in plan.text


def test_pdf_and_docx_are_recognised_without_a_file_name() -> None:
    assert "漆器" in parse_plan(make_docx(PLAN_LINES)).text


def test_yaml_plan_keeps_fields_and_renders_japanese_text() -> None:
    plan = parse_plan((FIXTURES / "strategic.yaml").read_text(encoding="utf-8"), "strategic.yaml")
    assert plan.fields["plan_type"] == "strategic_cluster" and plan.declared_plan_type == "strategic_cluster"
    assert plan.title.startswith("東北ブロック")
    assert "核となる企業：" in plan.text and "名称：電池メーカーA社" in plan.text


def test_json_plan() -> None:
    plan = parse_plan((FIXTURES / "local_export.json").read_bytes(), "local_export.json")
    assert plan.declared_plan_type == "地場産業成長プラン"
    assert "Y農産株式会社" in plan.text


def test_plain_string_becomes_a_plan() -> None:
    plan = as_plan("\n".join(PLAN_LINES))
    assert isinstance(plan, Plan) and plan.title == PLAN_LINES[0]


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"", "plan.md", Code.EMPTY_INPUT),
        ("   \n  ", "plan.txt", Code.EMPTY_INPUT),
        (b"1234567890 !!!! ????", "plan.txt", Code.NO_TEXT),
        ("ああああああああああああ", None, Code.NO_TEXT),
        (b"\x00\x01\x02binary", "plan.txt", Code.BINARY_INPUT),
        (b"%PDF-1.7\n garbage that is not a pdf", "plan.pdf", Code.UNREADABLE_FILE),
        (b"PK\x03\x04 not really a zip", "plan.docx", Code.UNREADABLE_FILE),
        (b"title: [unclosed", "plan.yaml", Code.INVALID_INPUT),
        (b"[1, 2, 3]", "plan.json", Code.INVALID_INPUT),
        (b"\x89PNG....", "plan.png", Code.UNSUPPORTED_FILE),
    ],
)
def test_bad_input_is_refused_in_japanese(data: bytes | str, name: str | None, code: Code) -> None:
    with pytest.raises(DeskError) as caught:
        parse_plan(data, name)
    assert caught.value.code == code
    assert any("\u3040" <= ch <= "\u9fff" for ch in caught.value.message)


def test_scanned_pdf_without_text_is_explained() -> None:
    with pytest.raises(DeskError) as caught:
        parse_plan(blank_pdf(), "scan.pdf")
    assert caught.value.code == Code.NO_TEXT and "スキャン" in caught.value.message


def test_encrypted_pdf_is_refused() -> None:
    with pytest.raises(DeskError) as caught:
        parse_plan(encrypted_text_pdf(), "secret.pdf")
    assert caught.value.code == Code.UNREADABLE_FILE and "パスワード" in caught.value.message


def test_file_over_the_limit_is_refused() -> None:
    data = ("計画" * 10).encode() + b" " * (10 * 1024 * 1024)
    with pytest.raises(DeskError) as caught:
        parse_plan(data, "big.txt")
    assert caught.value.code == Code.TOO_LARGE and "10MB" in caught.value.message


def test_json_fixture_is_valid_json() -> None:
    assert json.loads((FIXTURES / "local_export.json").read_text(encoding="utf-8"))["core_companies"]
