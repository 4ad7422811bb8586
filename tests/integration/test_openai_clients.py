"""Real third-party clients on loopback: the official ``openai`` client and LangChain (``ChatOpenAI``, the retriever in
an LCEL chain) get citations as data, honest ``usage``, and a clear 400 for what the desk cannot do."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableLambda, RunnablePassthrough
from langchain_openai import ChatOpenAI
from pydantic import BaseModel

from bot.web.app import create_app
from bot.web.openai_compat import decode_citations_header
from bot.web.server import serve_in_thread
from retrieval.lc import MadoguchiRetriever

QUESTION = "海外展開を考える中小企業が使える支援はありますか？"


@pytest.fixture(scope="module")
def base(indexed_settings: Any) -> Iterator[str]:
    with serve_in_thread(create_app(indexed_settings.model_copy(update={"rate_limit": "off"}))) as url:
        yield f"{url}/v1"


@pytest.fixture(scope="module")
def client(base: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=base, api_key="not-needed", max_retries=0, timeout=120)


def ask(client: openai.OpenAI, **kwargs: Any) -> Any:
    return client.chat.completions.create(model="madoguchi", messages=[{"role": "user", "content": QUESTION}], **kwargs)


# --- the official openai client ---------------------------------------------------------------------------------------
def test_citations_arrive_as_url_citation_annotations(client: openai.OpenAI) -> None:
    response = ask(client)
    message = response.choices[0].message
    assert message.annotations, "each [n] marker is an annotation"
    for note in message.annotations:
        span = message.content[note.url_citation.start_index:note.url_citation.end_index]
        assert span.startswith("[") and span.endswith("]")
        assert note.url_citation.title
    extra = response.model_extra or {}
    assert [f"[{c['n']}]" for c in extra["citations"]] == [
        message.content[a.url_citation.start_index:a.url_citation.end_index] for a in message.annotations]


def test_usage_counts_what_was_read_and_written(client: openai.OpenAI) -> None:
    short = client.chat.completions.create(model="madoguchi", messages=[{"role": "user", "content": "JETROとは？"}])
    long = ask(client)
    for response in (short, long):
        assert response.usage.prompt_tokens > 0 and response.usage.completion_tokens > 0
        assert response.usage.total_tokens == response.usage.prompt_tokens + response.usage.completion_tokens
    assert long.usage.prompt_tokens > short.usage.prompt_tokens  # a longer question reads more


def test_max_tokens_cuts_the_answer_with_finish_reason_length(client: openai.OpenAI) -> None:
    whole = ask(client).choices[0].message.content
    cut = ask(client, max_tokens=20)
    assert cut.choices[0].finish_reason == "length"
    assert whole.startswith(cut.choices[0].message.content) and len(cut.choices[0].message.content) < len(whole)
    assert cut.usage.completion_tokens <= 20
    streamed = list(ask(client, max_tokens=20, stream=True))
    text = "".join(c.choices[0].delta.content or "" for c in streamed if c.choices)
    assert text == cut.choices[0].message.content
    assert streamed[-1].choices[0].finish_reason == "length"


@pytest.mark.parametrize(("kwargs", "named"), [
    ({"n": 2}, "n"),
    ({"tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]}, "tools"),
    ({"response_format": {"type": "json_object"}}, "response_format"),
    ({"logprobs": True}, "logprobs"),
])
def test_unsupported_parameters_answer_400_naming_them(client: openai.OpenAI, kwargs: dict[str, Any], named: str) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        ask(client, **kwargs)
    assert caught.value.status_code == 400
    assert named in caught.value.message and "対応していません" in caught.value.message


def test_sampling_parameters_are_accepted(client: openai.OpenAI) -> None:
    response = ask(client, temperature=0.2, top_p=0.9, seed=1, stop=["。。"], user="tester", n=1)
    assert response.choices[0].finish_reason == "stop"


def test_an_unknown_model_is_not_found(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": QUESTION}])
    assert "madoguchi" in caught.value.message


# --- LangChain ---------------------------------------------------------------------------------------------------------
def chat_model(base: str, **kwargs: Any) -> ChatOpenAI:
    return ChatOpenAI(model="madoguchi", base_url=base, api_key="not-needed", max_retries=0,  # type: ignore[arg-type]
                      include_response_headers=True, **kwargs)


def test_langchain_chat_model_gets_citations_as_data(base: str) -> None:
    message = chat_model(base).invoke(QUESTION)
    assert "出典" in message.content
    citations = decode_citations_header(message.response_metadata["headers"]["x-madoguchi-citations"])
    assert citations and all(c["title"] and c["quote"] for c in citations)
    assert all(f"[{c['n']}]" in message.content for c in citations)
    assert message.usage_metadata and message.usage_metadata["output_tokens"] > 0


def test_langchain_structured_output_gets_a_clear_400(base: str) -> None:
    class Answer(BaseModel):
        text: str

    with pytest.raises(openai.BadRequestError) as caught:
        chat_model(base).with_structured_output(Answer).invoke(QUESTION)
    assert "response_format" in caught.value.message or "tools" in caught.value.message


def test_the_retriever_in_an_lcel_chain_with_the_desk_as_chat_model(base: str, desk: Any) -> None:
    """The documented example of docs/langchain.md: retrieve with MadoguchiRetriever, answer with the desk."""
    retriever = MadoguchiRetriever(retriever=desk.retriever, k=3)

    def sources(docs: list[Any]) -> str:
        return "\n".join(f"- {d.metadata['title']} {d.metadata['section']}" for d in docs)

    prompt = ChatPromptTemplate.from_messages([("user", "{question}")])
    chain = (
        {"question": RunnablePassthrough(), "sources": retriever | RunnableLambda(sources)}
        | RunnablePassthrough.assign(answer=prompt | chat_model(base) | StrOutputParser())
    )
    result = chain.invoke(QUESTION)
    assert result["sources"].count("- ") == 3
    assert "JETRO" in result["answer"] and "出典" in result["answer"]


def test_a_wrong_content_type_is_415(base: str) -> None:
    response = httpx.post(f"{base}/chat/completions", content="hello", headers={"Content-Type": "text/plain"}, timeout=60)
    assert response.status_code == 415
    assert "application/json" in response.json()["error"]["message"]
