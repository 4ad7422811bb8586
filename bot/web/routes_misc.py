"""Health, readiness, feedback, metrics, the widget's config, and the static widget files and demo page."""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, Response

from bot import messages
from bot.audit.protocol import Audit
from bot.config import Settings
from bot.metrics import get_metrics
from bot.web.deps import AuditDep, ChannelDep, DeskDep, SettingsDep
from bot.web.errors import ApiError
from bot.web.feedback import feedback_limiter, signer_of
from bot.web.limits import client_key
from bot.web.schemas import ERROR_RESPONSES, FeedbackRequest, FeedbackResponse, Health, Ready, WidgetConfig
from retrieval.errors import Code, DeskError

router = APIRouter()
STATIC = Path(__file__).resolve().parent / "static"
WIDGET_TITLE = "事業者向け 支援施策の相談窓口"
WIDGET_GREETING = (
    "地域未来戦略や国の支援施策（補助金・税制・相談窓口など）について、公開資料をもとにお答えします。"
    "知りたいことを入力するか、下の質問例を選んでください。"
)
HELP_LABEL = "担当窓口に相談する"
STARTER_QUESTIONS = [
    "よろず支援拠点では何を相談できますか？",
    "中小企業の賃上げや設備投資に使える補助金はありますか？",
    "海外展開を考える中小企業が使える支援はありますか？",
    "事業者が使える税制の支援措置はありますか？",
]
STATIC_CACHE = "public, max-age=300"


@router.get("/healthz", tags=["ops"], response_model=Health, summary="The process is up")
async def healthz() -> Health:
    """Liveness: answers as long as the process serves requests."""
    return Health()


@router.get("/readyz", tags=["ops"], response_model=Ready, summary="Index loaded and store reachable",
            responses={503: ERROR_RESPONSES[503]})
async def readyz(desk: DeskDep) -> JSONResponse:
    """Readiness: 200 when the index is loaded and the store reachable, else 503 with the reason."""
    info: dict[str, Any] = await run_in_threadpool(desk.ready)
    return JSONResponse({"status": "ready", **info})


FEEDBACK_TOKEN_MESSAGE = (
    "この回答への評価は受け付けられません。回答と一緒に返された feedback_token を添えて送ってください。"
)
FEEDBACK_RATE_MESSAGE = "評価の送信が多すぎます。{seconds}秒ほど待ってからもう一度お試しください。"


def _record(audit: Audit, body: FeedbackRequest, channel: str, rater: str) -> None:
    try:
        audit.record_feedback(body.answer_id, body.rating, body.comment, channel=channel, rater=rater)
    except DeskError as exc:
        if exc.code is not Code.NOT_FOUND:
            raise
        audit.flush()  # the answer may still be queued for writing
        audit.record_feedback(body.answer_id, body.rating, body.comment, channel=channel, rater=rater)


@router.post("/v1/feedback", tags=["feedback"], response_model=FeedbackResponse, summary="👍 / 👎 on an answer",
             responses={403: {"description": "Missing or wrong feedback_token"}, 404: {"description": "Unknown answer id"},
                        **ERROR_RESPONSES})
async def feedback(
    body: FeedbackRequest, request: Request, audit: AuditDep, channel: ChannelDep, settings: SettingsDep
) -> FeedbackResponse:
    """Store a rating for an answer returned by /v1/ask (with its ``feedback_token``); one per answer and client,
    a new one replaces the earlier."""
    client = client_key(request.scope)
    limiter = feedback_limiter(request.app.state, settings)
    if limiter is not None and (wait := await limiter.hit(f"feedback:{client}")) is not None:
        raise ApiError(429, Code.RATE_LIMITED.value, FEEDBACK_RATE_MESSAGE.format(seconds=wait), {"Retry-After": str(wait)})
    signer = signer_of(request.app.state, settings)
    if not signer.valid(body.answer_id, body.feedback_token):
        raise ApiError(403, "invalid_token", FEEDBACK_TOKEN_MESSAGE)
    await run_in_threadpool(_record, audit, body, channel, signer.rater(client))
    return FeedbackResponse(answer_id=body.answer_id, rating=body.rating)


LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def metrics_allowed(settings: Settings, client: str, authorization: str) -> bool:
    """Whether this caller may read /metrics under ``MADOGUCHI_METRICS_ACCESS``."""
    match settings.metrics_access:
        case "public":
            return True
        case "local":
            return client in LOOPBACK
        case "token":
            token = settings.metrics_token or ""
            return bool(token) and hmac.compare_digest(authorization.encode(), f"Bearer {token}".encode())
    return False


@router.get("/metrics", tags=["ops"], summary="Prometheus metrics", response_class=Response,
            responses={404: {"description": "Metrics are off or not open to this caller"}})
async def metrics(request: Request, settings: SettingsDep) -> Response:
    """Request and answer metrics in the Prometheus text format (who may read them: a setting)."""
    client = request.client.host if request.client else ""
    if not metrics_allowed(settings, client, request.headers.get("authorization", "")):
        raise ApiError(404, "not_found", "指定された URL は見つかりません。")
    body, content_type = get_metrics().render()
    return Response(content=body, headers={"Content-Type": content_type})


@router.get("/v1/widget-config", tags=["widget"], response_model=WidgetConfig, summary="What the widget shows first")
async def widget_config(settings: SettingsDep) -> WidgetConfig:
    """Title, greeting, disclaimer, the human window's link, starter questions and the input caps."""
    return WidgetConfig(
        title=WIDGET_TITLE,
        greeting=WIDGET_GREETING,
        disclaimer=messages.DISCLAIMER,
        help_url=settings.help_url,
        help_label=HELP_LABEL,
        suggestions=STARTER_QUESTIONS,
        max_question_chars=settings.max_question_chars,
        max_history_turns=settings.max_history_turns,
    )


def _static(name: str, media_type: str, cross_origin: bool = False) -> FileResponse:
    headers = {"Cache-Control": STATIC_CACHE}
    if cross_origin:  # a public, credential-free file any page may load
        headers["Access-Control-Allow-Origin"] = "*"
    return FileResponse(STATIC / name, media_type=media_type, headers=headers)


@router.get("/widget.js", include_in_schema=False)
async def widget_js() -> FileResponse:
    """The embeddable widget (one script tag)."""
    return _static("widget.js", "text/javascript; charset=utf-8", cross_origin=True)


@router.get("/widget.css", include_in_schema=False)
async def widget_css() -> FileResponse:
    """The widget's styles (loaded into its shadow root)."""
    return _static("widget.css", "text/css; charset=utf-8", cross_origin=True)


@router.get("/", include_in_schema=False)
async def demo_page() -> FileResponse:
    """A demo municipality page with the widget embedded."""
    return FileResponse(STATIC / "demo.html", media_type="text/html; charset=utf-8", headers={"Cache-Control": "no-cache"})
