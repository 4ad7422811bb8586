"""HTTP mode: Slack's events, commands and interactivity on POST /slack/events of the FastAPI app, behind a
guard that answers malformed or unsigned requests 401 (logged truncated), rate-limits each source and answers a
replayed request only once."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from limits import parse_many
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter
from slack_bolt.adapter.fastapi import SlackRequestHandler
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk.signature import SignatureVerifier
from starlette.concurrency import run_in_threadpool

from bot.config import Settings
from bot.slack.app import build_slack_app
from bot.slack.dedupe import TTLSet
from retrieval.errors import Code, DeskError

if TYPE_CHECKING:
    from bot.desk import Desk

EVENTS_PATH = "/slack/events"
LOGGED_BODY_CHARS = 200  # a rejected body is logged this far, never in full
REPLAY_WINDOW = 300.0  # seconds: Slack's own timestamp tolerance
log = logging.getLogger("madoguchi.slack")


def _refuse(status: int, code: str, message: str, body: bytes, source: str) -> JSONResponse:
    log.warning(
        "slack request refused (%s) from %s: %d bytes, starts %r", code, source, len(body),
        body[:LOGGED_BODY_CHARS].decode("utf-8", "replace"),
    )
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


class SlackGuard:
    """Checks one request before Bolt sees it: signature headers and body, per-source rate, replays."""

    def __init__(self, signing_secret: str, rate: str) -> None:
        self.verifier = SignatureVerifier(signing_secret)
        self.items = list(parse_many(rate)) if rate.strip().lower() not in ("", "off", "none", "0") else []
        self.limiter = MovingWindowRateLimiter(MemoryStorage())
        self.signatures = TTLSet(ttl=REPLAY_WINDOW)
        self.triggers = TTLSet(ttl=REPLAY_WINDOW)

    async def over_rate(self, source: str) -> bool:
        """Count one request from ``source``; True when it is over the rate."""
        for item in self.items:
            if not await self.limiter.hit(item, "slack", source):
                return True
        return False

    def signed(self, body: bytes, headers: Any) -> bool:
        """True when the timestamp is a number within five minutes and the signature matches the body."""
        timestamp = headers.get("x-slack-request-timestamp", "")
        signature = headers.get("x-slack-signature", "")
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
            return False
        if not (signature.isascii() and signature.startswith("v0=") and len(signature) <= 100):
            return False
        try:
            return bool(self.verifier.is_valid(body=body, timestamp=timestamp, signature=signature))
        except (ValueError, TypeError, UnicodeError):
            return False

    def first_time(self, body: bytes, headers: Any) -> bool:
        """False for a replay: the same signature and timestamp, or the same ``trigger_id`` within the window."""
        key = f"{headers.get('x-slack-request-timestamp', '')}:{headers.get('x-slack-signature', '')}"
        if headers.get("x-slack-retry-num"):  # Slack's own retries are acknowledged by Bolt's dedupe
            return True
        if not self.signatures.first(key):
            return False
        trigger = parse_qs(body.decode("utf-8", "replace")).get("trigger_id", [""])[0]
        return not trigger or self.triggers.first(trigger)


class ThreadedSlackRequestHandler(SlackRequestHandler):
    """Bolt's FastAPI handler, dispatching on a worker thread so the event loop never blocks."""

    async def handle(self, req: Request, addition_context_properties: dict[str, Any] | None = None) -> Response:
        """Verify and dispatch one Slack request; returns Bolt's (fast) acknowledgement."""
        if req.method != "POST":
            return await super().handle(req, addition_context_properties)
        body = await req.body()
        return await self.dispatch(req, body, addition_context_properties)

    async def dispatch(self, req: Request, body: bytes, extra: dict[str, Any] | None = None) -> Response:
        """Hand an already-read body to Bolt on a worker thread."""
        bolt_request = to_bolt_request(req, body, extra)
        bolt_response = await run_in_threadpool(self.app.dispatch, bolt_request)
        return to_starlette_response(bolt_response)


def mount_slack(app: FastAPI, desk: Desk, settings: Settings) -> None:
    """Serve the Slack door at POST /slack/events (needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET)."""
    if not settings.slack_bot_token or not settings.slack_signing_secret:
        raise DeskError(
            Code.CONFIG,
            "Slack の HTTP 受信には SLACK_BOT_TOKEN と SLACK_SIGNING_SECRET が必要です。",
            "Slack アプリの設定画面（Basic Information / OAuth & Permissions）で確認してください。",
        )
    bolt = build_slack_app(desk, settings, audit=getattr(app.state, "audit", None))
    handler = ThreadedSlackRequestHandler(bolt)
    guard = SlackGuard(settings.slack_signing_secret, settings.slack_rate_limit)

    async def slack_events(request: Request) -> Response:
        source = request.client.host if request.client else "unknown"
        if await guard.over_rate(source):
            return _refuse(429, Code.RATE_LIMITED.value, "リクエストが多すぎます。", b"", source)
        body = await request.body()
        if not guard.signed(body, request.headers):
            return _refuse(401, "unauthorized", "署名を確認できないリクエストです。", body, source)
        if not guard.first_time(body, request.headers):
            log.info("replayed slack request acknowledged without processing", extra={"source": source})
            return Response(status_code=200)
        return await handler.dispatch(request, body)

    app.add_api_route(EVENTS_PATH, slack_events, methods=["POST"], include_in_schema=False, name="slack_events")
    app.state.slack_app = bolt
