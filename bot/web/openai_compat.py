"""What the OpenAI-compatible endpoint promises: the parameters it refuses (400), its model, token counts, annotations."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from bot.web.errors import ApiError

MODEL_ID = "madoguchi"
# One token per CJK / kana / full-width character, one per run of up to four other non-space characters: close to
# what OpenAI's tokenizers count for Japanese text (documented as an approximation in docs/web.md).
TOKEN = re.compile(r"[\u3000-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u3000-\u9fff\uf900-\ufaff\uff00-\uffef]{1,4}")
HEADER_BUDGET = 6000  # bytes of the X-Madoguchi-Citations header (HTTP clients cap the header block)


def approx_tokens(text: str) -> int:
    """The approximate token count of a text (see ``TOKEN``)."""
    return sum(1 for _ in TOKEN.finditer(text or ""))


def truncate_tokens(text: str, budget: int) -> tuple[str, bool]:
    """The text cut after ``budget`` approximate tokens, and whether it was cut."""
    for i, match in enumerate(TOKEN.finditer(text)):
        if i == budget:
            return text[: match.start()].rstrip(), True
    return text, False


def _unsupported(value: Any, *, allowed: Sequence[Any] = (None,)) -> bool:
    return value not in allowed


def _text_only_format(value: Any) -> bool:
    return value is None or (isinstance(value, Mapping) and value.get("type") == "text")


def refused_parameters(body: Mapping[str, Any]) -> list[str]:
    """The request's parameters the desk cannot honour (an empty list when it can answer as asked)."""
    names: list[str] = []
    if _unsupported(body.get("n"), allowed=(None, 1)):
        names.append("n")
    for name in ("tools", "functions"):
        if body.get(name):
            names.append(name)
    if _unsupported(body.get("tool_choice"), allowed=(None, "none")):
        names.append("tool_choice")
    if _unsupported(body.get("function_call"), allowed=(None, "none")):
        names.append("function_call")
    if not _text_only_format(body.get("response_format")):
        names.append("response_format")
    if _unsupported(body.get("logprobs"), allowed=(None, False)):
        names.append("logprobs")
    if _unsupported(body.get("top_logprobs"), allowed=(None, 0)):
        names.append("top_logprobs")
    if _unsupported(body.get("modalities"), allowed=(None, ["text"])):
        names.append("modalities")
    for name in ("audio", "prediction", "web_search_options"):
        if body.get(name) is not None:
            names.append(name)
    return names


def check_request(body: Mapping[str, Any]) -> None:
    """Refuse an unknown model (404, as OpenAI does) and parameters the desk cannot honour (400, naming them)."""
    model = body.get("model") or MODEL_ID
    if model != MODEL_ID:
        raise ApiError(404, "model_not_found", f"モデル「{str(model)[:100]}」はありません。この窓口のモデルは「{MODEL_ID}」だけです。")
    names = refused_parameters(body)
    if names:
        raise ApiError(
            400, "unsupported_parameter",
            f"この窓口では次のパラメータに対応していません: {', '.join(names)}。"
            "回答は資料の引用による 1 件のテキストです（n=1、tools・response_format なし）。",
        )


def token_budget(body: Mapping[str, Any]) -> int | None:
    """``max_completion_tokens`` or ``max_tokens`` when given."""
    value = body.get("max_completion_tokens") or body.get("max_tokens")
    return int(value) if value else None


def usage(prompt: Sequence[str], completion: str) -> dict[str, int]:
    """The ``usage`` object: approximate tokens read (the messages) and written (the answer)."""
    read = sum(approx_tokens(t) for t in prompt)
    wrote = approx_tokens(completion)
    return {"prompt_tokens": read, "completion_tokens": wrote, "total_tokens": read + wrote}


def url_annotations(text: str, citations: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """OpenAI ``url_citation`` annotations: each ``[n]`` marker in the text with its source's title and link."""
    out: list[dict[str, Any]] = []
    for c in citations:
        marker = f"[{c.get('n')}]"
        start = text.find(marker)
        if start < 0:
            continue
        title = " — ".join(p for p in (str(c.get("title") or ""), str(c.get("section") or "")) if p)
        out.append({"type": "url_citation", "url_citation": {
            "start_index": start, "end_index": start + len(marker), "url": str(c.get("link") or c.get("url") or ""),
            "title": title}})
    return out


def citations_header(citations: Sequence[Mapping[str, Any]]) -> str:
    """The citations as base64url JSON for the ``X-Madoguchi-Citations`` header (quotes shortened to fit)."""
    compact_keys = ("n", "chunk_id", "title", "section", "link", "quote")
    for limit, compact in ((None, False), (200, False), (80, False), (80, True), (40, True), (20, True)):
        shown = [
            {k: c[k] for k in compact_keys if k in c} if compact else dict(c) for c in citations
        ]
        if limit is not None:
            shown = [dict(c, quote=str(c.get("quote", ""))[:limit]) for c in shown]
        encoded = base64.urlsafe_b64encode(json.dumps(shown, ensure_ascii=False).encode()).decode()
        if len(encoded) <= HEADER_BUDGET:
            return encoded
    # still too large (very many citations): the first of each numbered source, so every [n] stays resolvable
    firsts = list({c.get("n"): {k: c[k] for k in ("n", "chunk_id", "title", "link") if k in c} | {"quote": str(c.get("quote", ""))[:20]}
                   for c in reversed(list(citations))}.values())[::-1]
    return base64.urlsafe_b64encode(json.dumps(firsts, ensure_ascii=False).encode()).decode()


def decode_citations_header(value: str) -> list[dict[str, Any]]:
    """Read ``X-Madoguchi-Citations`` back (what a client does with it)."""
    data = json.loads(base64.urlsafe_b64decode(value.encode()).decode())
    return list(data) if isinstance(data, list) else []
