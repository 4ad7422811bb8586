"""Handoff to staff over HTTP: the asker's consultation (create, read with its token) and the staff API (key)."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Header, Request
from fastapi.concurrency import run_in_threadpool

from bot.audit.consultations import ConsultationStore, Contact, consultation_store
from bot.audit.log import AuditLog
from bot.audit.notify import deliver_reply
from bot.config import Settings
from bot.web.deps import ChannelDep, SettingsDep
from bot.web.errors import ApiError
from bot.web.handoff_routes import route_for
from bot.web.origins import origin_of
from bot.web.schemas import ERROR_RESPONSES, ErrorResponse
from bot.web.schemas_consultations import (
    ConsultationCreated,
    ConsultationRequest,
    ConsultationView,
    HandoffConfig,
    StaffAssignRequest,
    StaffCloseRequest,
    StaffConsultation,
    StaffReplyRequest,
)
from retrieval.errors import Code, DeskError

log = logging.getLogger("madoguchi.web")
router = APIRouter()
Hook = Callable[[dict[str, Any]], None]
HELP_LABEL = "担当窓口に相談する"
CONSENT_TEXT = "入力したお名前と連絡先を、回答のために自治体の担当者に伝えることに同意します。"
RECEIVED = "担当者に引き継ぎました。回答が届くと、この画面（同じブラウザ）に表示されます。"
NOT_FOUND = "指定された相談が見つからないか、この画面からは見られません。"
STAFF_OFF = "職員用 API は無効です（MADOGUCHI_STAFF_API_KEY が設定されていません）。"
STAFF_KEY = "職員用の API キーが正しくありません。Authorization: Bearer <キー> で指定してください。"


def get_consultations(request: Request) -> ConsultationStore:
    """The consultation store over the app's audit database."""
    audit: AuditLog = request.app.state.audit
    return consultation_store(audit.store)


ConsultationsDep = Annotated[ConsultationStore, Depends(get_consultations)]


def _bearer(authorization: str | None) -> str:
    scheme, _, value = (authorization or "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def require_staff(settings: SettingsDep, authorization: Annotated[str | None, Header()] = None) -> str:
    """Allow the request only with the staff API key (constant-time compare); 401/404 in Japanese otherwise."""
    if not settings.staff_api_key:
        raise ApiError(404, "staff_api_disabled", STAFF_OFF)
    if not hmac.compare_digest(_bearer(authorization).encode(), settings.staff_api_key.encode()):
        raise ApiError(401, "unauthorized", STAFF_KEY, {"WWW-Authenticate": "Bearer"})
    return "staff"


StaffDep = Annotated[str, Depends(require_staff)]
STAFF_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    401: {"model": ErrorResponse, "description": "Missing or wrong staff API key"},
    404: {"model": ErrorResponse, "description": "Staff API disabled (no key configured) or unknown consultation"},
}


def request_origin(request: Request, page_url: str | None = None) -> str:
    """The site a request came from: its Origin header, else the page URL's origin, else the server's own."""
    return origin_of(request.headers.get("origin", "")) or origin_of(page_url or "") or origin_of(str(request.base_url))


def _attempt(audit: AuditLog, answer_id: str | None) -> dict[str, Any]:
    """The desk's stored answer (text, refused, citations) for ``answer_id``; {} when unknown."""
    if not answer_id or len(answer_id) > 64:
        return {}
    audit.flush(timeout=5.0)
    try:
        found = audit.answer(answer_id)
    except Exception:
        log.warning("desk attempt %s could not be read", answer_id)
        return {}
    if not found:
        return {}
    return {"text": found["answer_text"], "refused": found["refused"], "citations": found["citations"]}


def _run_hooks(hooks: list[Hook], consultation: dict[str, Any]) -> None:
    for hook in hooks:
        try:
            hook(consultation)
        except Exception:
            log.exception("consultation hook failed for %s", consultation.get("id"))


@router.get("/v1/handoff-config", tags=["consultations"], response_model=HandoffConfig,
            summary="What the widget on this site offers for reaching a person")
async def handoff_config(request: Request, settings: SettingsDep) -> HandoffConfig:
    """The human window and staff contact note for the calling site (routes file keyed by origin)."""
    route = route_for(settings, request_origin(request), HELP_LABEL)
    return HandoffConfig(enabled=True, help_url=route.help_url, help_label=route.help_label,
                         contact_note=route.contact_note, consent_text=CONSENT_TEXT)


@router.post("/v1/consultations", tags=["consultations"], status_code=201, response_model=ConsultationCreated,
             summary="Hand a question to staff", responses=ERROR_RESPONSES)
