"""Red team, connections: slow headers and slow bodies are cut off, one address cannot hold more than its share of
connections, and /metrics is open only as the setting says."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from bot.web.app import create_app
from bot.web.server import GuardedHttpToolsProtocol, serve_in_thread

CAP = 8


@pytest.fixture(scope="module")
def served(indexed_settings, tmp_path_factory) -> Iterator[tuple[str, Any]]:  # type: ignore[no-untyped-def]
    audit = tmp_path_factory.mktemp("redteam-conn") / "audit.sqlite"
    settings = indexed_settings.model_copy(update={
        "rate_limit": "off", "database_url": f"sqlite:///{audit}", "serve_header_timeout": 2.0,
        "serve_body_timeout": 2.0, "serve_max_connections_per_ip": CAP,
    })
    app = create_app(settings)
    with serve_in_thread(app) as url:
        yield url, app
    GuardedHttpToolsProtocol.configure(indexed_settings)


def connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)))
    sock.settimeout(30)
    return sock


def closed_by_server(sock: socket.socket) -> bool:
    """Wait until the server closes the connection (recv returns b'' or the connection is reset)."""
    try:
        while data := sock.recv(4096):
            if b"HTTP/1.1" in data and b"\r\n\r\n" in data and not data.endswith(b"\r\n\r\n"):
                continue
        return True
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_a_client_that_never_finishes_its_headers_is_cut_off(served) -> None:  # type: ignore[no-untyped-def]
    url, _ = served
    with connect(url) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        assert closed_by_server(sock)


def test_a_client_that_never_finishes_its_body_is_cut_off(served) -> None:  # type: ignore[no-untyped-def]
    url, _ = served
    with connect(url) as sock:
        sock.sendall(b"POST /v1/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
        assert closed_by_server(sock)


def test_one_address_holds_at_most_its_share_of_connections(served) -> None:  # type: ignore[no-untyped-def]
    url, _ = served
    socks = [connect(url) for _ in range(CAP)]
    try:
        extra = connect(url)
        assert closed_by_server(extra)
        extra.close()
    finally:
        for sock in socks:
            sock.close()
    # once they are gone, the address is served again
    for _ in range(50):
        try:
            if httpx.get(f"{url}/healthz", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            continue
    else:
        raise AssertionError("the address was not served again after closing its connections")


def test_an_honest_request_is_still_answered(served) -> None:  # type: ignore[no-untyped-def]
    url, _ = served
    response = httpx.post(f"{url}/v1/ask", json={"question": "よろず支援拠点とは何ですか？"}, timeout=60)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("access", "token", "header", "status"),
    [("local", None, None, 200), ("off", None, None, 404), ("token", "s3cret", None, 404),
     ("token", "s3cret", "Bearer wrong", 404), ("token", "s3cret", "Bearer s3cret", 200), ("token", None, "Bearer x", 404)],
)
def test_metrics_are_open_only_as_the_setting_says(
    served, access: str, token: str | None, header: str | None, status: int  # type: ignore[no-untyped-def]
) -> None:
    url, app = served
    before = app.state.settings
    app.state.settings = before.model_copy(update={"metrics_access": access, "metrics_token": token})
    try:
        response = httpx.get(f"{url}/metrics", headers={"Authorization": header} if header else {})
    finally:
        app.state.settings = before
    assert response.status_code == status
    if status == 200:
        assert "madoguchi" in response.text
