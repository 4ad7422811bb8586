"""File readers for draft plans (.txt/.md bytes, .docx, .pdf), each bounded by ``PlanLimits`` while it reads."""

from __future__ import annotations

import io
import zipfile

from bot.plans.limits import MB, PlanLimits
from retrieval.errors import Code, DeskError

_CHUNK = 1024 * 1024
_MAX_ZIP_PARTS = 2000
_RATIO_FLOOR = 1 * MB  # small XML parts compress very well; the ratio cap applies to parts larger than this
SPLIT_HINT = "本文だけを抜き出すか、計画書を章ごとに分けて送ってください。"


def _fail(code: Code, message: str, hint: str = "") -> DeskError:
    return DeskError(code, message, hint)


def too_many_chars(limits: PlanLimits) -> DeskError:
    """The refusal for extracted text over the character cap."""
    return _fail(Code.TOO_LARGE, f"計画書の本文が長すぎます（上限 {limits.max_chars:,} 文字）。", SPLIT_HINT)


def check_chars(text: str, limits: PlanLimits) -> str:
    """The text itself, or ``DeskError`` (413) when it is over the character cap."""
    if len(text) > limits.max_chars:
        raise too_many_chars(limits)
    return text


def decode_text(data: bytes, limits: PlanLimits) -> str:
    """Bytes of a text plan as ``str`` (UTF-8, else cp932); binary data and over-long text are refused."""
    if b"\x00" in data[:4096]:
        raise _fail(Code.BINARY_INPUT, "テキストとして読めないファイルです。", ".md / .txt / .docx / .pdf / .yaml / .json を渡してください。")
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return check_chars(data.decode(encoding), limits)
        except UnicodeDecodeError:
            continue
    raise _fail(Code.UNREADABLE_FILE, "文字コードを判別できません。", "UTF-8 で保存し直してください。")


def _zip_bomb(limits: PlanLimits, what: str) -> DeskError:
    return _fail(
        Code.TOO_LARGE,
        f"Word ファイルの中身が大きすぎます（{what}）。",
        f"画像や埋め込みデータを減らすか、本文だけを .txt で送ってください（展開後 {limits.max_unzipped_bytes // MB}MB まで）。",
    )


