"""415 for a JSON endpoint sent anything but JSON (before the body is read; no quota spent)."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.web.errors import error_response
from retrieval.errors import Code

JSON_PATHS = ("/v1/ask", "/v1/chat/completions", "/v1/feedback")
MESSAGE = "この形式のデータは受け付けていません。Content-Type: application/json で JSON を送ってください。"


def is_json(content_type: str) -> bool:
    """``application/json`` or a ``+json`` type (parameters such as charset allowed); empty counts as JSON."""
    media = content_type.split(";", 1)[0].strip().lower()
    return not media or media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


class JsonOnlyMiddleware:
    """Refuse a POST with a non-JSON Content-Type on the JSON endpoints with 415 in the one error shape."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] == "http" and scope["method"] == "POST" and scope["path"].rstrip("/") in JSON_PATHS
                and not is_json(Headers(scope=scope).get("content-type", ""))):
            await error_response(415, Code.UNSUPPORTED_FILE.value, MESSAGE)(scope, receive, send)
            return
        await self.app(scope, receive, send)
