"""The LLM client (any OpenAI-compatible endpoint through langchain-openai) and one generation call."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlparse

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage

from bot.config import Settings

log = logging.getLogger("madoguchi.llm")
NO_KEY = "not-needed"  # local servers (vLLM, Ollama, llama.cpp) accept any key
_OPENAI_HOSTS = (".openai.com", ".openai.azure.com", ".azure.com")


class LLMTimeout(TimeoutError):
    """The model did not finish within the configured time."""


def make_chat_model(settings: Settings) -> BaseChatModel:
    """A ``ChatOpenAI`` for the configured endpoint: no retries, streaming with usage, the set timeout."""
    from langchain_openai import ChatOpenAI

    if not settings.llm_enabled:
        raise ValueError("no LLM configured: set MADOGUCHI_LLM_BASE_URL and MADOGUCHI_LLM_MODEL")
    base_url = str(settings.llm_base_url)
    host = urlparse(base_url).hostname or ""
    # ChatOpenAI sends the cap as max_completion_tokens; self-hosted servers also honour max_tokens.
    extra_body = None if host.endswith(_OPENAI_HOSTS) else {"max_tokens": settings.llm_max_tokens}
    return ChatOpenAI(
        model=str(settings.llm_model),
        base_url=base_url,
        api_key=settings.llm_api_key or NO_KEY,  # type: ignore[arg-type]
        timeout=settings.llm_timeout,
        max_retries=0,
        streaming=True,
        stream_usage=True,
        max_tokens=settings.llm_max_tokens,  # type: ignore[call-arg]
        temperature=settings.llm_temperature,
        extra_body=extra_body,
    )


def estimate_tokens(text: str) -> int:
    """Rough token count when the server reports none: one per non-ASCII character, one per 4 ASCII."""
    ascii_chars = sum(1 for ch in text if ord(ch) < 128)
    return (len(text) - ascii_chars) + math.ceil(ascii_chars / 4)


@dataclass
class Usage:
    """Tokens and latency of one LLM call (``estimated`` when the server did not report usage)."""

    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_ms: float = 0.0
    estimated: bool = False

    def as_meta(self) -> dict[str, Any]:
        """The ``answer.meta["llm"]`` form."""
        return asdict(self)


def _model_name(llm: BaseChatModel) -> str:
    return str(getattr(llm, "model_name", "") or getattr(llm, "model", "") or "")


def _fill_usage(usage: Usage, reported: dict[str, Any] | None, messages: Sequence[BaseMessage], text: str) -> None:
    if reported and (reported.get("input_tokens") or reported.get("output_tokens")):
        usage.prompt_tokens = int(reported.get("input_tokens") or 0)
        usage.completion_tokens = int(reported.get("output_tokens") or 0)
    else:
        usage.prompt_tokens = sum(estimate_tokens(str(m.content)) for m in messages)
        usage.completion_tokens = estimate_tokens(text)
        usage.estimated = True


class ChatStream:
    """Iterate the model's text pieces as they arrive; afterwards ``usage`` and ``finish_reason`` are set.

    Raises ``LLMTimeout`` when the whole answer takes longer than ``timeout`` seconds (each network
    read is also bounded by the client's own timeout), and lets any client error through.
    """

    def __init__(self, llm: BaseChatModel, messages: Sequence[BaseMessage], timeout: float) -> None:
        self.llm = llm
        self.messages = list(messages)
        self.timeout = timeout
        self.usage = Usage(model=_model_name(llm))
        self.finish_reason = ""
        self.text = ""

    def __iter__(self) -> Iterator[str]:
        started = time.perf_counter()
        deadline = started + self.timeout
        reported: dict[str, Any] | None = None
        try:
            for chunk in self.llm.stream(self.messages):
                meta = chunk.response_metadata or {}
                self.finish_reason = str(meta.get("finish_reason") or self.finish_reason)
                self.usage.model = str(meta.get("model_name") or self.usage.model)
                usage_metadata = getattr(chunk, "usage_metadata", None)
                if usage_metadata:
                    reported = dict(usage_metadata)
                piece = chunk.content if isinstance(chunk.content, str) else ""
                if piece:
                    self.text += piece
                    yield piece
                if time.perf_counter() > deadline:
                    raise LLMTimeout(f"LLM answer not finished within {self.timeout}s")
        finally:
            self.usage.latency_ms = round((time.perf_counter() - started) * 1000, 2)
            _fill_usage(self.usage, reported, self.messages, self.text)


def complete(llm: BaseChatModel, messages: Sequence[BaseMessage]) -> tuple[str, Usage]:
    """One non-streamed completion: the text and its usage."""
    started = time.perf_counter()
    usage = Usage(model=_model_name(llm))
    try:
        reply = llm.invoke(list(messages), stream=False)
    finally:
        usage.latency_ms = round((time.perf_counter() - started) * 1000, 2)
    text = reply.content if isinstance(reply.content, str) else ""
    usage.model = str((reply.response_metadata or {}).get("model_name") or usage.model)
    _fill_usage(usage, getattr(reply, "usage_metadata", None), messages, text)
    return text, usage


def failure_reason(exc: BaseException) -> str:
    """A short, log-safe name for why an LLM call failed (timeout, http_500, connection, ...)."""
    import httpx
    import openai

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, LLMTimeout | openai.APITimeoutError | httpx.TimeoutException | TimeoutError):
            return "timeout"
        if isinstance(seen, openai.APIStatusError):
            return f"http_{seen.status_code}"
        if isinstance(seen, openai.APIConnectionError | httpx.TransportError):
            return "connection"
        seen = seen.__cause__ or seen.__context__
    return type(exc).__name__
