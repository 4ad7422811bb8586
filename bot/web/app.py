"""The FastAPI app factory: ``create_app(settings=None, desk=None)`` (uvicorn: ``bot.web.app:create_app --factory``)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from starlette.middleware.cors import CORSMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from bot.audit import open_audit_log
from bot.config import Settings, get_settings
from bot.desk import Desk
from bot.metrics import get_metrics
from bot.web import (
    errors,
    routes_ask,
    routes_consultations,
    routes_misc,
    routes_openai,
    routes_plan,
    routes_sources,
)
from bot.web.answer_threads import answer_limiter
from bot.web.content_type import JsonOnlyMiddleware
from bot.web.context import RequestContextMiddleware
from bot.web.docs_ui import install_docs
from bot.web.limits import BodySizeMiddleware, ClientRateLimiter, RateLimitMiddleware
from bot.web.origins import ALLOW_HEADERS, EXPOSE_HEADERS, OriginGuardMiddleware, OriginPolicy
from retrieval.errors import DeskError

log = logging.getLogger("madoguchi.web")

DESCRIPTION = """\
地域未来戦略と国の支援施策についての相談窓口（madoguchi）の API です。回答は公開資料の引用と出典つきで、
資料にないことには答えず、相談先をご案内します。

* `POST /v1/ask` — 質問に回答（JSON、または `stream: true` で Server-Sent Events）
* `POST /v1/match`, `POST /v1/precheck` — 計画書（案）に合う支援施策 / 要件の事前チェック
* `POST /v1/chat/completions`, `GET /v1/models` — OpenAI 互換（model `madoguchi`）
* `POST /v1/feedback` — 回答への 👍 / 👎
* `POST /v1/consultations`, `GET /v1/consultations/{id}` — 担当者への相談（引き継ぎ）と担当者からの回答
* `/v1/staff/consultations…` — 職員用（MADOGUCHI_STAFF_API_KEY）: 一覧・回答・担当・終了
* `GET /healthz`, `GET /readyz`, `GET /metrics`

Errors always have the shape `{"error": {"code": "...", "message": "（日本語）"}}`.
"""


def _mount_slack(app: FastAPI, desk: Desk, settings: Settings) -> None:
    if not (settings.slack_bot_token and settings.slack_signing_secret):
        return
    from bot.slack.http import mount_slack  # imported only when Slack is configured

    mount_slack(app, desk, settings)


def _consultation_hooks(app: FastAPI, settings: Settings) -> None:
    """Post new consultations (and API answers) to the staff channel when a Slack bot token is configured."""
    app.state.consultation_hooks, app.state.consultation_reply_hooks = [], []
    if not settings.slack_bot_token:
        return
    from bot.audit.consultations import consultation_store
    from bot.slack.app import web_client
    from bot.slack.consultations import make_hooks

    bolt = getattr(app.state, "slack_app", None)
    client = bolt.client if bolt is not None else web_client(settings)
    on_created, on_replied = make_hooks(client, consultation_store(app.state.audit.store))
    app.state.consultation_hooks.append(on_created)
    app.state.consultation_reply_hooks.append(on_replied)


def warm_up(desk: Desk) -> None:
    """Load the index and the embedder before the first question; a missing index is logged, not fatal."""
    try:
        desk.ready()
        desk.search("支援施策", k=1)
    except DeskError as exc:
        log.warning("the desk is not ready (GET /readyz answers 503): %s", exc.user_text())
    except Exception:
        log.exception("warm-up failed")


def _attach(desk: Desk, listener: Any) -> None:
    if listener not in desk.listeners:
        desk.listeners.append(listener)


def create_app(settings: Settings | None = None, desk: Desk | None = None) -> FastAPI:
    """Build the web app over one desk: routes, error handlers, CORS, origin guard, rate limit, metrics."""
    settings = settings or get_settings()
    desk = desk or Desk(settings)
    limiter = ClientRateLimiter.from_settings(settings)
    policy = OriginPolicy(settings)
    audit = open_audit_log(settings)
    metrics = get_metrics()
    _attach(desk, audit.listener)
    _attach(desk, metrics.listener)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(warm_up, desk)
        yield
        await run_in_threadpool(audit.flush)

    app = FastAPI(
        title="madoguchi（窓口）API",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served by docs_ui from packaged assets (no CDN)
        redoc_url=None,
    )
    app.state.settings, app.state.desk, app.state.audit = settings, desk, audit
    app.state.answer_limiter = answer_limiter(settings.answer_concurrency)
    errors.install(app)
    app.include_router(routes_ask.router)
    app.include_router(routes_plan.router)
    app.include_router(routes_openai.router)
    app.include_router(routes_misc.router)
    app.include_router(routes_consultations.router)
    app.include_router(routes_sources.router)
    install_docs(app)
    _mount_slack(app, desk, settings)
    _consultation_hooks(app, settings)

    # Added innermost first: the request context wraps everything; body caps and the rate limit sit nearest the routes.
    app.add_middleware(JsonOnlyMiddleware)
    app.add_middleware(BodySizeMiddleware, settings=settings)
    if limiter is not None:
        app.add_middleware(RateLimitMiddleware, limiter=limiter)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=policy.cors_origins(),
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=ALLOW_HEADERS,
        expose_headers=EXPOSE_HEADERS,
        max_age=600,
    )
    app.add_middleware(OriginGuardMiddleware, policy=policy)
    proxies = [p.strip() for p in settings.trusted_proxies.split(",") if p.strip()]
    if proxies:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=proxies)
    app.add_middleware(RequestContextMiddleware, observe=metrics.observe_request)
    return app
