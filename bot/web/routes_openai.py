"""OpenAI-compatible chat completions (model ``madoguchi``), so any OpenAI client or eval tool can use the desk."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sse_starlette import EventSourceResponse, ServerSentEvent

from bot.answering.answer import Answer
from bot.web.answer_threads import in_answer_thread
from bot.web.deps import DeskDep, SettingsDep
from bot.web.openai_compat import (
    MODEL_ID,
    check_request,
    citations_header,
    token_budget,
    truncate_tokens,
    url_annotations,
    usage,
)
from bot.web.routes_sources import passage_path
from bot.web.schemas import ERROR_RESPONSES, ChatMessage, ChatRequest, ErrorResponse
from bot.web.streaming import Event, jsonable, start_stream
from retrieval.errors import Code, DeskError

router = APIRouter(prefix="/v1", tags=["openai"])
CONVERSATION_ROLES = ("user", "assistant")  # system / developer / tool messages from a client are never obeyed
CHANNEL = "openai"


def model_card() -> dict[str, Any]:
    """The one model this endpoint serves."""
    return {"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "madoguchi"}


def split_messages(messages: Sequence[ChatMessage], max_turns: int) -> tuple[str, list[dict[str, str]]]:
    """The last user message is the question; earlier user/assistant messages (last ``max_turns``) the history."""
    convo = [m for m in messages if m.role in CONVERSATION_ROLES]
    last_user = max((i for i, m in enumerate(convo) if m.role == "user"), default=-1)
    if last_user < 0:
        raise DeskError(Code.EMPTY_INPUT, "質問（role が user のメッセージ）がありません。", "messages に user の発言を入れてください。")
    history = [{"role": m.role, "content": m.text()} for m in convo[:last_user]]
    return convo[last_user].text(), history[-max_turns:] if max_turns else []


def completion(answer: Answer, prompt: list[str], budget: int | None = None, base: str = "") -> dict[str, Any]:
    """A ``chat.completion`` object for an answer: approximate ``usage``, ``[n]`` markers as ``url_citation``
    annotations, and the desk's citations as data in the extra ``citations`` field."""
    text, cut = truncate_tokens(answer.text, budget) if budget else (answer.text, False)
    citations = [{**c.public(), "link": base + passage_path(c.chunk_id)} for c in answer.citations]
    message = {"role": "assistant", "content": text, "refusal": None, "annotations": url_annotations(text, citations)}
    return {
        "id": f"chatcmpl-{answer.answer_id}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": MODEL_ID,
        "choices": [{"index": 0, "message": message, "finish_reason": "length" if cut else "stop", "logprobs": None}],
        "usage": usage(prompt, text),
        "answer_id": answer.answer_id,
        "refused": answer.refused,
        "citations": citations,
    }


def _replacement_text(data: Any) -> str:
    if isinstance(data, str):
        return data
    if isinstance(data, dict):
        return str(data.get("text") or data.get("answer") or "")
    return str(getattr(data, "text", "") or "")


async def chunks(events: AsyncIterator[Event], prompt: list[str], budget: int | None = None) -> AsyncIterator[ServerSentEvent]:
    """Desk events as ``chat.completion.chunk`` objects (cut after ``budget`` tokens, finish ``length``), then
    ``[DONE]``; the last chunk carries ``usage``, ``citations``, ``answer_id`` and ``refused``."""
    cid, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> ServerSentEvent:
        body = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}], **extra}
        return ServerSentEvent(data=json.dumps(body, ensure_ascii=False))

    sent = ""
    cut = False
    citations: list[Any] = []

    def within(piece: str) -> str:
        nonlocal cut
        if not budget or cut:
            return "" if cut else piece
        allowed, cut = truncate_tokens(sent + piece, budget)
        return allowed[len(sent):] if allowed.startswith(sent) else ""

    yield chunk({"role": "assistant", "content": ""})
    async for event in events:
        name, data = event.get("event"), event.get("data")
        piece = ""
        if name == "delta" and data:
            piece = str(data)
        elif name == "replace":
            text = _replacement_text(data)
            piece = text[len(sent):] if text.startswith(sent) else "\n\n" + text
        elif name == "citations":
            citations = jsonable(data) or []
        elif name == "error":
            yield ServerSentEvent(data=json.dumps(jsonable(data), ensure_ascii=False))
            return
        elif name == "done" and isinstance(data, Answer):
            if data.text.startswith(sent) and len(data.text) > len(sent):
                piece = data.text[len(sent):]
            citations = [c.public() for c in data.citations] or citations
        piece = within(piece)
        if piece:
            sent += piece
            yield chunk({"content": piece})
        if (name == "done" and isinstance(data, Answer)) or cut:
            answer_id = data.answer_id if isinstance(data, Answer) else None
            refused = data.refused if isinstance(data, Answer) else False
            yield chunk({}, "length" if cut else "stop", citations=citations, answer_id=answer_id, refused=refused,
                        usage=usage(prompt, sent))
            break
    yield ServerSentEvent(data="[DONE]")


@router.get("/models", summary="OpenAI-compatible model list")
async def list_models() -> dict[str, Any]:
    """The models served here: only ``madoguchi``."""
    return {"object": "list", "data": [model_card()]}


@router.post(
    "/chat/completions",
    summary="OpenAI-compatible chat completions",
    response_model=None,
    responses={
        200: {
            "description": "A `chat.completion` (or with `stream: true` SSE `chat.completion.chunk`s and `[DONE]`); "
            "the answer text lists its sources (出典); the `[n]` markers are `url_citation` annotations; the citations "
            "are data in the extra `citations` field and, base64url JSON, in the `X-Madoguchi-Citations` header "
            "(LangChain: `include_response_headers=True`). `usage` is an approximation (docs/web.md)."
        },
        400: {"model": ErrorResponse, "description": "A parameter the desk cannot honour (n>1, tools, response_format, …)"},
        404: {"model": ErrorResponse, "description": "Unknown model (only `madoguchi`)"},
        **ERROR_RESPONSES,
    },
)
async def chat_completions(body: ChatRequest, request: Request, desk: DeskDep, settings: SettingsDep) -> Response:
    """Answer the last user message, with the earlier user/assistant messages as history."""
    params = body.model_dump(exclude_unset=True)
    check_request(params)
    budget = token_budget(params)
    question, history = split_messages(body.messages, settings.max_history_turns)
    prompt = [question, *(turn["content"] for turn in history)]
    kwargs: dict[str, Any] = {"audience": body.audience, "channel": CHANNEL}
    if body.stream:
        events = await start_stream(partial(desk.ask_stream, question, history, **kwargs))
        return EventSourceResponse(chunks(events, prompt, budget), headers={"Cache-Control": "no-store"})
    answer = await in_answer_thread(request, partial(desk.ask, question, history, **kwargs))
    data = completion(answer, prompt, budget, base=str(request.base_url).rstrip("/"))
    headers = {"X-Madoguchi-Answer-Id": answer.answer_id, "X-Madoguchi-Citations": citations_header(data["citations"])}
    return JSONResponse(data, headers=headers)

