"""The optional LLM judge against a local fake OpenAI-compatible server; it is reported, never gated."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from bot.config import Settings
from evals import compare, runner
from evals.dataset import AskCase, Suite
from evals.judge import Judge
from evals.targets import DeskTarget
from retrieval.errors import DeskError

ANSWERED = AskCase(id="j-conn", question="コネクター度はどうやって計算するのですか？", evidence=("コネクター度",),
                   must_include=("域外販売額",), refuse=False)
REFUSED = AskCase(id="j-weather", question="明日の熊本市の天気を教えてください。", evidence=(), must_include=(), refuse=True)


class FakeOpenAI(BaseHTTPRequestHandler):
    """POST /v1/chat/completions: scripted scores per aspect (or garbage when ``broken``)."""

    broken = False
    bodies: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server API)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.bodies.append(body)
        system = body["messages"][0]["content"]
        if self.broken:
            content = "申し訳ありませんが採点できません。"
        elif "裏付け" in system:
            content = '{"score": 0.8, "reason": "資料の記載どおりです。"}'
        else:
            content = '```json\n{"score": 1.5, "reason": "質問に直接答えています。"}\n```'  # fenced, out of range
        payload = json.dumps({
            "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": body["model"],
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }, ensure_ascii=False).encode()
        self.send_response(200 if self.path == "/v1/chat/completions" else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture()
def fake_llm() -> Iterator[tuple[str, type[FakeOpenAI]]]:
    handler = type("Handler", (FakeOpenAI,), {"bodies": [], "broken": False})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1", handler
    server.shutdown()
    server.server_close()


def judge_for(url: str) -> Judge:
    return Judge(Settings(llm_base_url=url, llm_model="judge-model", llm_api_key="k", _env_file=None))  # type: ignore[call-arg]


def test_judge_scores_answered_cases_beside_the_deterministic_metrics(desk: Any, fake_llm: tuple[str, type[FakeOpenAI]]) -> None:
    url, handler = fake_llm
    report = runner.run(DeskTarget(desk), Suite(ask=[ANSWERED, REFUSED]), judge=judge_for(url))
    judged = report["ask"]["judge"]
    assert judged == {"faithfulness": 0.8, "answer_relevancy": 1.0, "n": 1, "errors": 0, "model": "judge-model"}
    assert report["ask"]["answer"]["refusal_accuracy"] == 1.0  # the deterministic metrics are still there
    cases = {c["id"]: c for c in report["cases"]}
    assert cases["j-conn"]["details"]["judge"]["faithfulness_reason"] == "資料の記載どおりです。"
    assert "judge" not in cases["j-weather"]["details"]  # a declined answer is not judged
    # two calls (faithfulness, relevancy) for the one answered case, prompted in Japanese with the question
    assert len(handler.bodies) == 2
    faithfulness = handler.bodies[0]
    assert faithfulness["model"] == "judge-model" and faithfulness["temperature"] == 0
    user = faithfulness["messages"][1]["content"]
    assert "質問:" in user and ANSWERED.question in user and "参照資料:" in user and "域外販売額" in user
    # never part of the gate
    assert not any("judge" in key for key in compare.METRIC_KEYS)
    with pytest.raises(ValueError):
        compare.resolve_key("faithfulness", report)


def test_unreadable_judge_replies_are_counted_not_fatal(desk: Any, fake_llm: tuple[str, type[FakeOpenAI]]) -> None:
    url, handler = fake_llm
    handler.broken = True
    report = runner.run(DeskTarget(desk), Suite(ask=[ANSWERED]), judge=judge_for(url))
    assert report["ask"]["judge"]["errors"] == 2 and report["ask"]["judge"]["faithfulness"] is None
    assert report["ask"]["answer"]["fact_recall"] is not None


def test_judge_needs_an_llm_endpoint() -> None:
    with pytest.raises(DeskError, match="LLM"):
        Judge(Settings(_env_file=None))  # type: ignore[call-arg]
