"""POST /v1/ask: one answer as JSON, or streamed as Server-Sent Events (delta…, citations, done)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sse_starlette import EventSourceResponse

from bot.answering.answer import Answer
from bot.web.answer_threads import in_answer_thread
from bot.web.deps import ChannelDep, DeskDep
from bot.web.feedback import FeedbackSigner, signer_of
from bot.web.schemas import ERROR_RESPONSES, AskRequest, AskResponse
from bot.web.streaming import Event, answer_json, sse_events, start_stream

router = APIRouter(prefix="/v1", tags=["ask"])

SSE_DOC = (
    "event: delta\\ndata: \"資料（…）には次のとおり\"\\n\\n…"
    "event: citations\\ndata: [{\"n\": 1, …}]\\n\\nevent: done\\ndata: {\"answer_id\": …}\\n\\n"
)


def wants_event_stream(request: Request) -> bool:
    """True when the client asked for Server-Sent Events in its Accept header."""
    return "text/event-stream" in request.headers.get("accept", "")


@router.post(
    "/ask",
    summary="Ask the desk a question",
    response_model=None,
    responses={
        200: {
            "model": AskResponse,
            "description": "The answer (JSON), or with `stream: true` / `Accept: text/event-stream` an SSE stream: "
            "`delta` events (JSON strings), `citations` (JSON list), `done` (the full answer JSON); "
            "an `error` event carries the error JSON if the answer fails mid-stream.",
            "content": {"text/event-stream": {"example": SSE_DOC}},
        },
        **ERROR_RESPONSES,
    },
)
async def ask(body: AskRequest, request: Request, desk: DeskDep, channel: ChannelDep) -> Response:
    """Answer a question from the sources with citations, or decline and point to a human window."""
    history: list[dict[str, Any]] | None = [t.model_dump() for t in body.history] if body.history else None
    kwargs: dict[str, Any] = {"audience": body.audience, "channel": channel}
    signer = signer_of(request.app.state, request.app.state.settings)
    if body.stream or wants_event_stream(request):
        events = await start_stream(partial(desk.ask_stream, body.question, history, **kwargs))
        return EventSourceResponse(sse_events(with_feedback_token(events, signer)), headers={"Cache-Control": "no-store"})
    answer = await in_answer_thread(request, partial(desk.ask, body.question, history, **kwargs))
    return JSONResponse({**answer_json(answer), "feedback_token": signer.token(answer.answer_id)},
                        headers=server_timing(answer))


def server_timing(answer: Answer) -> dict[str, str]:
    """``Server-Timing: desk;dur=…``: the milliseconds the desk spent on the answer, so a client or a benchmark can
    tell the desk's time from the HTTP path's (W3C Server Timing; browsers show it in their network panel)."""
    latency = answer.meta.get("latency_ms")
    return {"Server-Timing": f"desk;dur={float(latency):.2f}"} if isinstance(latency, int | float) else {}


async def with_feedback_token(events: AsyncIterator[Event], signer: FeedbackSigner) -> AsyncIterator[Event]:
    """The desk's events, the final answer (``done``) carrying its feedback token."""
    async for event in events:
        data = event.get("data")
        if event.get("event") == "done" and isinstance(data, Answer):
            event = {**event, "data": {**answer_json(data), "feedback_token": signer.token(data.answer_id)}}
        yield event