async def create_consultation(
    body: ConsultationRequest, request: Request, background: BackgroundTasks, settings: SettingsDep,
    store: ConsultationsDep, channel: ChannelDep,
) -> ConsultationCreated:
    """Store a consultation (question, conversation, the desk's attempt, contact with consent) and notify staff."""
    origin = request_origin(request, body.page_url)
    route = route_for(settings, origin, HELP_LABEL)
    audit: AuditLog = request.app.state.audit

    def create() -> tuple[dict[str, Any], str]:
        return store.create(
            question=body.question,
            conversation=[t.model_dump() for t in body.conversation],
            attempt=_attempt(audit, body.answer_id),
            answer_id=body.answer_id,
            contact=Contact(body.name, body.email, body.phone),
            consent=body.consent,
            origin=origin,
            page_url=body.page_url,
            channel=channel,
            staff_channel=route.slack_channel,
        )

    row, token = await run_in_threadpool(create)
    background.add_task(_run_hooks, list(getattr(request.app.state, "consultation_hooks", [])), row)
    return ConsultationCreated(id=row["id"], token=token, status=row["status"], created_at=row["created_at"],
                               message=RECEIVED)


@router.get("/v1/consultations/{consultation_id}", tags=["consultations"], response_model=ConsultationView,
            summary="The asker's view: status and staff replies", responses={404: {"description": "Unknown id or wrong token"}})
async def read_consultation(
    consultation_id: str, store: ConsultationsDep, authorization: Annotated[str | None, Header()] = None,
) -> ConsultationView:
    """Status and replies for the holder of the consultation's token (Authorization: Bearer <token>)."""
    found = await run_in_threadpool(store.for_asker, consultation_id, _bearer(authorization))
    if found is None:  # unknown id and wrong token look the same
        raise DeskError(Code.NOT_FOUND, NOT_FOUND)
    return ConsultationView.model_validate(found)


# --- staff API (behind MADOGUCHI_STAFF_API_KEY) ---------------------------------------------------------
def _staff_view(row: dict[str, Any]) -> StaffConsultation:
    return StaffConsultation.model_validate({k: v for k, v in row.items() if k != "token_hash"})


@router.get("/v1/staff/consultations", tags=["staff"], responses=STAFF_RESPONSES, response_model=list[StaffConsultation],
            summary="Consultations, newest first")
async def staff_list(_: StaffDep, store: ConsultationsDep, status: str | None = None,
                     limit: int = 50) -> list[StaffConsultation]:
    """List consultations (``status``: open / answered / closed)."""
    rows = await run_in_threadpool(store.listing, status, limit)
    return [_staff_view(r) for r in rows]


@router.get("/v1/staff/consultations/{consultation_id}", tags=["staff"], responses=STAFF_RESPONSES, response_model=StaffConsultation,
            summary="One consultation with its replies and contact")
async def staff_show(consultation_id: str, _: StaffDep, store: ConsultationsDep) -> StaffConsultation:
    """One consultation in full."""
    return _staff_view(await run_in_threadpool(store.require, consultation_id))


@router.post("/v1/staff/consultations/{consultation_id}/answer", tags=["staff"], responses=STAFF_RESPONSES, response_model=StaffConsultation,
             summary="Answer a consultation")
async def staff_answer(consultation_id: str, body: StaffReplyRequest, _: StaffDep, store: ConsultationsDep,
                       settings: SettingsDep, request: Request) -> StaffConsultation:
    """Store the answer (the asker's widget shows it; e-mail when configured) and post it to the Slack thread."""

    def answer() -> dict[str, Any]:
        deliver_reply(store, settings, consultation_id, body.text, author=body.author, via="api",
                      faq_candidate=body.faq_candidate)
        return store.require(consultation_id)

    row = await run_in_threadpool(answer)
    _reply_hooks(request, settings, row, body.text)
    return _staff_view(row)


def _reply_hooks(request: Request, settings: Settings, row: dict[str, Any], text: str) -> None:
    for hook in getattr(request.app.state, "consultation_reply_hooks", []):
        try:
            hook(row, text)
        except Exception:
            log.exception("reply hook failed for %s", row.get("id"))


@router.post("/v1/staff/consultations/{consultation_id}/assign", tags=["staff"], responses=STAFF_RESPONSES, response_model=StaffConsultation,
             summary="Assign a consultation")
async def staff_assign(consultation_id: str, body: StaffAssignRequest, _: StaffDep,
                       store: ConsultationsDep) -> StaffConsultation:
    """Record who handles it."""
    await run_in_threadpool(store.assign, consultation_id, body.assignee)
    return _staff_view(await run_in_threadpool(store.require, consultation_id))


@router.post("/v1/staff/consultations/{consultation_id}/close", tags=["staff"], responses=STAFF_RESPONSES, response_model=StaffConsultation,
             summary="Close a consultation without answer")
async def staff_close(consultation_id: str, body: StaffCloseRequest, _: StaffDep,
                      store: ConsultationsDep) -> StaffConsultation:
    """Close it (対応不要)."""
    await run_in_threadpool(store.close, consultation_id, body.reason)
    return _staff_view(await run_in_threadpool(store.require, consultation_id))
