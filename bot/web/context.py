"""Per-request context: the request id (in, out and in the logs), request metrics and the last-resort 500."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.events import new_request_id, request_id
from bot.web.errors import INTERNAL_MESSAGE, error_response
from retrieval.errors import Code

log = logging.getLogger("madoguchi.web")

Observer = Callable[[str, str, int, float], None]  # door, route, status, seconds
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
WIDGET_HEADER = "x-madoguchi-client"


def door_of(scope: Scope) -> str:
    """Which door a request came through: widget, api, slack or web (pages, health)."""
    path = scope.get("path", "")
    if path.startswith("/slack"):
        return "slack"
    if Headers(scope=scope).get(WIDGET_HEADER, "") == "widget":
        return "widget"
    return "api" if path.startswith("/v1/") else "web"


def route_of(scope: Scope) -> str:
    """The matched route template (bounded label set), or ``unmatched``."""
    route = scope.get("route")
    return str(getattr(route, "path", "") or "unmatched")


class RequestContextMiddleware:
    """Set ``bot.events.request_id``, echo it as X-Request-ID, observe the request, answer 500 on a crash."""

    def __init__(self, app: ASGIApp, observe: Observer | None = None) -> None:
        self.app = app
        self.observe = observe

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get("x-request-id", "")
        rid = given if _REQUEST_ID.match(given) else new_request_id()
        token = request_id.set(rid)
        state = {"status": 500, "started": False}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"], state["started"] = message["status"], True
                MutableHeaders(scope=message)["X-Request-ID"] = rid
            await send(message)

        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            log.error("unhandled error on %s %s", scope.get("method"), scope.get("path"), exc_info=exc,
                      extra={"request_id": rid})
            state["status"] = 500
            if not state["started"]:
                await error_response(500, Code.INTERNAL.value, INTERNAL_MESSAGE)(scope, receive, send_with_id)
        finally:
            request_id.reset(token)
            if self.observe is not None:
                try:
                    self.observe(door_of(scope), route_of(scope), int(state["status"]), time.perf_counter() - started)
                except Exception:  # metrics must never cost the user the answer
                    log.exception("observe_request failed")
