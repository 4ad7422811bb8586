"""The source viewer: every indexed document as a readable page with an anchor per chunk; a citation's link
(``/passages/{chunk_id}``) opens its document at that passage, highlighted."""

from __future__ import annotations

import hashlib
from html import escape
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.web.deps import DeskDep
from bot.web.errors import ApiError
from bot.web.schemas import ErrorResponse

router = APIRouter(tags=["sources"])
CACHE = "public, max-age=300"
STYLE = """
body{font-family:"IPAGothic","Noto Sans CJK JP",sans-serif;line-height:1.8;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
header{border-bottom:2px solid #1d4e89;margin-bottom:1.5rem}h1{font-size:1.4rem;margin:.2rem 0}
.meta{color:#444;font-size:.9rem}.meta a{color:#1d4e89}
section{padding:.4rem .8rem;margin:.6rem 0;border-left:4px solid transparent;scroll-margin-top:1rem}
section h2{font-size:.95rem;color:#1d4e89;margin:.2rem 0}section p{margin:.2rem 0;white-space:pre-wrap}
section.hl,section:target{background:#fff4c2;border-left-color:#e0a800}
.hl-note{font-size:.85rem;color:#7a5b00;margin:0 0 .2rem}
"""


def anchor(chunk_id: str) -> str:
    """The HTML id of a chunk on its document page (stable, URL-safe)."""
    return "p-" + hashlib.sha1(chunk_id.encode("utf-8")).hexdigest()[:12]


def passage_path(chunk_id: str) -> str:
    """The desk-relative link a citation opens: its passage, highlighted."""
    return "/passages/" + quote(chunk_id, safe="")


def _chunks(desk: Any) -> list[Any]:
    return list(desk.corpus.chunks())


def _official(url: str) -> str:
    return url if url.startswith(("https://", "http://")) else ""


def render_document(doc_id: str, chunks: list[Any], highlight: str = "") -> str:
    """The HTML page of one document: title, date, publisher's link (when known), then each chunk by section."""
    first = chunks[0]
    title = "支援施策カタログ" if doc_id == "support_measures" else first.title
    url = _official(first.url) if doc_id != "support_measures" else ""
    meta = []
    if first.as_of and doc_id != "support_measures":
        meta.append(f"時点: {escape(first.as_of)}")
    if url:
        meta.append(f'発行元のページ: <a href="{escape(url)}" rel="noopener noreferrer">{escape(url)}</a>')
    parts = [f"<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>{escape(title)} — madoguchi</title>",
             f"<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><style>{STYLE}</style></head><body>",
             f"<header><h1>{escape(title)}</h1><p class=\"meta\">{' ／ '.join(meta)}</p></header><main>"]
    for chunk in chunks:
        lit = chunk.id == highlight
        heading = chunk.section or title
        if doc_id == "support_measures":
            heading = f"{chunk.title} — {chunk.section}" if chunk.section and chunk.section != chunk.title else chunk.title
        extra = ""
        if doc_id == "support_measures" and _official(chunk.url):
            extra = (f'<p class="meta">出典: <a href="{escape(chunk.url)}" rel="noopener noreferrer">{escape(chunk.url)}</a>'
                     + (f"（{escape(chunk.as_of)} 時点）" if chunk.as_of else "") + "</p>")
        note = '<p class="hl-note">▼ 回答で引用した箇所</p>' if lit else ""
        parts.append(f'<section id="{anchor(chunk.id)}" class="{"hl" if lit else ""}" data-chunk-id="{escape(chunk.id)}">'
                     f"{note}<h2>{escape(heading or title)}</h2><p>{escape(chunk.body)}</p>{extra}</section>")
    parts.append("</main></body></html>")
    return "".join(parts)


@router.get("/sources/{doc_id}", summary="A source document as a readable page", response_model=None,
            responses={200: {"description": "The document as HTML", "content": {"text/html": {}}},
                       404: {"model": ErrorResponse, "description": "No such document in the index"}})
async def source_page(doc_id: str, desk: DeskDep, hl: str = "") -> Response:
    """Every chunk of the document under its section heading, each with an anchor; ``hl`` highlights one chunk."""
    chunks = [c for c in await run_in_threadpool(_chunks, desk) if c.doc_id == doc_id]
    if not chunks:
        raise ApiError(404, "not_found", "この資料は索引にありません。")
    return HTMLResponse(render_document(doc_id, chunks, hl), headers={"Cache-Control": CACHE})


@router.get("/passages/{chunk_id}", summary="Open a cited passage in its document, highlighted",
            responses={307: {"description": "To /sources/{doc_id}?hl={chunk_id}#anchor"},
                       404: {"model": ErrorResponse, "description": "No such passage in the index"}})
async def passage(chunk_id: str, desk: DeskDep) -> Response:
    """Redirect to the passage's document page, scrolled to the passage and highlighted."""
    for chunk in await run_in_threadpool(_chunks, desk):
        if chunk.id == chunk_id:
            target = f"/sources/{quote(chunk.doc_id, safe='')}?hl={quote(chunk_id, safe='')}#{anchor(chunk_id)}"
            return RedirectResponse(target, status_code=307)
    raise ApiError(404, "not_found", "引用された箇所が見つかりません。索引が更新された可能性があります。")
