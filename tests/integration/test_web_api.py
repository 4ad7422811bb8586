"""The web API on a real uvicorn over the real index: ask (JSON and SSE), feedback, health, metrics, errors."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.answering.answer import Answer
from bot.web.app import create_app
from bot.web.deps import get_desk
from bot.web.routes_misc import STARTER_QUESTIONS
from bot.web.server import serve_in_thread

QUESTION = "よろず支援拠点では何を相談できますか？"
CLI_KEYS = {"answer_id", "answer", "refused", "citations", "hits"}
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def parse_sse(text: str) -> list[tuple[str, Any]]:
    """Server-Sent Events as (event, JSON data) pairs, in order."""
    events: list[tuple[str, Any]] = []
    for block in re.split(r"\r?\n\r?\n", text):
        name, data = "message", []
        for line in re.split(r"\r?\n", block):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))
        if data:
            events.append((name, json.loads("\n".join(data))))
    return events


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> dict[str, str]:
    """The response is the one JSON error shape, with a Japanese message and no traceback."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    if code:
        assert body["error"]["code"] == code, body
    assert JAPANESE.search(body["error"]["message"]), body
    assert "Traceback" not in response.text and "File \"" not in response.text
    return body["error"]


@pytest.fixture(scope="module")
def app(indexed_settings):  # type: ignore[no-untyped-def]
    """The app over the session index."""
    return create_app(indexed_settings.model_copy(update={"rate_limit": "off"}))  # many requests, not a limit test


