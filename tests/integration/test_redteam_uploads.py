"""Red team, plan uploads: zip bombs, 20,000-page PDFs, huge texts and slow parses are refused with a Japanese
413 naming the limit, nothing is stored, a worker that overruns is killed, and one client gets one slot at a time."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hostile_files import (
    PLAN_LINES,
    docx_xml_bomb,
    docx_zero_part,
    heavy_docx,
    long_text,
    many_pages_pdf,
    plain_docx,
)
from test_web_api import assert_error

from bot.audit.log import AuditLog, open_audit_log
from bot.web.app import create_app
from bot.web.server import serve_in_thread

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(scope="module")
def settings(indexed_settings, tmp_path_factory):  # type: ignore[no-untyped-def]
    audit = tmp_path_factory.mktemp("redteam") / "audit.sqlite"
    return indexed_settings.model_copy(update={"rate_limit": "off", "database_url": f"sqlite:///{audit}"})


@pytest.fixture(scope="module")
def served(settings) -> Iterator[tuple[httpx.Client, object]]:  # type: ignore[no-untyped-def]
    app = create_app(settings)
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=120) as client:
        yield client, app


@pytest.fixture(scope="module")
def client(served) -> httpx.Client:  # type: ignore[no-untyped-def]
    return served[0]


@pytest.fixture(scope="module")
def audit(settings, client: httpx.Client) -> AuditLog:  # type: ignore[no-untyped-def]
    return open_audit_log(settings)


@pytest.fixture()
def unchanged(audit: AuditLog) -> Iterator[None]:
    """A refused upload must leave the audit log as it was."""
    assert audit.flush()
    before = audit.count_answers(), audit.store.count("feedback")
    yield
    assert audit.flush()
    assert (audit.count_answers(), audit.store.count("feedback")) == before, "a refused upload stored something"


def upload(client: httpx.Client, name: str, data: bytes, path: str = "/v1/precheck") -> httpx.Response:
    return client.post(path, files={"file": (name, data, DOCX if name.endswith(".docx") else "application/octet-stream")})


@pytest.mark.parametrize(
    ("name", "make", "says"),
    [
        ("bomb.docx", lambda: docx_xml_bomb(100), "展開後"),  # 357 KB → 100 MB of XML
        ("zero.docx", lambda: docx_zero_part(400), "展開後"),  # one zero-filled part of 400 MB
        ("ratio.docx", lambda: docx_xml_bomb(20), "圧縮率"),  # 20 MB of XML in ~70 KB
        ("pages.pdf", lambda: many_pages_pdf(20_000), "ページ"),
        ("long.txt", lambda: long_text(3_000_000), "文字"),
        ("long.docx", lambda: heavy_docx(20_000), "文字"),  # ordinary packing, 260,000 characters
    ],
)
def test_hostile_plan_files_are_refused_naming_the_limit(
    client: httpx.Client, unchanged: None, name: str, make: object, says: str
) -> None:
    for path in ("/v1/precheck", "/v1/match"):
        error = assert_error(upload(client, name, make(), path), 413, "too_large")  # type: ignore[operator]
        assert says in error["message"], error


def test_an_honest_word_plan_still_reads_in_the_worker(client: httpx.Client) -> None:
    lines = [*PLAN_LINES, "市と商工会議所、よろず支援拠点で推進協議会を設置する。", "2030年度までに域外販売額を12億円から18億円に増やす。"]
    response = upload(client, "plan.docx", plain_docx(lines))
    assert response.status_code == 200, response.text
    assert response.json()["plan_type"] == "local_industry"


def test_giant_integers_in_plans_are_422(client: httpx.Client, unchanged: None) -> None:
    big = "9" * 5000
    assert_error(client.post("/v1/match", content=f'{{"plan": "計画", "n": {big}}}',
                             headers={"Content-Type": "application/json"}), 422, "invalid_input")
    yaml_plan = f"title: 地場産業成長プラン\nkpis: {big}\n".encode()
    assert_error(upload(client, "plan.yaml", yaml_plan), 422, "invalid_input")
    assert_error(upload(client, "plan.json", f'{{"title": "計画", "kpis": {big}}}'.encode()), 422, "invalid_input")


def _alive(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.fixture(scope="module")
def slow_desk(indexed_settings, tmp_path_factory):  # type: ignore[no-untyped-def]
    """A desk whose plan reader gives up after one second and whose character cap does not stop a big file first."""
    audit = tmp_path_factory.mktemp("redteam-slow") / "audit.sqlite"
    settings = indexed_settings.model_copy(update={
        "rate_limit": "off", "database_url": f"sqlite:///{audit}", "plan_parse_timeout": 1.0, "plan_max_chars": 10**7,
    })
    app = create_app(settings)
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=120) as client:
        yield client, app


def test_a_parse_over_the_time_limit_is_killed_and_refused(slow_desk) -> None:  # type: ignore[no-untyped-def]
    client, _ = slow_desk
    error = assert_error(upload(client, "heavy.docx", heavy_docx()), 413, "too_large")
    assert "時間" in error["message"] and "1 秒" in error["message"]


def _raw_upload(base_url: httpx.URL, name: str, data: bytes) -> socket.socket:
    """Send a multipart upload over a plain socket and return it unread (the test closes it to leave)."""
    request = httpx.Request("POST", base_url.join("/v1/precheck"), files={"file": (name, data, DOCX)})
    body = request.read()
    head = f"POST /v1/precheck HTTP/1.1\r\nHost: {base_url.host}\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in request.headers.items() if k.lower() != "host"
    )
    sock = socket.create_connection((base_url.host, base_url.port or 80))
    sock.sendall(head.encode() + b"\r\n" + body)
    return sock


def _wait(condition: object) -> None:
    while not condition():  # type: ignore[operator]
        threading.Event().wait(0.02)


def test_one_client_gets_one_plan_slot_and_a_worker_stops_when_its_client_leaves(
    slow_desk, caplog: pytest.LogCaptureFixture  # type: ignore[no-untyped-def]
) -> None:
    client, app = slow_desk
    app.state.settings.plan_parse_timeout = 600.0  # only the client leaving can stop this one now
    caplog.set_level("INFO", logger="madoguchi.web")
    sock = _raw_upload(client.base_url, "heavy.docx", heavy_docx())
    try:
        _wait(lambda: [r for r in caplog.records if "plan worker" in r.getMessage()])
        # a second plan from the same client while the first is being read: refused; questions still answered
        error = assert_error(upload(client, "plan.docx", plain_docx()), 429, "rate_limited")
        assert "同時に 1 件" in error["message"]
        assert client.post("/v1/ask", json={"question": "よろず支援拠点とは何ですか？"}).status_code == 200
        [started] = [r for r in caplog.records if "plan worker" in r.getMessage()]
        pid = int(started.args[0])  # type: ignore[index]
        assert _alive(pid)
    finally:
        sock.close()  # the visitor leaves
    _wait(lambda: [r for r in caplog.records if "client left" in r.getMessage()])
    _wait(lambda: not _alive(pid))
    _wait(lambda: not app.state.plan_slots.busy)
    app.state.settings.plan_parse_timeout = 1.0
    assert upload(client, "plan.docx", plain_docx()).status_code != 429  # the slot is free again
