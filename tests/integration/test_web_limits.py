"""Protection on a real uvicorn: body-size caps (413), rate limits (429), the origin allowlist (CORS, 403)."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from test_web_api import QUESTION, assert_error

from bot.web.app import create_app
from bot.web.limits import MAX_JSON_BYTES, upload_body_cap
from bot.web.server import serve_in_thread

CITY = "https://www.city.mirai.example.jp"
EVIL = "https://evil.example.com"


def raw_request(base: str, head: str, body_chunks: list[bytes] = ()) -> tuple[int, dict[str, str], bytes]:  # type: ignore[assignment]
    """Send a hand-made HTTP/1.1 request (to control Content-Length and chunking); return status, headers, body."""
    parts = urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port), timeout=60) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode() + b"\r\n")
        try:
            for chunk in body_chunks:
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed early, as it should
        sock.shutdown(socket.SHUT_WR)
        data = b""
        while True:
            piece = sock.recv(65536)
            if not piece:
                break
            data += piece
    header_block, _, payload = data.partition(b"\r\n\r\n")
    lines = header_block.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    if headers.get("transfer-encoding") == "chunked":
        payload = _unchunk(payload)
    return int(lines[0].split()[1]), headers, payload


def _unchunk(data: bytes) -> bytes:
    out = b""
    while data:
        size_line, _, rest = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out, data = out + rest[:size], rest[size + 2:]
    return out


def assert_raw_error(status: int, headers: dict[str, str], body: bytes, expected: int, code: str) -> None:
    """A raw response is the JSON error shape."""
    assert status == expected, body[:300]
    assert headers["content-type"].startswith("application/json")
    assert json.loads(body)["error"]["code"] == code


@pytest.fixture(scope="module")
def base(indexed_settings) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app with one allowed cross-origin site."""
    settings = indexed_settings.model_copy(update={"allowed_origins": CITY, "rate_limit": "off"})
    with serve_in_thread(create_app(settings)) as url:
        yield url


# --- 413 -----------------------------------------------------------------------------------------------
def test_a_declared_oversize_json_body_is_refused_before_it_is_read(base: str) -> None:
    head = f"POST /v1/ask HTTP/1.1\nHost: test\nContent-Type: application/json\nContent-Length: {MAX_JSON_BYTES + 1}\n"
    status, headers, body = raw_request(base, head)
    assert_raw_error(status, headers, body, 413, "too_large")
    assert "大きすぎます" in json.loads(body)["error"]["message"]


def test_an_undeclared_oversize_body_is_counted_while_streaming(base: str) -> None:
    chunk = b"a" * 65536
    n = MAX_JSON_BYTES // len(chunk) + 2
    body = [b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(n)] + [b"0\r\n\r\n"]
    head = "POST /v1/ask HTTP/1.1\nHost: test\nContent-Type: application/json\nTransfer-Encoding: chunked\n"
    status, headers, payload = raw_request(base, head, body)
    assert_raw_error(status, headers, payload, 413, "too_large")


def test_an_oversize_plan_upload_is_413(base: str, indexed_settings) -> None:  # type: ignore[no-untyped-def]
    size = upload_body_cap(indexed_settings) + 1
    head = (f"POST /v1/precheck HTTP/1.1\nHost: test\nContent-Type: multipart/form-data; boundary=xyz\n"
            f"Content-Length: {size}\n")
    status, headers, body = raw_request(base, head)
    assert_raw_error(status, headers, body, 413, "too_large")


def test_a_plan_upload_may_be_much_larger_than_a_json_question(base: str) -> None:
    plan = ("# みらい市 地場産業成長プラン（案）\n域外販売額を増やす。\n" * 8000).encode()
    assert len(plan) > MAX_JSON_BYTES
    with httpx.Client(base_url=base, timeout=120) as client:  # n=0 makes it stop right after the body is read
        response = client.post("/v1/match", files={"file": ("plan.md", plan, "text/markdown")}, data={"n": "0"})
    assert_error(response, 422, "invalid_input")


