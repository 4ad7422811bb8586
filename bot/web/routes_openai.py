"""OpenAI-compatible chat completions (model ``madoguchi``), so any OpenAI client or eval tool can use the desk."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from functools import partial
from typing import Any

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from sse_starlette import EventSourceResponse, ServerSentEvent

from bot.answering.answer import Answer
from bot.web.deps import DeskDep, SettingsDep
from bot.web.schemas import ERROR_RESPONSES, ChatMessage, ChatRequest
from bot.web.streaming import Event, jsonable, start_stream
from retrieval.errors import Code, DeskError

router = APIRouter(prefix="/v1", tags=["openai"])
MODEL_ID = "madoguchi"
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


def _usage() -> dict[str, int]:
    return {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}


def completion(answer: Answer) -> dict[str, Any]:
    """A ``chat.completion`` object for an answer (citations also in an extra field)."""
    return {
        "id": f"chatcmpl-{answer.answer_id}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": MODEL_ID,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": answer.text}, "finish_reason": "stop", "logprobs": None}
        ],
        "usage": _usage(),
        "answer_id": answer.answer_id,
        "refused": answer.refused,
        "citations": [c.public() for c in answer.citations],
    }


def _replacement_text(data: Any) -> str:
    if isinstance(data, str):
        return data
    if isinstance(data, dict):
        return str(data.get("text") or data.get("answer") or "")
    return str(getattr(data, "text", "") or "")


async def chunks(events: AsyncIterator[Event]) -> AsyncIterator[ServerSentEvent]:
    """Desk events as ``chat.completion.chunk`` objects, then ``[DONE]``."""
    cid, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> ServerSentEvent:
        body = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}], **extra}
        return ServerSentEvent(data=json.dumps(body, ensure_ascii=False))

    sent = ""
    citations: list[Any] = []
    yield chunk({"role": "assistant", "content": ""})
    async for event in events:
        name, data = event.get("event"), event.get("data")
        if name == "delta" and data:
            sent += str(data)
            yield chunk({"content": str(data)})
        elif name == "replace":
            text = _replacement_text(data)
            extra = text[len(sent):] if text.startswith(sent) else "\n\n" + text
            sent += extra
            if extra:
                yield chunk({"content": extra})
        elif name == "citations":
            citations = jsonable(data) or []
        elif name == "error":
            yield ServerSentEvent(data=json.dumps(jsonable(data), ensure_ascii=False))
            return
        elif name == "done" and isinstance(data, Answer):
            if data.text.startswith(sent) and len(data.text) > len(sent):
                yield chunk({"content": data.text[len(sent):]})
            citations = [c.public() for c in data.citations] or citations
            yield chunk({}, "stop", citations=citations, answer_id=data.answer_id, refused=data.refused, usage=_usage())
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
            "the answer text lists its sources (出典) and the response has an extra `citations` field."
        },
        **ERROR_RESPONSES,
    },
)
async def chat_completions(body: ChatRequest, desk: DeskDep, settings: SettingsDep) -> Response:
    """Answer the last user message, with the earlier user/assistant messages as history."""
    question, history = split_messages(body.messages, settings.max_history_turns)
    kwargs: dict[str, Any] = {"audience": body.audience, "channel": CHANNEL}
    if body.stream:
        events = await start_stream(partial(desk.ask_stream, question, history, **kwargs))
        return EventSourceResponse(chunks(events), headers={"Cache-Control": "no-store"})
    answer = await run_in_threadpool(partial(desk.ask, question, history, **kwargs))
    return JSONResponse(completion(answer))

