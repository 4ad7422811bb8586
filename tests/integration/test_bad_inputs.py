"""Hostile and broken input on a real uvicorn: oversize, binary, Shift_JIS and deeply nested bodies.

Each is refused with a clear 4xx in the one Japanese JSON error shape (never a 500), and nothing is stored
half-way: the audit log has exactly the rows it had before. A plan file in Shift_JIS is read correctly.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_web_api import QUESTION, assert_error

from bot.audit.log import AuditLog, open_audit_log
from bot.web.app import create_app
from bot.web.limits import MAX_JSON_BYTES
from bot.web.server import serve_in_thread
from retrieval.loaders import read_text

PLANS = Path(__file__).resolve().parents[1] / "fixtures" / "plans"
UPLOAD_CAP = 256 * 1024  # a small plan-file cap for these tests (the default is 10 MB)
POSTS = ("/v1/ask", "/v1/match", "/v1/precheck", "/v1/feedback", "/v1/chat/completions")
DEEP = 10_000
# 700 bytes of YAML whose aliases expand to 2**25 values: must be refused, not rendered.
ALIAS_BOMB = "\n".join(
    ['title: "みらい市 地場産業成長プラン（案）"', 'a0: &a0 ["地域資源を活用した販路拡大", "地域資源を活用した販路拡大"]']
    + [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, 25)]
).encode()


@pytest.fixture(scope="module")
def settings(indexed_settings, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The session index with its own audit database, no rate limit and a 256 KB plan-file cap."""
    audit = tmp_path_factory.mktemp("bad-inputs") / "audit.sqlite"
    return indexed_settings.model_copy(
        update={"rate_limit": "off", "database_url": f"sqlite:///{audit}", "max_upload_bytes": UPLOAD_CAP}
    )


@pytest.fixture(scope="module")
def client(settings) -> Iterator[httpx.Client]:  # type: ignore[no-untyped-def]
    with serve_in_thread(create_app(settings)) as url, httpx.Client(base_url=url, timeout=120) as c:
        yield c


@pytest.fixture(scope="module")
def audit(settings, client: httpx.Client) -> AuditLog:  # type: ignore[no-untyped-def]
    """The app's audit log (the same object: one per database URL)."""
    return open_audit_log(settings)


def rows(audit: AuditLog) -> tuple[int, int]:
    """(answers, feedback) stored, after everything queued is written."""
    assert audit.flush()
    return audit.count_answers(), audit.store.count("feedback")


@pytest.fixture()
def unchanged(audit: AuditLog) -> Iterator[None]:
    """The test must leave the audit log exactly as it found it."""
    before = rows(audit)
    yield
    assert rows(audit) == before, "a refused request stored something"


def post_raw(client: httpx.Client, path: str, body: bytes, ctype: str = "application/json") -> httpx.Response:
    return client.post(path, content=body, headers={"Content-Type": ctype})


def upload(client: httpx.Client, path: str, name: str, data: bytes, **fields: str) -> httpx.Response:
    return client.post(path, files={"file": (name, data, "application/octet-stream")}, data=fields)


def test_the_audit_check_sees_an_answer(client: httpx.Client, audit: AuditLog) -> None:
    before = rows(audit)
    answer = client.post("/v1/ask", json={"question": QUESTION}).json()
    rating = {"answer_id": answer["answer_id"], "rating": "up", "feedback_token": answer["feedback_token"]}
    assert client.post("/v1/feedback", json=rating).status_code == 200
    assert rows(audit) == (before[0] + 1, before[1] + 1)


# --- oversize ------------------------------------------------------------------------------------------------
@pytest.mark.usefixtures("unchanged")
def test_oversize_bodies_and_fields_are_refused(client: httpx.Client) -> None:
    huge = json.dumps({"question": "地域" * MAX_JSON_BYTES}).encode()
    for path in POSTS:
        assert_error(post_raw(client, path, huge), 413, "too_large")
    long_question = client.post("/v1/ask", json={"question": "地場産業" * 600})
    assert "2,000文字以内" in assert_error(long_question, 422, "too_long")["message"]
    turns = [{"role": "user", "content": "よろず支援拠点とは？"}] * 21
    assert_error(client.post("/v1/ask", json={"question": QUESTION, "history": turns}), 422, "too_long")
    plan = (PLANS / "local_franchise.txt").read_bytes()
    big_plan = plan + b"\n" + "。".join(["地域資源を活用した販路拡大の取組"] * 20_000).encode()
    assert_error(upload(client, "/v1/precheck", "plan.txt", big_plan), 413, "too_large")
    assert_error(client.post("/v1/precheck", json={"plan": big_plan.decode()}), 413, "too_large")


