"""LLM mode through the web door: tokens reach the HTTP client as they come; ``replace`` passes through."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest
from fakes.fake_openai import FakeOpenAI, Reply
from test_web_api import parse_sse

from bot import messages
from bot.web.app import create_app
from bot.web.server import serve_in_thread

QUESTION = "地場産業成長プランの要件は？"
CHUNKS = ["地場産業成長プランでは、", "自治体のコミットメントとして", "相談窓口の設置が", "求められます[1]。",
          "また、", "KPIの設定も", "要件です[2]。"]


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOpenAI]:
    """A fake OpenAI-compatible model server."""
    with FakeOpenAI() as server:
        yield server


@pytest.fixture(scope="module")
def base(fake: FakeOpenAI, indexed_settings) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app in LLM mode on a loopback port."""
    settings = indexed_settings.model_copy(
        update={"llm_base_url": fake.base_url, "llm_model": "fake-model", "llm_timeout": 5.0, "top_k": 3,
                "cache_size": 0})  # each test scripts its own reply
    with serve_in_thread(create_app(settings)) as url:
        yield url


@pytest.fixture(autouse=True)
def _fresh(fake: FakeOpenAI) -> None:
    fake.reset()


def shown(events: list[tuple[str, Any]]) -> str:
    """What the widget shows: deltas appended, a replace starting over."""
    text = ""
    for name, data in events:
        if name == "delta":
            text += data
        elif name == "replace":
            text = data
    return text


def test_tokens_reach_the_client_before_the_model_has_finished(base: str, fake: FakeOpenAI) -> None:
    fake.push(Reply(chunks=CHUNKS, gate_after=3))
    body = ""
    with httpx.Client(base_url=base, timeout=60) as client, client.stream(
        "POST", "/v1/ask", json={"question": QUESTION, "stream": True}
    ) as response:
        assert response.status_code == 200
        lines = response.iter_lines()
        for line in lines:
            body += line + "\n"
            if line.startswith("data:") and "event: delta" in body:
                break
        assert fake.chunks_sent <= 3  # the first delta arrived while the model was still held back
        fake.release()
        body += "\n".join(lines)
    events = parse_sse(body)
    names = [name for name, _ in events]
    assert names[-2:] == ["citations", "done"]
    done = events[-1][1]
    assert done["mode"] == "llm" and done["answer"].startswith("".join(CHUNKS))
    assert shown(events) == done["answer"]


def test_a_replace_event_passes_through_and_the_shown_text_is_the_final_answer(base: str, fake: FakeOpenAI) -> None:
    fake.push(Reply(chunks=CHUNKS, fail_after=2))
    with httpx.Client(base_url=base, timeout=60) as client:
        response = client.post("/v1/ask", json={"question": QUESTION, "stream": True})
    events = parse_sse(response.text)
    names = [name for name, _ in events]
    assert "replace" in names and names[-2:] == ["citations", "done"]
    done = events[-1][1]
    assert done["answer"].startswith(messages.LLM_FALLBACK_NOTE)
    assert shown(events) == done["answer"]


def test_openai_streaming_ends_with_the_final_answer_after_a_failure(base: str, fake: FakeOpenAI) -> None:
    fake.push(Reply(chunks=CHUNKS, fail_after=2))
    client = openai.OpenAI(base_url=f"{base}/v1", api_key="x", max_retries=0, timeout=60)
    chunks = list(client.chat.completions.create(
        model="madoguchi", messages=[{"role": "user", "content": QUESTION}], stream=True))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert messages.LLM_FALLBACK_NOTE in text
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert (chunks[-1].model_extra or {}).get("citations")
