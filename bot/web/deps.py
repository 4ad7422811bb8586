"""FastAPI dependencies as ``Annotated`` aliases; tests swap them with ``app.dependency_overrides``."""

from __future__ import annotations

from typing import Annotated, Any, Protocol

from fastapi import Depends, Request

from bot.config import Settings
from bot.desk import Desk
from bot.web.context import WIDGET_HEADER


class Audit(Protocol):
    """What the web door needs from the audit log (``bot.log.AuditLog``)."""

    def record_feedback(self, answer_id: str, rating: str, comment: str | None = None, channel: str = "api") -> Any:
        """Store a 👍/👎 for an answer (raises DeskError NOT_FOUND for an unknown id)."""

    def feedback(self, answer_id: str) -> Any:
        """The feedback stored for an answer."""

    def flush(self) -> Any:
        """Write what is queued."""


def get_app_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


def get_desk(request: Request) -> Desk:
    """The app's desk."""
    desk: Desk = request.app.state.desk
    return desk


def get_audit(request: Request) -> Audit | None:
    """The audit log, or None while ``bot.log`` is not installed."""
    audit: Audit | None = request.app.state.audit
    return audit


def get_channel(request: Request) -> str:
    """``widget`` for the embedded widget (X-Madoguchi-Client: widget), else ``api``."""
    return "widget" if request.headers.get(WIDGET_HEADER, "") == "widget" else "api"


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
DeskDep = Annotated[Desk, Depends(get_desk)]
AuditDep = Annotated[Audit | None, Depends(get_audit)]
ChannelDep = Annotated[str, Depends(get_channel)]
