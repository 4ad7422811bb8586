"""Hostile plan files for the red-team suite and bench/abuse.py: zip bombs, huge PDFs, huge texts."""

from __future__ import annotations

import io
import zipfile

PLAN_LINES = [
    "K市 地場産業成長プラン（漆器）",
    "核となる事業者：K漆器（従業員45名）と漆器協同組合。",
    "KPI：令和10年度に売上額を9億円とする。",
]
_PARAGRAPH = "<w:p><w:r><w:t>地場産業の計画本文です。</w:t></w:r></w:p>"


def plain_docx(lines: list[str] | None = None) -> bytes:
    """A small, honest Word file."""
    from docx import Document

    document = Document()
    for line in lines or PLAN_LINES:
        document.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _rewrite(base: bytes, replace: dict[str, bytes], extra: dict[str, bytes]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, data in extra.items():
            dst.writestr(name, data)
    return out.getvalue()


def docx_xml_bomb(unpacked_mb: int) -> bytes:
    """A .docx whose document.xml unpacks to ``unpacked_mb`` MB of paragraphs (100 MB packs to ~350 KB)."""
    body = _PARAGRAPH.encode() * (unpacked_mb * 1024 * 1024 // len(_PARAGRAPH.encode()))
    xml = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        + body + b"</w:body></w:document>"
    )
    return _rewrite(plain_docx(), {"word/document.xml": xml}, {})


def docx_zero_part(unpacked_mb: int) -> bytes:
    """An honest .docx plus one zero-filled part of ``unpacked_mb`` MB (packs ~1000:1)."""
    return _rewrite(plain_docx(), {}, {"word/media/zero.bin": b"\0" * (unpacked_mb * 1024 * 1024)})


def many_pages_pdf(pages: int) -> bytes:
    """A PDF of ``pages`` blank pages (20,000 pages ≈ 1 MB)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def long_text(chars: int) -> bytes:
    """A UTF-8 text plan of about ``chars`` characters."""
    line = "核となる事業者と地域の計画について記載します。KPI は売上額です。\n"
    return (line * (chars // len(line) + 1)).encode()


def heavy_docx(paragraphs: int = 60_000, seed: int = 7) -> bytes:
    """An honest-looking .docx (varied text, ordinary packing ratio) that takes python-docx seconds to read."""
    import random

    rng = random.Random(seed)
    kanji = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    parts = [
        "<w:p><w:r><w:t>" + "".join(rng.choice(kanji) for _ in range(12)) + "</w:t></w:r></w:p>"
        for _ in range(paragraphs)
    ]
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        + "".join(parts) + "</w:body></w:document>"
    ).encode()
    return _rewrite(plain_docx(), {"word/document.xml": xml}, {})