# --- binary --------------------------------------------------------------------------------------------------
@pytest.mark.usefixtures("unchanged")
def test_binary_bodies_are_refused(client: httpx.Client) -> None:
    noise = os.urandom(4096)
    for path in POSTS:
        for ctype in ("application/json", "application/octet-stream"):
            response = post_raw(client, path, noise, ctype)
            assert 400 <= response.status_code < 500
            assert_error(response, response.status_code)
    control = "".join(chr(c) for c in range(1, 32)) * 3 + "補助金"
    assert_error(client.post("/v1/ask", json={"question": control}), 422, "binary_input")


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("name", ["plan.txt", "plan.md", "plan.pdf", "plan.docx", "plan.json", "plan"])
def test_binary_plan_files_are_refused(client: httpx.Client, name: str) -> None:
    noise = b"\x00\x01\x02" + os.urandom(8192)
    for path in ("/v1/match", "/v1/precheck"):
        response = upload(client, path, name, noise)
        assert response.status_code in (415, 422), response.text
        assert_error(response, response.status_code)


# --- Shift_JIS -------------------------------------------------------------------------------------------------
@pytest.mark.usefixtures("unchanged")
def test_a_shift_jis_json_body_is_refused_with_a_clear_error(client: httpx.Client) -> None:
    """JSON must be UTF-8 (RFC 8259); a Shift_JIS body is refused, not guessed at."""
    bodies: dict[str, dict[str, Any]] = {
        "/v1/ask": {"question": QUESTION},
        "/v1/match": {"plan": (PLANS / "local_franchise.txt").read_text(encoding="utf-8")},
        "/v1/precheck": {"plan": (PLANS / "local_franchise.txt").read_text(encoding="utf-8")},
        "/v1/chat/completions": {"messages": [{"role": "user", "content": QUESTION}]},
        "/v1/feedback": {"answer_id": "0" * 32, "rating": "up", "comment": "とても役に立ちました"},
    }
    for path, body in bodies.items():
        sjis = json.dumps(body, ensure_ascii=False).encode("shift_jis")
        response = post_raw(client, path, sjis, "application/json; charset=shift_jis")
        assert response.status_code in (400, 422), (path, response.text)
        assert_error(response, response.status_code, "invalid_input")


@pytest.mark.parametrize("name", ["plan.txt", "plan.md", "plan"])
def test_a_shift_jis_plan_file_is_read_like_utf8(client: httpx.Client, name: str) -> None:
    text = (PLANS / "local_franchise.txt").read_text(encoding="utf-8")
    utf8 = upload(client, "/v1/precheck", name, text.encode("utf-8"))
    sjis = upload(client, "/v1/precheck", name, text.encode("cp932"))
    assert utf8.status_code == sjis.status_code == 200, sjis.text
    a, b = utf8.json(), sjis.json()
    assert (a["plan_type"], a["title"]) == (b["plan_type"], b["title"]) == ("local_industry", text.splitlines()[0])
    assert [(i["label"], i["status"], i["evidence"]) for i in a["items"]] == [(i["label"], i["status"], i["evidence"]) for i in b["items"]]


def test_a_shift_jis_corpus_document_is_read(tmp_path: Path) -> None:
    text = "# 地域産業振興ガイド\n\n- 伴走支援窓口は、地方経済産業局と都道府県が連携して設置する。①から③を参照。\n"
    path = tmp_path / "guide.md"
    path.write_bytes(text.encode("cp932"))
    assert read_text(path) == text


# --- deeply nested -------------------------------------------------------------------------------------------------
@pytest.mark.usefixtures("unchanged")
def test_deeply_nested_json_bodies_are_refused(client: httpx.Client) -> None:
    deep = b"[" * DEEP + b"]" * DEEP
    inside = {
        "/v1/ask": b'{"question": ' + deep + b"}",
        "/v1/match": b'{"plan": ' + deep + b"}",
        "/v1/precheck": b'{"plan": "x", "plan_type": ' + deep + b"}",
        "/v1/feedback": b'{"answer_id": ' + deep + b', "rating": "up"}',
        "/v1/chat/completions": b'{"messages": ' + deep + b"}",
    }
    for path in POSTS:
        for body in (deep, inside[path], b'{"a":' * DEEP + b"1" + b"}" * DEEP):
            response = post_raw(client, path, body)
            assert 400 <= response.status_code < 500, (path, response.status_code, response.text[:200])
            assert_error(response, response.status_code)


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("plan.json", b"[" * DEEP + b"]" * DEEP),
        ("plan.json", '{"title": "みらい市 地場産業成長プラン", "goals": '.encode() + b'{"a": ' * DEEP + b"1" + b"}" * DEEP + b"}"),
        ("plan.yaml", b"title: " + b"[" * DEEP + b"]" * DEEP),
        ("plan.yaml", "".join("  " * i + f"k{i}:\n" for i in range(2_000)).encode() + b"  " * 2_000 + "目標".encode()),
        ("plan.yaml", ALIAS_BOMB),
    ],
    ids=["json-array", "json-object", "yaml-flow", "yaml-block", "yaml-alias-bomb"],
)
def test_deeply_nested_plan_files_are_refused(client: httpx.Client, name: str, data: bytes) -> None:
    for path in ("/v1/match", "/v1/precheck"):
        response = upload(client, path, name, data)
        assert 400 <= response.status_code < 500, (path, response.status_code, response.text[:200])
        assert_error(response, response.status_code)
