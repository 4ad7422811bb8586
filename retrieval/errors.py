"""One domain error type with codes; every door maps it to its own way of saying no."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """Error codes; each door maps them to its own way of saying no (HTTP status, exit code, Slack text)."""

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
    def caller_can_fix(self) -> bool:
        """True when the request itself is at fault (bad input, unknown id, rate limit); False for a service fault."""
        return self in _CALLER


_CALLER: frozenset[Code] = frozenset({
    Code.EMPTY_INPUT, Code.TOO_LONG, Code.BINARY_INPUT, Code.INVALID_INPUT, Code.TOO_LARGE, Code.UNSUPPORTED_FILE,
    Code.UNREADABLE_FILE, Code.NO_TEXT, Code.UNKNOWN_PLAN_TYPE, Code.NOT_FOUND, Code.RATE_LIMITED,
})


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
