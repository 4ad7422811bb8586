"""Answers are composed in worker threads behind one limit per worker process (``MADOGUCHI_ANSWER_THREADS``).

An extractive answer is CPU work under the GIL: with Starlette's default pool of 40 threads, sixteen concurrent
requests share one interpreter lock and each takes as long as all of them (p95 2–2.4× p50 at c = 16); queued one
at a time they finish in arrival order (p95 1.2–1.3× p50, docs/performance.md). With an LLM each answer mostly waits
on the endpoint, so the default allows 16."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread
from fastapi import Request

T = TypeVar("T")


def answer_limiter(concurrency: int) -> anyio.CapacityLimiter:
    """A limiter that lets ``concurrency`` answers be composed at once."""
    return anyio.CapacityLimiter(concurrency)


async def in_answer_thread(request: Request, compose: Callable[[], T]) -> T:
    """Run ``compose`` in a worker thread once the app's answer limiter has room."""
    limiter: anyio.CapacityLimiter = request.app.state.answer_limiter
    return await anyio.to_thread.run_sync(compose, limiter=limiter)
