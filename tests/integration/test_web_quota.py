"""Quotas on a real uvicorn: bad input costs no quota, the evaluator key has its own quota, per key or IP."""

from __future__ import annotations

import httpx
from test_web_api import QUESTION, assert_error

from bot.web.app import create_app
from bot.web.server import serve_in_thread

KEY = "eval-secret-key"


def test_validation_errors_do_not_spend_the_quota(indexed_settings) -> None:  # type: ignore[no-untyped-def]
    settings = indexed_settings.model_copy(update={"rate_limit": "2/minute"})
    with serve_in_thread(create_app(settings)) as url, httpx.Client(base_url=url, timeout=60) as client:
        for _ in range(5):  # empty questions, a wrong type, broken JSON: all refused as bad input
            assert client.post("/v1/ask", json={"question": ""}).status_code == 422
        assert client.post("/v1/ask", json={"question": 3}).status_code == 422
        assert client.post("/v1/ask", content=b"{", headers={"Content-Type": "application/json"}).status_code == 422
        assert client.post("/v1/ask", json={"question": QUESTION}).status_code == 200
        assert client.post("/v1/ask", json={"question": QUESTION}).status_code == 200
        assert_error(client.post("/v1/ask", json={"question": QUESTION}), 429, "rate_limited")


def test_the_evaluator_key_has_its_own_quota(indexed_settings) -> None:  # type: ignore[no-untyped-def]
    settings = indexed_settings.model_copy(
        update={"rate_limit": "1/minute", "eval_api_key": KEY, "eval_rate_limit": "3/minute"}
    )
    with serve_in_thread(create_app(settings)) as url, httpx.Client(base_url=url, timeout=60) as client:
        assert client.post("/v1/ask", json={"question": QUESTION}).status_code == 200
        assert_error(client.post("/v1/ask", json={"question": QUESTION}), 429, "rate_limited")
        # same IP, the evaluator key: its own quota of 3 (X-API-Key or a Bearer token as OpenAI clients send)
        assert client.post("/v1/ask", json={"question": QUESTION}, headers={"X-API-Key": KEY}).status_code == 200
        assert client.post("/v1/ask", json={"question": QUESTION}, headers={"Authorization": f"Bearer {KEY}"}).status_code == 200
        assert client.post("/v1/ask", json={"question": QUESTION}, headers={"X-API-Key": KEY}).status_code == 200
        refused = client.post("/v1/ask", json={"question": QUESTION}, headers={"X-API-Key": KEY})
        assert_error(refused, 429, "rate_limited")
        assert int(refused.headers["retry-after"]) >= 1
        # a wrong key is just an ordinary client: the IP quota, already spent
        wrong = client.post("/v1/ask", json={"question": QUESTION}, headers={"X-API-Key": "guess"})
        assert_error(wrong, 429, "rate_limited")