def check_zip(data: bytes, limits: PlanLimits) -> None:
    """Refuse a zip container (.docx) whose parts unpack past the caps: declared sizes first, then while
    decompressing each part, stopping at the first part over a limit."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise _fail(Code.UNREADABLE_FILE, "Word ファイル（.docx）が壊れているか、読み取れない形式です。", "Word で保存し直してください（.doc は .docx に変換してください）。") from exc
    if len(infos) > _MAX_ZIP_PARTS:
        raise _zip_bomb(limits, f"部品が {len(infos):,} 個")
    declared = 0
    for info in infos:
        declared += info.file_size
        if declared > limits.max_unzipped_bytes:
            raise _zip_bomb(limits, f"展開後 {declared // MB}MB 以上")
        if info.file_size > _RATIO_FLOOR and info.file_size > limits.max_zip_ratio * max(info.compress_size, 1):
            raise _zip_bomb(limits, f"圧縮率 {info.file_size // max(info.compress_size, 1):,} 倍の部品")
    total = 0
    try:
        for info in infos:
            part = 0
            with archive.open(info) as handle:
                while chunk := handle.read(_CHUNK):
                    part += len(chunk)
                    total += len(chunk)
                    if total > limits.max_unzipped_bytes:
                        raise _zip_bomb(limits, f"展開後 {limits.max_unzipped_bytes // MB}MB 超")
                    if part > _RATIO_FLOOR and part > limits.max_zip_ratio * max(info.compress_size, 1):
                        raise _zip_bomb(limits, "圧縮率が極端に高い部品")
    except (DeskError, MemoryError):
        raise
    except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError, RuntimeError) as exc:
        raise _fail(Code.UNREADABLE_FILE, "Word ファイル（.docx）が壊れているか、読み取れない形式です。", "Word で保存し直してください。") from exc
    except Exception as exc:  # zlib.error and friends on corrupt streams
        raise _fail(Code.UNREADABLE_FILE, "Word ファイル（.docx）を読み取れませんでした。", "Word で保存し直してください。") from exc


def docx_text(data: bytes, limits: PlanLimits) -> tuple[str, str]:
    """Paragraphs and table rows of a .docx, and its title; the zip is checked against the caps first."""
    check_zip(data, limits)
    try:
        from docx import Document

        document = Document(io.BytesIO(data))
    except MemoryError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise _fail(Code.UNREADABLE_FILE, "Word ファイル（.docx）が壊れているか、読み取れない形式です。", "Word で保存し直してください（.doc は .docx に変換してください）。") from exc
    except Exception as exc:
        raise _fail(Code.UNREADABLE_FILE, "Word ファイル（.docx）を読み取れませんでした。", "Word で保存し直してください。") from exc
    lines: list[str] = []
    size = 0
    for paragraph in document.paragraphs:
        lines.append(paragraph.text)
        size += len(lines[-1]) + 1
        if size > limits.max_chars:
            raise too_many_chars(limits)
    for table in document.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells]
            lines.append("：".join(dict.fromkeys(c for c in cells if c)))
            size += len(lines[-1]) + 1
            if size > limits.max_chars:
                raise too_many_chars(limits)
    title = (document.core_properties.title or "").strip()
    return "\n".join(lines), title


def _too_many_pages(limits: PlanLimits, pages: int | str) -> DeskError:
    return _fail(
        Code.TOO_LARGE,
        f"PDF のページ数が多すぎます（{pages} ページ、上限 {limits.max_pdf_pages} ページ）。",
        "計画書の本文のページだけを PDF にするか、章ごとに分けて送ってください。",
    )


def _declared_pages(reader: object) -> int:
    try:
        count = reader.trailer["/Root"]["/Pages"]["/Count"]  # type: ignore[attr-defined]
        return int(count)
    except Exception:  # a damaged page tree: counted while reading instead
        return 0


def pdf_text(data: bytes, limits: PlanLimits) -> str:
    """The text of a PDF's pages, refusing encrypted files, too many pages and text over the cap."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = bool(reader.decrypt(""))
            except Exception:
                opened = False
            if not opened:
                raise _fail(Code.UNREADABLE_FILE, "パスワードで保護された PDF は読めません。", "保護を解除した PDF か、本文のテキストを渡してください。")
        declared = _declared_pages(reader)
        if declared > limits.max_pdf_pages:
            raise _too_many_pages(limits, f"{declared:,}")
        pages: list[str] = []
        size = 0
        for number, page in enumerate(reader.pages, start=1):
            if number > limits.max_pdf_pages:
                raise _too_many_pages(limits, f"{limits.max_pdf_pages} より多い")
            pages.append(page.extract_text() or "")
            size += len(pages[-1]) + 1
            if size > limits.max_chars:
                raise too_many_chars(limits)
    except (DeskError, MemoryError):
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError) as exc:
        raise _fail(Code.UNREADABLE_FILE, "PDF ファイルが壊れているか、読み取れない形式です。", "PDF を保存し直すか、本文のテキストを渡してください。") from exc
    except Exception as exc:  # pypdf raises assorted errors on malformed files
        raise _fail(Code.UNREADABLE_FILE, "PDF ファイルを読み取れませんでした。", "PDF を保存し直すか、本文のテキストを渡してください。") from exc
    text = "\n".join(pages)
    if not text.strip():
        raise _fail(
            Code.NO_TEXT,
            "この PDF には文字情報がありません（スキャン画像の PDF と思われます）。",
            "OCR で文字を埋め込んだ PDF か、Word・テキスト形式で渡してください。",
        )
    return text
