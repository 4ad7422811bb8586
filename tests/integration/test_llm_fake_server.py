"""The fake OpenAI-compatible server speaks the wire format the official openai SDK expects."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import openai
import pytest
from fakes.fake_openai import FakeOpenAI, Reply


@pytest.fixture()
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


def _client(fake: FakeOpenAI, timeout: float = 5.0) -> openai.OpenAI:
    return openai.OpenAI(base_url=fake.base_url, api_key="test-key", timeout=timeout, max_retries=0)


def test_non_stream_reply_and_recording(fake: FakeOpenAI) -> None:
    fake.push(Reply("こんにちは"))
    reply = _client(fake).chat.completions.create(model="m", messages=[{"role": "user", "content": "やあ"}])
    assert reply.choices[0].message.content == "こんにちは" and reply.usage is not None
    assert fake.requests[0].user == "やあ" and fake.requests[0].headers["authorization"] == "Bearer test-key"


def test_stream_chunks_in_order_with_usage_and_done(fake: FakeOpenAI) -> None:
    fake.push(Reply(chunks=["一", "二", "三"]))
    stream = _client(fake).chat.completions.create(
        model="m", messages=[{"role": "user", "content": "q"}], stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "一二三"
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == 3


def test_scripted_error_timeout_and_dropped_stream(fake: FakeOpenAI) -> None:
    fake.push(Reply(status=500), Reply("遅い", delay=10), Reply(chunks=["a", "b", "c"], fail_after=1))
    client = _client(fake, timeout=1.0)
    msgs = [{"role": "user", "content": "q"}]
    with pytest.raises(openai.InternalServerError):
        client.chat.completions.create(model="m", messages=msgs)  # type: ignore[arg-type]
    with pytest.raises(openai.APITimeoutError):
        client.chat.completions.create(model="m", messages=msgs)  # type: ignore[arg-type]
    with pytest.raises((httpx.RemoteProtocolError, openai.APIError)):
        list(client.chat.completions.create(model="m", messages=msgs, stream=True))  # type: ignore[arg-type]


def test_unscripted_request_is_a_clear_500_and_models_are_listed(fake: FakeOpenAI) -> None:
    with pytest.raises(openai.InternalServerError, match="no scripted reply"):
        _client(fake).chat.completions.create(model="m", messages=[{"role": "user", "content": "q"}])
    assert [m.id for m in _client(fake).models.list()] == ["fake-model"]
