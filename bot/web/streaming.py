"""Bridging the desk's blocking event stream to async responses, and the JSON form of an answer."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from fastapi.concurrency import iterate_in_threadpool, run_in_threadpool
from pydantic import BaseModel
from sse_starlette import ServerSentEvent

from bot.answering.answer import Answer
from bot.web.errors import INTERNAL_MESSAGE, error_body
from retrieval.errors import Code, DeskError

log = logging.getLogger("madoguchi.web")
Event = dict[str, Any]
_END: Event = {"event": "__end__"}


def answer_json(answer: Answer) -> dict[str, Any]:
    """The answer as the API returns it: ``answer.public()`` plus suggestions, a clarifying question's choices and mode."""
    return {
        **answer.public(),
        "suggestions": list(answer.suggestions),
        "choices": [c.model_dump() for c in answer.choices],
        "mode": answer.mode,
    }


def jsonable(data: Any) -> Any:
    """Event data as plain JSON values (an Answer becomes the API's answer JSON)."""
    if isinstance(data, Answer):
        return answer_json(data)
    if isinstance(data, BaseModel):
        return data.model_dump(mode="json")
    if isinstance(data, list | tuple):
        return [jsonable(x) for x in data]
    if isinstance(data, dict):
        return {k: jsonable(v) for k, v in data.items()}
    return data


def _close(events: Iterator[Event]) -> None:
    close = getattr(events, "close", None)
    if close is not None:
        try:
            close()
        except Exception:  # still running in a worker thread, or already failed
            log.debug("could not close the desk stream", exc_info=True)


async def start_stream(open_events: Callable[[], Iterator[Event]]) -> AsyncIterator[Event]:
    """Open the desk stream and pull its first event in a worker thread (bad input raises here, as JSON);
    then return an async iterator of all events that turns a later failure into an ``error`` event."""
    events = await run_in_threadpool(lambda: iter(open_events()))
    try:
        first = await run_in_threadpool(next, events, _END)
    except BaseException:
        _close(events)
        raise

    async def all_events() -> AsyncIterator[Event]:
        try:
            if first is not _END:
                yield first
                async for event in iterate_in_threadpool(events):
                    yield event
        except DeskError as exc:
            yield {"event": "error", "data": exc.to_dict()}
        except Exception:
            log.exception("desk stream failed")
            yield {"event": "error", "data": error_body(Code.INTERNAL.value, INTERNAL_MESSAGE)}
        finally:
            _close(events)

    return all_events()


async def sse_events(events: AsyncIterator[Event]) -> AsyncIterator[ServerSentEvent]:
    """Desk events as Server-Sent Events; every event name passes through, data is JSON."""
    async for event in events:
        name = str(event.get("event", "message"))
        yield ServerSentEvent(event=name, data=json.dumps(jsonable(event.get("data")), ensure_ascii=False))
