"""POST /v1/match and /v1/precheck: a draft plan as JSON text or a multipart upload (field ``file``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from bot.config import Settings
from bot.plans import Plan, parse_plan
from bot.web.deps import ChannelDep, DeskDep, SettingsDep
from bot.web.limits import PlanSlots, client_key
from bot.web.plan_worker import parse_in_worker, plan_limits
from bot.web.schemas import ERROR_RESPONSES, PlanRequest
from retrieval.errors import Code, DeskError

router = APIRouter(prefix="/v1", tags=["plan"])
_MULTIPART_SCHEMA = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {"type": "string", "format": "binary", "description": ".md .txt .docx .pdf .yaml .json（10MB まで）"},
        "plan_type": {"type": "string", "enum": ["strategic_cluster", "regional_cluster", "local_industry"]},
        "n": {"type": "integer", "minimum": 1, "maximum": 20, "default": 5},
        "audience": {"type": "string", "enum": ["staff", "public"], "default": "staff"},
    },
}
OPENAPI_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": PlanRequest.model_json_schema()},
            "multipart/form-data": {"schema": _MULTIPART_SCHEMA},
        },
    }
}


@dataclass
class PlanInput:
    """What the caller sent: the plan (bytes or text), its file name and the options."""

    data: bytes | str
    filename: str | None
    options: PlanRequest


def _options(fields: dict[str, Any]) -> PlanRequest:
    try:
        return PlanRequest.model_validate(fields)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from exc


async def read_plan_input(request: Request, settings: Settings) -> PlanInput:
    """Read a JSON body ``{"plan", "plan_type"?, "n"?}`` or a multipart upload with field ``file``."""
    ctype = request.headers.get("content-type", "").lower()
    if ctype.startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=10)
        upload, text = form.get("file"), form.get("plan")
        fields = {k: v for k in ("plan_type", "n", "audience") if isinstance(v := form.get(k), str) and v}
        options = _options({"plan": "", **fields})
        if isinstance(upload, UploadFile):
            data = await upload.read(settings.max_upload_bytes + 1)
            if len(data) > settings.max_upload_bytes:
                raise DeskError(Code.TOO_LARGE, f"ファイルが大きすぎます（上限 {settings.max_upload_bytes // (1024 * 1024)}MB）。")
            return PlanInput(data, upload.filename, options)
        if isinstance(text, str) and text.strip():
            return PlanInput(text, None, options)
        raise DeskError(Code.EMPTY_INPUT, "計画書がありません。", "ファイル（file）または本文（plan）を送ってください。")
    if ctype.startswith("application/json") or not ctype:
        try:
            body = json.loads(await request.body() or b"null")
        except (ValueError, RecursionError) as exc:  # bad JSON or UTF-8, [[[…]]] 10,000 deep, a 5,000-digit integer
            raise RequestValidationError([{"type": "json_invalid", "loc": ("body",), "msg": str(exc), "input": None}]) from exc
        options = _options(body if isinstance(body, dict) else {"_": body})
        if not options.plan.strip():
            raise DeskError(Code.EMPTY_INPUT, "計画書の本文（plan）が空です。")
        return PlanInput(options.plan, None, options)
    raise DeskError(Code.UNSUPPORTED_FILE, "この形式の送信は受け付けていません。", "JSON または multipart/form-data で送ってください。")


def result_response(result: Any) -> Response:
    """A match / precheck result as JSON (``to_json()`` may give a dict or a JSON string)."""
    data = result.to_json()
    if isinstance(data, str | bytes):
        return Response(content=data, media_type="application/json")
    return JSONResponse(data)


async def read_plan(request: Request, settings: Settings, given: PlanInput) -> Plan:
    """The plan from the input: files in a worker process (timeout, memory cap, stopped if the client leaves),
    text in process; both within the plan limits of the settings."""
    limits = plan_limits(settings)
    if isinstance(given.data, str) and not given.filename:
        return await run_in_threadpool(partial(parse_plan, given.data, None, limits=limits))
    async with PlanSlots.of(request.app.state, settings).workers:
        return await parse_in_worker(
            given.data,
            given.filename,
            limits=limits,
            timeout=settings.plan_parse_timeout,
            memory_mb=settings.plan_parse_memory_mb,
            disconnected=request.is_disconnected,
        )


@router.post("/match", summary="Suggest support measures for a draft plan", openapi_extra=OPENAPI_BODY,
             responses=ERROR_RESPONSES)
async def match(request: Request, desk: DeskDep, settings: SettingsDep, channel: ChannelDep) -> Response:
    """The support measures that fit a draft plan, each with reasons and sources."""
    async with PlanSlots.of(request.app.state, settings).client(client_key(request.scope)):
        given = await read_plan_input(request, settings)
        plan = await read_plan(request, settings, given)
        result = await run_in_threadpool(
            partial(desk.match, plan, given.options.n, plan_type=given.options.plan_type, channel=channel,
                    audience=given.options.audience)
        )
    return result_response(result)


@router.post("/precheck", summary="Check a draft plan against its plan type's requirements",
             openapi_extra=OPENAPI_BODY, responses=ERROR_RESPONSES)
async def precheck(request: Request, desk: DeskDep, settings: SettingsDep, channel: ChannelDep) -> Response:
    """Requirements and required sections of the plan's type: met / partial / missing, with evidence."""
    async with PlanSlots.of(request.app.state, settings).client(client_key(request.scope)):
        given = await read_plan_input(request, settings)
        plan = await read_plan(request, settings, given)
        result = await run_in_threadpool(
            partial(desk.precheck, plan, given.options.plan_type, channel=channel, audience=given.options.audience)
        )
    return result_response(result)