@pytest.fixture(scope="module")
def base(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app served by uvicorn on a loopback port."""
    with serve_in_thread(app) as url:
        yield url


@pytest.fixture()
def client(base: str) -> Iterator[httpx.Client]:
    """An HTTP client for the live server."""
    with httpx.Client(base_url=base, timeout=120) as c:
        yield c


def test_ask_returns_the_cli_json_keys_with_citations_and_suggestions(client: httpx.Client) -> None:
    response = client.post("/v1/ask", json={"question": QUESTION})
    assert response.status_code == 200
    body = response.json()
    assert CLI_KEYS <= set(body) and set(body) - CLI_KEYS <= {"suggestions", "choices", "mode", "feedback_token"}
    assert not body["refused"]
    assert "よろず支援拠点" in body["answer"] and "出典" in body["answer"]
    assert body["citations"] and all(c["quote"] and c["title"] for c in body["citations"])
    assert isinstance(body["suggestions"], list) and body["mode"]
    assert re.fullmatch(r"[0-9a-f]{16,64}", body["answer_id"])


def test_the_desks_own_time_is_in_server_timing(client: httpx.Client) -> None:
    """A client (or the HTTP bench) tells the desk's time from the HTTP path's: ``Server-Timing: desk;dur=…``."""
    response = client.post("/v1/ask", json={"question": "地域未来交付金の上限額は？"})
    name, _, dur = response.headers["server-timing"].partition(";dur=")
    assert name == "desk" and 0 < float(dur) < 60_000


def test_request_id_is_echoed_or_made(client: httpx.Client) -> None:
    given = client.post("/v1/ask", json={"question": QUESTION}, headers={"X-Request-ID": "eval-run-42.q7"})
    assert given.headers["x-request-id"] == "eval-run-42.q7"
    made = client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{16}", made.headers["x-request-id"])
    hostile = client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces" + "x" * 100})
    assert hostile.headers["x-request-id"] != "bad id\twith spaces" + "x" * 100


@pytest.mark.parametrize("how", ["body", "accept"])
def test_ask_streams_delta_then_citations_then_done(client: httpx.Client, how: str) -> None:
    payload: dict[str, Any] = {"question": QUESTION}
    headers = {}
    if how == "body":
        payload["stream"] = True
    else:
        headers["Accept"] = "text/event-stream"
    with client.stream("POST", "/v1/ask", json=payload, headers=headers) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = parse_sse(response.read().decode("utf-8"))
    names = [name for name, _ in events]
    first_citations = names.index("citations")
    assert names[0] == "delta" and names.count("delta") >= 2
    assert set(names[:first_citations]) <= {"delta", "replace"}
    assert names[-1] == "done" and first_citations < len(names) - 1
    done = events[-1][1]
    assert CLI_KEYS <= set(done)
    assert "".join(data for name, data in events if name == "delta") == done["answer"]
    assert events[first_citations][1] == done["citations"]


def test_stream_input_errors_are_json_not_a_broken_stream(client: httpx.Client) -> None:
    response = client.post("/v1/ask", json={"question": "   ", "stream": True})
    assert_error(response, 422, "empty_input")


def test_history_is_used_for_a_follow_up(client: httpx.Client) -> None:
    history = [{"role": "user", "content": "よろず支援拠点とは何ですか"},
               {"role": "assistant", "content": "中小企業の経営相談の窓口です。"}]
    response = client.post("/v1/ask", json={"question": "相談は無料ですか？", "history": history})
    assert response.status_code == 200
    assert "よろず支援拠点" in response.json()["answer"]


def test_starter_questions_of_the_widget_are_answered(client: httpx.Client) -> None:
    for question in STARTER_QUESTIONS:
        body = client.post("/v1/ask", json={"question": question, "audience": "public"}).json()
        assert not body["refused"], question
        assert body["citations"], question


def test_feedback_is_stored(client: httpx.Client, app) -> None:  # type: ignore[no-untyped-def]
    answer = client.post("/v1/ask", json={"question": QUESTION}).json()
    answer_id = answer["answer_id"]
    response = client.post("/v1/feedback", json={"answer_id": answer_id, "rating": "up", "comment": "分かりやすい",
                                                 "feedback_token": answer["feedback_token"]})
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "answer_id": answer_id, "rating": "up"}
    app.state.audit.flush()
    stored = app.state.audit.feedback(answer_id)
    assert [(f["rating"], f["comment"]) for f in stored] == [("up", "分かりやすい")]


@pytest.mark.parametrize("stream", [False, True])
def test_the_request_id_follows_the_answer_into_the_audit_log(client: httpx.Client, app, stream: bool) -> None:  # type: ignore[no-untyped-def]
    rid = f"trace-{'sse' if stream else 'json'}-1"
    response = client.post("/v1/ask", json={"question": QUESTION, "stream": stream}, headers={"X-Request-ID": rid})
    answer_id = parse_sse(response.text)[-1][1]["answer_id"] if stream else response.json()["answer_id"]
    app.state.audit.flush()
    row = app.state.audit.answer(answer_id)
    assert row and row["request_id"] == rid and row["channel"] == "api"


def test_feedback_on_an_unknown_answer_is_404(client: httpx.Client, app) -> None:  # type: ignore[no-untyped-def]
    from bot.web.feedback import signer_of

    token = signer_of(app.state, app.state.settings).token("0" * 32)
    response = client.post("/v1/feedback", json={"answer_id": "0" * 32, "rating": "down", "feedback_token": token})
    assert_error(response, 404, "not_found")


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"question": ""}, "empty_input"),
        ({}, "invalid_input"),
        ({"question": 42}, "invalid_input"),
        ({"question": "あ" * 2001}, "too_long"),
        ({"question": QUESTION, "audience": "everyone"}, "invalid_input"),
        ({"question": QUESTION, "history": [{"role": "user", "content": "x"}] * 21}, "too_long"),
        ({"question": QUESTION, "history": [{"role": "wizard", "content": "x"}]}, "invalid_input"),
        ({"question": QUESTION, "history": "not a list"}, "invalid_input"),
    ],
)
def test_invalid_questions_are_422_with_a_japanese_message(client: httpx.Client, payload: dict[str, Any], code: str) -> None:
    assert_error(client.post("/v1/ask", json=payload), 422, code)


def test_broken_json_is_422(client: httpx.Client) -> None:
    response = client.post("/v1/ask", content=b'{"question": ', headers={"Content-Type": "application/json"})
    message = assert_error(response, 422, "invalid_input")["message"]
    assert "JSON" in message


def test_feedback_with_a_bad_rating_is_422(client: httpx.Client) -> None:
    assert_error(client.post("/v1/feedback", json={"answer_id": "abc", "rating": "meh"}), 422, "invalid_input")


def test_unknown_paths_and_methods_use_the_error_shape(client: httpx.Client) -> None:
    assert_error(client.get("/v1/nothing-here"), 404, "not_found")
    assert_error(client.get("/v1/ask"), 405, "method_not_allowed")


def test_a_crash_is_a_500_without_a_traceback(app, client: httpx.Client) -> None:  # type: ignore[no-untyped-def]
    class BrokenDesk:
        def ask(self, *args: Any, **kwargs: Any) -> Answer:
            raise RuntimeError("secret internal detail /etc/passwd")

    app.dependency_overrides[get_desk] = lambda: BrokenDesk()
    try:
        response = client.post("/v1/ask", json={"question": QUESTION})
    finally:
        app.dependency_overrides.clear()
    error = assert_error(response, 500, "internal")
    assert "内部エラー" in error["message"]
    assert "secret internal detail" not in response.text and "RuntimeError" not in response.text


def test_health_and_readiness(client: httpx.Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready" and ready.json()["chunks"] > 0


def test_metrics_count_requests_by_route(client: httpx.Client) -> None:
    client.post("/v1/ask", json={"question": QUESTION})
    response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    assert re.search(r'madoguchi_requests_total\{[^}]*route="/v1/ask"[^}]*status="200"[^}]*\} [1-9]', response.text)


def test_widget_config_carries_the_disclaimer_and_the_human_window(client: httpx.Client, indexed_settings) -> None:  # type: ignore[no-untyped-def]
    from bot.messages import DISCLAIMER

    body = client.get("/v1/widget-config").json()
    assert body["disclaimer"] == DISCLAIMER
    assert body["help_url"] == indexed_settings.help_url
    assert body["suggestions"] == STARTER_QUESTIONS
    assert body["max_history_turns"] == 20 and body["max_question_chars"] == 2000


def test_widget_files_and_demo_page_are_served(client: httpx.Client) -> None:
    script = client.get("/widget.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert script.headers["access-control-allow-origin"] == "*"
    assert "attachShadow" in script.text
    assert "text/css" in client.get("/widget.css").headers["content-type"]
    page = client.get("/")
    assert "みらい市" in page.text and "産業振興課" in page.text
    assert re.search(r'<script src="/widget\.js"[^>]*data-audience="public"[^>]*async', page.text)


def test_openapi_documents_every_endpoint(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    for path in ["/v1/ask", "/v1/match", "/v1/precheck", "/v1/feedback", "/v1/chat/completions", "/v1/models",
                 "/healthz", "/readyz", "/v1/widget-config"]:
        assert path in spec["paths"], path
    ask = spec["paths"]["/v1/ask"]["post"]
    assert "text/event-stream" in ask["responses"]["200"]["content"]
    assert "multipart/form-data" in spec["paths"]["/v1/precheck"]["post"]["requestBody"]["content"]
    assert client.get("/docs").status_code == 200


def test_an_empty_data_dir_is_503_index_missing(indexed_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = indexed_settings.model_copy(update={"data_dir": tmp_path / "empty"})
    with serve_in_thread(create_app(settings)) as url, httpx.Client(base_url=url, timeout=60) as c:
        assert c.get("/healthz").status_code == 200
        assert_error(c.get("/readyz"), 503, "index_missing")
        assert_error(c.post("/v1/ask", json={"question": QUESTION}), 503, "index_missing")
        assert_error(c.post("/v1/ask", json={"question": QUESTION, "stream": True}), 503, "index_missing")
