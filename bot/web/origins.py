"""Which web origins may call the API from a browser: the CORS allowlist and the 403 guard for the rest."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.config import Settings
from bot.web.errors import error_response

log = logging.getLogger("madoguchi.web")

SAFE_METHODS = {"GET", "HEAD"}
ALLOW_HEADERS = ["Content-Type", "Accept", "Authorization", "X-Request-ID", "X-Madoguchi-Client"]
EXPOSE_HEADERS = ["X-Request-ID", "Retry-After"]
FORBIDDEN_MESSAGE = (
    "このサイトからは相談窓口を利用できません（許可されていない Origin です）。"
    "窓口の管理者に MADOGUCHI_ALLOWED_ORIGINS への追加を依頼してください。"
)


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL, lower-cased ('' when it has none)."""
    parts = urlsplit(url.strip())
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


class OriginPolicy:
    """The allowlist from settings; the server's own origin (and ``public_url``) is always allowed."""

    def __init__(self, settings: Settings) -> None:
        entries = [e.strip() for e in settings.allowed_origins.split(",") if e.strip()]
        self.allow_all = "*" in entries
        self.origins = {origin_of(e) or e.lower().rstrip("/") for e in entries if e != "*"}
        self.public = origin_of(settings.public_url or "")
        if self.allow_all:
            log.warning(
                "!!! MADOGUCHI_ALLOWED_ORIGINS='*': ANY web site can call this desk from its visitors' browsers. "
                "List the municipality's origins instead (e.g. https://www.city.example.lg.jp). !!!"
            )

    def cors_origins(self) -> list[str]:
        """Origins for the CORS middleware."""
        return ["*"] if self.allow_all else sorted(self.origins | ({self.public} if self.public else set()))

    def allows(self, origin: str, scope: Scope) -> bool:
        """True for listed origins, ``*``, and requests from the server's own page."""
        origin = origin.strip().lower().rstrip("/")
        if self.allow_all or origin in self.origins or (self.public and origin == self.public):
            return True
        host = Headers(scope=scope).get("host", "")
        return bool(host) and origin == f"{scope.get('scheme', 'http')}://{host}".lower()


class OriginGuardMiddleware:
    """Refuse non-GET requests (and CORS preflights) whose Origin header is present and not allowed: 403 JSON."""

    def __init__(self, app: ASGIApp, policy: OriginPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS:
            origin = Headers(scope=scope).get("origin")
            if origin is not None and not self.policy.allows(origin, scope):
                log.info("refused request from origin %s to %s", origin[:200], scope["path"])
                response = error_response(403, "origin_not_allowed", FORBIDDEN_MESSAGE)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