# --- 403 and CORS ------------------------------------------------------------------------------------------
def test_a_post_from_a_disallowed_origin_is_403_without_cors_headers(base: str) -> None:
    with httpx.Client(base_url=base, timeout=60) as client:
        response = client.post("/v1/ask", json={"question": QUESTION}, headers={"Origin": EVIL})
        assert_error(response, 403, "origin_not_allowed")
        assert "access-control-allow-origin" not in response.headers
        preflight = client.options("/v1/ask", headers={
            "Origin": EVIL, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
        assert preflight.status_code == 403
        assert "access-control-allow-origin" not in preflight.headers
        config = client.get("/v1/widget-config", headers={"Origin": EVIL})
        assert "access-control-allow-origin" not in config.headers  # the browser will not let evil read it


def test_an_allowed_origin_gets_cors_headers(base: str) -> None:
    with httpx.Client(base_url=base, timeout=60) as client:
        preflight = client.options("/v1/ask", headers={
            "Origin": CITY, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-madoguchi-client"})
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == CITY
        response = client.post("/v1/ask", json={"question": QUESTION}, headers={"Origin": CITY})
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == CITY


def test_the_servers_own_page_may_post(base: str) -> None:
    own = base  # the demo page at / posts with Origin = the server's own origin
    with httpx.Client(base_url=base, timeout=60) as client:
        assert client.post("/v1/ask", json={"question": QUESTION}, headers={"Origin": own}).status_code == 200


def test_a_wildcard_allowlist_is_warned_about_loudly(indexed_settings, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    with caplog.at_level(logging.WARNING, logger="madoguchi.web"):
        create_app(indexed_settings.model_copy(update={"allowed_origins": "*"}))
    assert any("ANY web site" in r.getMessage() and r.levelno >= logging.WARNING for r in caplog.records)


# --- 429 -------------------------------------------------------------------------------------------------------
def test_the_rate_limit_answers_429_with_retry_after(indexed_settings) -> None:  # type: ignore[no-untyped-def]
    settings = indexed_settings.model_copy(update={"rate_limit": "2/minute"})
    with serve_in_thread(create_app(settings)) as url, httpx.Client(base_url=url, timeout=60) as client:
        for _ in range(2):
            assert client.post("/v1/ask", json={"question": QUESTION}).status_code == 200
        refused = client.post("/v1/ask", json={"question": QUESTION})
        error = assert_error(refused, 429, "rate_limited")
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert "待って" in error["message"]
        assert client.get("/healthz").status_code == 200  # reads are not limited
        spoofed = client.post("/v1/ask", json={"question": QUESTION}, headers={"X-Forwarded-For": "203.0.113.9"})
        assert spoofed.status_code == 429  # X-Forwarded-For is ignored unless the proxy is trusted


def test_behind_a_trusted_proxy_each_client_has_its_own_budget(indexed_settings) -> None:  # type: ignore[no-untyped-def]
    settings = indexed_settings.model_copy(update={"rate_limit": "1/minute", "trusted_proxies": "127.0.0.1"})
    with serve_in_thread(create_app(settings)) as url, httpx.Client(base_url=url, timeout=60) as client:
        def ask(ip: str) -> int:
            return client.post("/v1/ask", json={"question": QUESTION}, headers={"X-Forwarded-For": ip}).status_code

        assert ask("203.0.113.1") == 200
        assert ask("203.0.113.1") == 429
        assert ask("203.0.113.2") == 200


def test_a_bad_rate_limit_setting_names_the_value(indexed_settings) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="every now and then"):
        create_app(indexed_settings.model_copy(update={"rate_limit": "every now and then"}))


@pytest.mark.services
def test_workers_share_the_rate_limit_through_redis(indexed_settings) -> None:  # type: ignore[no-untyped-def]
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379 (scripts/test-deps.sh starts it)")
    for key in client.scan_iter(match="*madoguchi*"):
        client.delete(key)
    settings = indexed_settings.model_copy(update={"rate_limit": "2/minute", "redis_url": url})
    # two apps = two workers; both count the same client in Redis
    with serve_in_thread(create_app(settings)) as first, serve_in_thread(create_app(settings)) as second:
        with httpx.Client(timeout=60) as http:
            assert http.post(f"{first}/v1/ask", json={"question": QUESTION}).status_code == 200
            assert http.post(f"{second}/v1/ask", json={"question": QUESTION}).status_code == 200
            assert_error(http.post(f"{first}/v1/ask", json={"question": QUESTION}), 429, "rate_limited")
            assert_error(http.post(f"{second}/v1/ask", json={"question": QUESTION}), 429, "rate_limited")
