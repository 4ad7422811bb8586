"""One domain error type with codes; every door maps it to its own way of saying no."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """Error codes with the HTTP status each maps to."""

    EMPTY_INPUT = "empty_input"
    TOO_LONG = "too_long"
    BINARY_INPUT = "binary_input"
    INVALID_INPUT = "invalid_input"
    TOO_LARGE = "too_large"
    UNSUPPORTED_FILE = "unsupported_file"
    UNREADABLE_FILE = "unreadable_file"
    NO_TEXT = "no_text"
    UNKNOWN_PLAN_TYPE = "unknown_plan_type"
    NOT_FOUND = "not_found"
    RATE_LIMITED = "rate_limited"
    CORPUS_INVALID = "corpus_invalid"
    INDEX_MISSING = "index_missing"
    INDEX_CORRUPT = "index_corrupt"
    STORE_UNAVAILABLE = "store_unavailable"
    CONFIG = "config"
    INTERNAL = "internal"

    @property
    def http_status(self) -> int:
        """The HTTP status for this code."""
        return _HTTP.get(self, 500)


_HTTP: dict[Code, int] = {
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


class DeskError(Exception):
    """An error a user may see: a code, a Japanese message and what to do about it."""

    def __init__(self, code: Code, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint

    def user_text(self) -> str:
        """Message and hint as one line for a person."""
        return f"{self.message} {self.hint}".strip()

    def to_dict(self) -> dict[str, dict[str, str]]:
        """The one JSON error shape: ``{"error": {"code", "message"}}``."""
        return {"error": {"code": self.code.value, "message": self.user_text()}}
