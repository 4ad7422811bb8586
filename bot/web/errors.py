"""Exception handlers: every error leaves as ``{"error": {"code", "message"}}`` in Japanese, never a traceback."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.events import request_id
from retrieval.errors import Code, DeskError

log = logging.getLogger("madoguchi.web")

INTERNAL_MESSAGE = "内部エラーが発生しました。時間をおいてもう一度お試しください。解決しない場合は窓口の管理者にお問い合わせください。"

# HTTP statuses raised by the framework itself (routing, body limits) and what we tell the user.
_HTTP_ERRORS: dict[int, tuple[str, str]] = {
    400: ("invalid_input", "リクエストを読み取れませんでした。形式を確認してください。"),
    404: ("not_found", "指定された URL は見つかりません。"),
    405: ("method_not_allowed", "この URL ではそのメソッドは使えません。"),
    413: (Code.TOO_LARGE.value, "送信されたデータが大きすぎます。"),
    415: (Code.UNSUPPORTED_FILE.value, "この形式のデータは受け付けていません。"),
    422: (Code.INVALID_INPUT.value, "入力が正しくありません。"),
    429: (Code.RATE_LIMITED.value, "短時間に多くのリクエストがありました。しばらく待ってからお試しください。"),
}

HTTP_STATUS: dict[Code, int] = {
    Code.EMPTY_INPUT: 422,
    Code.TOO_LONG: 422,
    Code.BINARY_INPUT: 422,
    Code.INVALID_INPUT: 422,
    Code.TOO_LARGE: 413,
    Code.UNSUPPORTED_FILE: 415,
    Code.UNREADABLE_FILE: 422,
    Code.NO_TEXT: 422,
    Code.UNKNOWN_PLAN_TYPE: 422,
    Code.NOT_FOUND: 404,
    Code.RATE_LIMITED: 429,
    Code.CORPUS_INVALID: 500,
    Code.INDEX_MISSING: 503,
    Code.INDEX_CORRUPT: 503,
    Code.STORE_UNAVAILABLE: 503,
    Code.CONFIG: 500,
    Code.INTERNAL: 500,
}


def http_status(code: Code) -> int:
    """The HTTP status a domain error code maps to (500 for anything unmapped)."""
    return HTTP_STATUS.get(code, 500)



class ApiError(Exception):
    """An HTTP-level refusal that has no ``DeskError`` code (403 origin, 501 not yet available)."""

    def __init__(self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


class HTTPRefusal(StarletteHTTPException):
    """An HTTP exception that carries its own code and Japanese message (raised where only these pass)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(status_code=status, detail=message)
        self.code = code
        self.message = message


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    """The one JSON error shape."""
    return {"error": {"code": code, "message": message}}


def error_response(status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    """A JSON error response in the one shape."""
    return JSONResponse(error_body(code, message), status_code=status, headers=dict(headers or {}))


def desk_error_response(exc: DeskError, headers: Mapping[str, str] | None = None) -> JSONResponse:
    """The response for a ``DeskError`` (its code decides the status)."""
    return JSONResponse(exc.to_dict(), status_code=http_status(exc.code), headers=dict(headers or {}))


def _field(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "header", "path", "form")]
    out = ""
    for part in parts:
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out or "リクエスト本文"


def _choices(ctx: Mapping[str, Any]) -> str:
    return str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ").replace(", ", "、")


def describe_validation_error(err: Mapping[str, Any]) -> str:
    """One Japanese sentence for one pydantic / FastAPI validation error."""
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    name = f"「{_field(err.get('loc', ()))}」"
    if kind == "missing":
        return f"{name}は必須です。"
    if kind == "json_invalid":
        return "JSON の形式が正しくありません。"
    if kind in ("string_type", "string_unicode"):
        return f"{name}は文字列で指定してください。"
    if kind == "literal_error":
        return f"{name}は {_choices(ctx)} のいずれかで指定してください。"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{name}は整数で指定してください。"
    if kind in ("bool_parsing", "bool_type"):
        return f"{name}は true または false で指定してください。"
    if kind in ("greater_than_equal", "greater_than"):
        return f"{name}は {ctx.get('ge', ctx.get('gt', ''))} 以上にしてください。"
    if kind in ("less_than_equal", "less_than"):
        return f"{name}は {ctx.get('le', ctx.get('lt', ''))} 以下にしてください。"
    if kind == "list_type":
        return f"{name}はリスト（配列）で指定してください。"
    if kind in ("model_attributes_type", "dict_type", "model_type"):
        return f"{name}はオブジェクトで指定してください。"
    if kind == "too_long":
        return f"{name}の件数が多すぎます（{ctx.get('max_length', '')}件以内）。"
    if kind == "string_too_long":
        return f"{name}が長すぎます（{ctx.get('max_length', '')}文字以内）。"
    if kind in ("string_too_short", "too_short"):
        return f"{name}が空です。"
    if kind == "enum":
        return f"{name}は {_choices(ctx)} のいずれかで指定してください。"
    return f"{name}の値が正しくありません。"


def validation_message(errors: Sequence[Mapping[str, Any]]) -> str:
    """The Japanese message for a failed request validation (first three problems)."""
    sentences = list(dict.fromkeys(describe_validation_error(e) for e in errors))
    more = f"（ほか {len(sentences) - 3} 件）" if len(sentences) > 3 else ""
    return "入力が正しくありません: " + " ".join(sentences[:3]) + more


async def _desk_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DeskError)
    if http_status(exc.code) >= 500:
        log.warning("desk unavailable: %s %s", exc.code.value, exc.message, extra={"request_id": request_id.get()})
    return desk_error_response(exc)


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, exc.headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = list(exc.errors())
    empty = bool(problems) and all(p.get("type") in ("string_too_short", "too_short") for p in problems)
    code = Code.EMPTY_INPUT if empty else Code.INVALID_INPUT
    return error_response(422, code.value, validation_message(problems))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, message = _HTTP_ERRORS.get(exc.status_code, ("http_error", "リクエストを処理できませんでした。"))
    if isinstance(exc, HTTPRefusal):
        code, message = exc.code, exc.message
    headers = dict(exc.headers or {})
    return error_response(exc.status_code, code, message, headers)


SURROGATE_MESSAGE = "入力に文字として扱えないデータ（対になっていないサロゲート \\ud800 など）が含まれています。文字を確認してください。"


async def _unicode_error(request: Request, exc: Exception) -> JSONResponse:
    """A lone surrogate (``"\\ud800"`` in JSON) reaching text processing is the caller's input: 422, not 500."""
    if isinstance(exc, UnicodeEncodeError) and "surrogate" in str(exc.reason):
        return error_response(422, Code.INVALID_INPUT.value, SURROGATE_MESSAGE)
    return await _unhandled(request, exc)


async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc,
              extra={"request_id": request_id.get()})
    return error_response(500, Code.INTERNAL.value, INTERNAL_MESSAGE)


def install(app: FastAPI) -> None:
    """Register the handlers that turn every failure into the one JSON error shape."""
    app.add_exception_handler(DeskError, _desk_error)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(UnicodeEncodeError, _unicode_error)
    app.add_exception_handler(Exception, _unhandled)
