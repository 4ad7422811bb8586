"""What the desk tells its listeners (the audit log, metrics) after each answer, and the request id."""

from __future__ import annotations

import contextvars
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("madoguchi.events")
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("madoguchi_request_id", default="")


def new_request_id() -> str:
    """A fresh request id (doors set it; it follows the answer into logs)."""
    return uuid.uuid4().hex[:16]


@dataclass
class DeskEvent:
    """One answered request: ask, match or precheck."""

    kind: str  # "ask" | "match" | "precheck"
    channel: str  # "cli" | "api" | "widget" | "slack" | "eval" | ...
    audience: str
    question: str
    answer_id: str
    text: str
    refused: bool
    citations: list[dict[str, Any]] = field(default_factory=list)
    latency_ms: float = 0.0
    meta: dict[str, Any] = field(default_factory=dict)
    request_id: str = ""


Listener = Callable[[DeskEvent], None]


def emit(listeners: list[Listener], event: DeskEvent) -> None:
    """Call every listener; a failing listener is logged and never fails the answer."""
    event.request_id = event.request_id or request_id.get()
    for listener in listeners:
        try:
            listener(event)
        except Exception:  # a log or metrics failure must not cost the user the answer
            log.exception("desk listener failed", extra={"request_id": event.request_id})
