"""Request caps: per-client rate limits (the ``limits`` library) and the body-size caps of each endpoint."""

from __future__ import annotations

import asyncio
import hmac
import logging
import math
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.config import Settings
from bot.web.errors import HTTPRefusal, error_response
from retrieval.errors import Code, DeskError

log = logging.getLogger("madoguchi.web")

MAX_JSON_BYTES = 256 * 1024  # JSON bodies: a 2,000-character question plus 20 turns of history fit with room
MULTIPART_OVERHEAD = 64 * 1024  # multipart framing and form fields beside the plan file
UPLOAD_PATHS = ("/v1/match", "/v1/precheck")
BODYLESS_METHODS = {"GET", "HEAD", "OPTIONS"}
DISABLED = {"", "off", "none", "0", "unlimited"}
RATE_LIMITED_PATHS = ("/v1/",)
RATE_LIMITED_MESSAGE = "短時間に多くのご質問をいただきました。{seconds}秒ほど待ってからもう一度お試しください。"


def upload_body_cap(settings: Settings) -> int:
    """Largest request body accepted by the plan-upload endpoints (the file cap plus multipart framing)."""
    return settings.max_upload_bytes + MULTIPART_OVERHEAD


def body_cap(path: str, settings: Settings) -> int:
    """The largest body accepted on a path: plan uploads get the file cap, everything else the JSON cap."""
    return upload_body_cap(settings) if path.rstrip("/") in UPLOAD_PATHS else MAX_JSON_BYTES


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.0f}MB" if n >= 1024 * 1024 else f"{n // 1024}KB"


def too_large_message(cap: int) -> str:
    """The Japanese 413 message for a cap."""
    return f"送信されたデータが大きすぎます（上限 {_size(cap)}）。質問や会話履歴、ファイルを小さくしてください。"


class BodySizeMiddleware:
    """413 in the JSON error shape: a declared Content-Length over the cap is refused before reading,
    an undeclared (chunked) body is counted while it streams in."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in BODYLESS_METHODS:
            await self.app(scope, receive, send)
            return
        cap = body_cap(scope["path"], self.settings)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            await error_response(413, Code.TOO_LARGE.value, too_large_message(cap))(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    raise HTTPRefusal(413, Code.TOO_LARGE.value, too_large_message(cap))
            return message

        await self.app(scope, counted, send)


def parse_rate(text: str) -> list[RateLimitItem]:
    """Parse ``MADOGUCHI_RATE_LIMIT`` (e.g. ``30/minute`` or ``30/minute;500/day``); empty or ``off`` = none."""
    if text.strip().lower() in DISABLED:
        return []
    try:
        return list(parse_many(text))
    except ValueError as exc:
        raise ValueError(f"MADOGUCHI_RATE_LIMIT「{text}」を解釈できません（例: 30/minute, 30/minute;500/day）。") from exc


def make_storage(redis_url: str | None) -> Storage:
    """Memory storage (one process) or Redis (shared across workers and hosts)."""
    if not redis_url:
        return MemoryStorage()
    uri = redis_url if redis_url.startswith("async+") else f"async+{redis_url}"
    storage = storage_from_string(uri, implementation="redispy")
    assert isinstance(storage, Storage)
    return storage


FREE_STATUSES = frozenset({400, 413, 415, 422})  # refused input costs the client no quota
EVALUATOR = "evaluator"


def presented_key(scope: Scope) -> str:
    """The API key a request carries: ``X-API-Key``, else an ``Authorization: Bearer`` token (as OpenAI clients send)."""
    headers = Headers(scope=scope)
    key = headers.get("x-api-key", "").strip()
    if key:
        return key
    scheme, _, token = headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


class ClientRateLimiter:
    """A moving-window limit per client IP, and a separate quota for the evaluator key; a storage failure lets the
    request through (logged). Only answered requests are counted; requests in flight are held against the quota."""

    def __init__(self, items: Sequence[RateLimitItem], storage: Storage, *, eval_key: str | None = None,
                 eval_items: Sequence[RateLimitItem] = ()) -> None:
        self.items = list(items)
        self.eval_key = eval_key or None
        self.eval_items = list(eval_items)
        self.limiter = MovingWindowRateLimiter(storage)
        self.in_flight: dict[str, int] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> ClientRateLimiter | None:
        """The limiter the settings ask for, or None when rate limiting is off."""
        items = parse_rate(settings.rate_limit)
        if not items:
            return None
        eval_items = parse_rate(settings.eval_rate_limit) if settings.eval_api_key else []
        return cls(items, make_storage(settings.redis_url), eval_key=settings.eval_api_key, eval_items=eval_items)

    def quota(self, scope: Scope) -> tuple[str, list[RateLimitItem]]:
        """The bucket a request is counted in and its limits: the evaluator key's own, else the client IP's."""
        if self.eval_key and hmac.compare_digest(presented_key(scope).encode(), self.eval_key.encode()):
            return EVALUATOR, self.eval_items
        return client_key(scope), self.items

    async def wait(self, key: str, items: Sequence[RateLimitItem]) -> int | None:
        """None when one more request fits in ``key``'s quota (counting those in flight), else the seconds to wait."""
        cost = self.in_flight.get(key, 0) + 1
        try:
            for item in items:
                if not await self.limiter.test(item, "madoguchi", key, cost=cost):
                    stats = await self.limiter.get_window_stats(item, "madoguchi", key)
                    return max(1, math.ceil(stats.reset_time - time.time()))
        except Exception:  # the limiter's storage is down: serving beats refusing everyone
            log.exception("rate-limit storage failed; request allowed")
        return None

    async def count(self, key: str, items: Sequence[RateLimitItem]) -> None:
        """Spend one request of ``key``'s quota."""
        try:
            for item in items:
                await self.limiter.hit(item, "madoguchi", key)
        except Exception:
            log.exception("rate-limit storage failed; request not counted")

    async def hit(self, key: str) -> int | None:
        """Count one request for ``key`` (client quota); None when allowed, else the seconds to wait."""
        wait = await self.wait(key, self.items)
        if wait is None:
            await self.count(key, self.items)
        return wait


def client_key(scope: Scope) -> str:
    """The client address (X-Forwarded-For is applied earlier, and only for trusted proxies)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class RateLimitMiddleware:
    """Refuse API POSTs over the quota with 429 and Retry-After before the body is read; a request is counted when
    its response starts, unless it was refused as bad input (400/413/415/422)."""

    def __init__(self, app: ASGIApp, limiter: ClientRateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not (scope["type"] == "http" and scope["method"] == "POST" and scope["path"].startswith(RATE_LIMITED_PATHS)):
            await self.app(scope, receive, send)
            return
        key, items = self.limiter.quota(scope)
        wait = await self.limiter.wait(key, items)
        if wait is not None:
            response = error_response(
                429, Code.RATE_LIMITED.value, RATE_LIMITED_MESSAGE.format(seconds=wait), {"Retry-After": str(wait)}
            )
            await response(scope, receive, send)
            return
        flights = self.limiter.in_flight
        flights[key] = flights.get(key, 0) + 1
        settled = False

        def settle() -> None:
            nonlocal settled
            if not settled:
                settled = True
                flights[key] -= 1
                if not flights[key]:
                    del flights[key]

        async def counting(message: Message) -> None:
            if message["type"] == "http.response.start" and not settled:
                settle()
                if message["status"] not in FREE_STATUSES:
                    await self.limiter.count(key, items)
            await send(message)

        try:
            await self.app(scope, receive, counting)
        finally:
            settle()


# --- plan uploads: how many at once -------------------------------------------------------------------------

PLAN_BUSY_MESSAGE = "計画書の読み取りは同時に {n} 件までです。前の結果が出てから、もう一度送ってください。"


class PlanSlots:
    """Match/precheck requests in flight per client (over the cap: 429) and plan-reading workers at once."""

    def __init__(self, per_client: int, workers: int) -> None:
        self.per_client = per_client
        self.busy: dict[str, int] = {}
        self.workers = asyncio.Semaphore(workers)

    @classmethod
    def of(cls, state: Any, settings: Settings) -> PlanSlots:
        """The app's slots (made on first use and kept on ``app.state``)."""
        slots = getattr(state, "plan_slots", None)
        if not isinstance(slots, PlanSlots):
            slots = cls(settings.plan_client_concurrency, settings.plan_parse_workers)
            state.plan_slots = slots
        return slots

    @asynccontextmanager
    async def client(self, key: str) -> AsyncIterator[None]:
        """Hold one of ``key``'s slots for the block; raise 429 ``DeskError`` when it has none left."""
        if self.busy.get(key, 0) >= self.per_client:
            raise DeskError(Code.RATE_LIMITED, PLAN_BUSY_MESSAGE.format(n=self.per_client))
        self.busy[key] = self.busy.get(key, 0) + 1
        try:
            yield
        finally:
            self.busy[key] -= 1
            if self.busy[key] <= 0:
                del self.busy[key]
