"""FastAPI dependencies as ``Annotated`` aliases; tests swap them with ``app.dependency_overrides``.

They are ``async def`` on purpose: FastAPI runs a plain ``def`` dependency in the thread pool, and these only read
``app.state`` — two needless thread hops per answer (docs/performance.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from bot.audit.protocol import Audit
from bot.config import Settings
from bot.desk import Desk
from bot.web.context import WIDGET_HEADER


async def get_app_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


async def get_desk(request: Request) -> Desk:
    """The app's desk."""
    desk: Desk = request.app.state.desk
    return desk


async def get_audit(request: Request) -> Audit:
    """The app's audit log."""
    audit: Audit = request.app.state.audit
    return audit


async def get_channel(request: Request) -> str:
    """``widget`` for the embedded widget (X-Madoguchi-Client: widget), else ``api``."""
    return "widget" if request.headers.get(WIDGET_HEADER, "") == "widget" else "api"


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
DeskDep = Annotated[Desk, Depends(get_desk)]
AuditDep = Annotated[Audit, Depends(get_audit)]
ChannelDep = Annotated[str, Depends(get_channel)]
