"""``madoguchi eval --endpoint``: the same suites against a desk over HTTP (a scripted desk on loopback)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

RELEVANT = {"chunk_id": "c-conn", "score": 0.9, "title": "基本的な考え方", "section": "2. 地域産業クラスター > (2) 概要",
            "text": "コネクター度：域外販売額を用いる"}
OTHER = {"chunk_id": "c-hub", "score": 0.8, "title": "基本的な考え方", "section": "2. 地域産業クラスター > (2) 概要",
         "text": "ハブ度：域内仕入額を用いる"}
ANSWERS: dict[str, dict[str, Any]] = {
    # answered: relevant chunk at rank 2, the fact stated, a valid citation
    "コネクター度とは？": {"answer": "・コネクター度：域外販売額を用いる [1]", "refused": False, "hits": [OTHER, RELEVANT],
                    "citations": [{"n": 1, "chunk_id": "c-conn", "title": "", "section": "", "url": "", "as_of": "", "quote": "コネクター度：域外販売額を用いる"}]},
    # answerable but declined: relevant chunk at rank 1
    "ハブ度とは？": {"answer": "資料には記載がありません。", "refused": True, "hits": [OTHER, RELEVANT], "citations": []},
    "明日の天気は？": {"answer": "資料には記載がありません。", "refused": True, "hits": [], "citations": []},
}
CASES = [
    {"id": "h-conn", "task": "ask", "question": "コネクター度とは？", "evidence": ["コネクター度"], "must_include": ["域外販売額"], "refuse": False},
    {"id": "h-hub", "task": "ask", "question": "ハブ度とは？", "history": [{"role": "user", "content": "前の質問"}],
     "evidence": ["ハブ度"], "must_include": ["域内仕入額"], "refuse": False},
    {"id": "h-weather", "task": "ask", "question": "明日の天気は？", "evidence": [], "must_include": [], "refuse": True},
    {"id": "h-match", "task": "match", "plan": "輸出を伸ばす計画", "expected_measures": ["JETRO|日本貿易振興機構", "レビキャリ"]},
    {"id": "h-pre", "task": "precheck", "plan": "地場の計画", "plan_type": "local_industry",
     "expected_status": {"有望度": "met", "外部依存性": "partial"}},
]


class ScriptedDesk(BaseHTTPRequestHandler):
    """POST /v1/ask, /v1/match, /v1/precheck with fixed answers; records every request body."""

    plans_ready = True
    requests: list[tuple[str, dict[str, Any]]] = []
    throttle: list[str] = []  # Retry-After values of the next 429 answers, one per request

    def do_POST(self) -> None:  # noqa: N802 (http.server API)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.throttle:
            payload = json.dumps({"error": {"code": "rate_limited", "message": "待ってください"}}).encode()
            self.send_response(429)
            self.send_header("Retry-After", self.throttle.pop(0))
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        self.requests.append((self.path, body))
        if self.path == "/v1/ask":
            answer = ANSWERS.get(body["question"])
            self._send(200, {"answer_id": "x", **answer} if answer else {"error": {"code": "invalid_input", "message": "?"}})
        elif not self.plans_ready:
            self._send(501, {"error": {"code": "not_implemented", "message": "計画の分析は準備中です。"}})
        elif self.path == "/v1/match":
            self._send(200, {"answer_id": "m", "results": [
                {"id": "yorozu", "name": "よろず支援拠点", "aliases": []},
                {"id": "jetro", "name": "JETROの海外展開支援", "aliases": ["日本貿易振興機構"]}]})
        elif self.path == "/v1/precheck":
            self._send(200, {"answer_id": "p", "items": [
                {"label": "有望度", "kind": "requirement", "status": "met"},
                {"label": "外部依存性", "kind": "requirement", "status": "missing"}]})
        else:
            self._send(404, {"error": {"code": "not_found", "message": "no"}})

    def _send(self, status: int, data: dict[str, Any]) -> None:
        payload = json.dumps(data, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture()
def scripted_desk() -> Iterator[tuple[str, type[ScriptedDesk]]]:
    handler = type("Handler", (ScriptedDesk,), {"requests": [], "plans_ready": True, "throttle": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler
    server.shutdown()
    server.server_close()


def madoguchi(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "madoguchi"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bot"]
    return subprocess.run([*command, *args], env=env, capture_output=True, text=True, timeout=300)


def run_eval(tmp_path: Path, env: dict[str, str], url: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    dataset = tmp_path / "http.jsonl"
    dataset.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in CASES), encoding="utf-8")
    out = madoguchi(["eval", "--dataset", str(dataset), "--endpoint", url, "--json", str(tmp_path / "r.json")], env)
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8")) if out.returncode == 0 else {}
    return out, report


def test_metrics_over_http_by_hand(tmp_path: Path, cli_env: dict[str, str], scripted_desk: tuple[str, type[ScriptedDesk]]) -> None:
    url, handler = scripted_desk
    out, report = run_eval(tmp_path, cli_env, url)
    assert out.returncode == 0, out.stderr
    ask = report["ask"]
    assert ask["retrieval"]["recall@1"] == 0.5 and ask["retrieval"]["recall@5"] == 1.0
    assert ask["retrieval"]["mrr@10"] == 0.75  # (1/2 + 1/1) / 2
    assert ask["answer"] == {"fact_recall": 0.5, "citation_validity": 1.0, "refusal_accuracy": 1.0, "false_refusal_rate": 0.5,
                             # the one answer given carries its facts (1/1); the other answerable case was declined (1/2)
                             "precision": 1.0, "coverage": 0.5}
    assert report["match"]["n"] == 1 and report["match"]["recall@5"] == 0.5 and report["match"]["mrr"] == 0.5
    assert report["precheck"]["n"] == 1 and report["precheck"]["accuracy"] == 0.5
    cases = {c["id"]: c for c in report["cases"]}
    assert cases["h-pre"]["details"]["mismatches"] == {"外部依存性": {"expected": "partial", "actual": "missing"}}
    assert cases["h-match"]["details"]["expected"] == {"JETRO|日本貿易振興機構": 2, "レビキャリ": None}
    # the documented request bodies
    bodies = dict((path, body) for path, body in handler.requests if path != "/v1/ask")
    assert bodies == {"/v1/match": {"plan": "輸出を伸ばす計画", "n": 5},
                      "/v1/precheck": {"plan": "地場の計画", "plan_type": "local_industry"}}
    asked = [body for path, body in handler.requests if path == "/v1/ask"]
    assert asked[1] == {"question": "ハブ度とは？", "history": [{"role": "user", "content": "前の質問"}]}


def test_retry_after_is_honoured_and_gives_the_same_figures(
    tmp_path: Path, cli_env: dict[str, str], scripted_desk: tuple[str, type[ScriptedDesk]]
) -> None:
    url, handler = scripted_desk
    (tmp_path / "plain").mkdir()
    (tmp_path / "throttled").mkdir()
    _, plain = run_eval(tmp_path / "plain", cli_env, url)
    handler.throttle = ["0", "0", "0"]  # three refusals in a row, each asking for no wait
    out, throttled = run_eval(tmp_path / "throttled", cli_env, url)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "429（回数制限）を 3 回受け、3 回再試行しました" in out.stdout
    for key in ("ask", "match", "precheck"):
        throttled[key].pop("latency_ms", None), plain[key].pop("latency_ms", None)  # timings differ run to run
        assert throttled[key] == plain[key]


def test_retries_run_out_and_the_run_fails(tmp_path: Path, cli_env: dict[str, str], scripted_desk: tuple[str, type[ScriptedDesk]]) -> None:
    url, handler = scripted_desk
    handler.throttle = ["0"] * 3  # the first case is refused three times; one retry allowed
    dataset = tmp_path / "http.jsonl"
    dataset.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in CASES), encoding="utf-8")
    out = madoguchi(["eval", "--dataset", str(dataset), "--endpoint", url, "--max-retries", "1", "--json", str(tmp_path / "r.json")], cli_env)
    assert out.returncode == 4, out.stdout + out.stderr
    assert "エラー 1 件（指標から除外）" in out.stdout and "HTTP 429" in out.stdout
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["ask"]["errors"] == 1
    # the errored case is not a miss: recall is measured on the other answerable case only
    assert report["ask"]["retrieval"]["recall@5"] == 1.0
    cases = {c["id"]: c for c in report["cases"]}
    assert cases["h-conn"]["details"]["reasons"] == ["error"]


def test_plan_analysis_not_ready_is_reported_as_not_supported(
    tmp_path: Path, cli_env: dict[str, str], scripted_desk: tuple[str, type[ScriptedDesk]]
) -> None:
    url, handler = scripted_desk
    handler.plans_ready = False
    out, report = run_eval(tmp_path, cli_env, url)
    assert out.returncode == 0, out.stderr
    for task, metrics in (("match", ("recall@5", "mrr")), ("precheck", ("accuracy",))):
        assert report[task]["n"] == 0 and report[task]["supported"] is False
        assert all(report[task][m] is None for m in metrics)
        assert "not supported" in report[task]["reason"]
    skipped = [c for c in report["cases"] if c["task"] != "ask"]
    assert all(c["passed"] is None and c["skipped"] is True and "not supported" in c["details"]["reason"] for c in skipped)
    assert report["ask"]["n"] == 3  # ask still measured


def test_unreachable_endpoint_fails_politely(tmp_path: Path, cli_env: dict[str, str]) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out, _ = run_eval(tmp_path, cli_env, f"http://127.0.0.1:{port}")
    assert out.returncode == 3
    assert "接続できません" in out.stderr and "Traceback" not in out.stderr
