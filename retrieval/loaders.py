"""Loaders that turn .md, .txt, .html and text .pdf files into ``Document``s with Markdown headings."""

from __future__ import annotations

import re
from pathlib import Path

from retrieval import yamlio
from retrieval.errors import Code, DeskError
from retrieval.types import Document

DOCUMENT_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
# Heading shapes of Japanese administrative documents, for plain text without Markdown.
_TEXT_HEADINGS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"^(第[0-9０-９一二三四五六七八九十]+[章節]|[0-9０-９]+[.．]\s*)\S.{0,40}$"), 1),
    (re.compile(r"^[(（][0-9０-９]+[)）]\s*\S.{0,50}$"), 2),
    (re.compile(r"^[(（][^)）0-9０-９※]{1,14}[)）]$"), 3),
    (re.compile(r"^【[^】]{1,20}】$"), 4),
)


def read_text(path: Path) -> str:
    """Read a text file as UTF-8 (with BOM) or Shift_JIS, or say clearly that it cannot."""
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise DeskError(Code.UNREADABLE_FILE, f"{path.name} はテキストファイルではありません。")
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DeskError(Code.UNREADABLE_FILE, f"{path.name} の文字コードを判別できません。", "UTF-8 で保存してください。")


def split_front_matter(text: str) -> tuple[dict[str, object], str]:
    """Split YAML front matter from a Markdown body."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta = yamlio.safe_load(match.group(1)) or {}
    return (meta if isinstance(meta, dict) else {}), text[match.end() :]


def text_to_markdown(text: str) -> str:
    """Give plain text Markdown headings where its lines look like Japanese document headings."""
    out: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        level = next((lvl for pattern, lvl in _TEXT_HEADINGS if pattern.match(stripped)), 0)
        if level and not stripped.endswith(("。", "、")):
            out.append("#" * level + " " + stripped)
        elif re.match(r"^[・•●○◆■\-]\s*", stripped):
            out.append("- " + re.sub(r"^[・•●○◆■\-]\s*", "", stripped))
        else:
            out.append(stripped)
    return "\n".join(out)


def html_to_markdown(html: str) -> tuple[str, str]:
    """Convert HTML headings, list items and paragraphs to Markdown; returns (title, markdown)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "nav", "footer", "header", "noscript"]):
        tag.decompose()
    title = soup.title.get_text(strip=True) if soup.title else ""
    lines: list[str] = []
    for el in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "li", "p", "td", "pre"]):
        text = " ".join(el.get_text(" ", strip=True).split())
        if not text:
            continue
        if el.name and el.name[0] == "h" and el.name[1:].isdigit():
            lines.append("#" * int(el.name[1:]) + " " + text)
        elif el.name == "li":
            lines.append("- " + text)
        elif el.find_parent("li") is None:
            lines.append(text)
    return title, "\n\n".join(lines)


def pdf_text(path: Path) -> str:
    """Extract the text layer of a PDF; encrypted, corrupt or scanned files raise ``DeskError``."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise DeskError(
                Code.UNREADABLE_FILE, f"{path.name} は暗号化されているため読めません。", "暗号化を解除してください。"
            )
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except DeskError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DeskError(
            Code.UNREADABLE_FILE, f"{path.name} を PDF として読めません（破損している可能性があります）。"
        ) from exc
    if len(text.strip()) < 20:
        raise DeskError(
            Code.NO_TEXT,
            f"{path.name} から文字を取り出せません（画像だけの PDF の可能性があります）。",
            "テキストを含む PDF か、文字起こししたファイルを使ってください。",
        )
    return text


def load_document(path: Path) -> Document:
    """Load one document file into a ``Document`` (Markdown body, metadata from front matter)."""
    suffix = path.suffix.lower()
    title = path.stem
    meta: dict[str, object] = {}
    if suffix in (".md", ".markdown"):
        meta, body = split_front_matter(read_text(path))
    elif suffix == ".txt":
        body = text_to_markdown(read_text(path))
    elif suffix in (".html", ".htm"):
        html_title, body = html_to_markdown(read_text(path))
        title = html_title or title
    elif suffix == ".pdf":
        body = text_to_markdown(pdf_text(path))
    else:
        raise DeskError(Code.UNSUPPORTED_FILE, f"{path.name}: この形式には対応していません（.md .txt .html .pdf）。")
    kind = str(meta.get("kind", "document"))
    return Document(
        doc_id=str(meta.get("doc_id") or path.stem),
        title=str(meta.get("title") or title),
        text=body,
        kind=kind if kind in ("policy", "document") else "document",
        source_url=str(meta.get("source_url") or ""),
        as_of=str(meta.get("as_of") or meta.get("date") or ""),
        status=str(meta.get("status") or ""),
        path=str(path),
    )
