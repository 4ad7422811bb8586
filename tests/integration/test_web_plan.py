"""POST /v1/match and /v1/precheck on a real uvicorn: JSON text and multipart uploads (.md, .docx)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import httpx
import pytest
from test_web_api import assert_error

from bot.web.app import create_app
from bot.web.server import serve_in_thread

PLAN = """\
# みらい市 地場産業成長プラン（案）

## 1. 対象となる地場産業
市内の陶磁器産地（窯元32社）を対象とする。地域資源である陶土と伝統技法を活かし、付加価値向上と販路拡大を目指す。

## 2. 目標とKPI
2030年度までに域外販売額を12億円から18億円に増やす。新商品の開発件数を年5件とする。

## 3. 実施体制
市、商工会議所、よろず支援拠点、地域金融機関で推進協議会を設置する。市は専任職員2名を配置する。

## 4. 海外展開
欧州・北米への輸出に取り組み、海外の展示会に出展する。
"""


@pytest.fixture(scope="module")
def client(indexed_settings) -> Iterator[httpx.Client]:  # type: ignore[no-untyped-def]
    """A client of the live server."""
    with serve_in_thread(create_app(indexed_settings.model_copy(update={"rate_limit": "off"}))) as url, httpx.Client(base_url=url, timeout=180) as c:
        yield c


def test_match_from_json_suggests_measures_with_reasons(client: httpx.Client) -> None:
    response = client.post("/v1/match", json={"plan": PLAN, "n": 3})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["answer_id"] and body["plan_type"] == "local_industry"
    assert 1 <= len(body["results"]) <= 3


def test_precheck_from_an_uploaded_markdown_file(client: httpx.Client) -> None:
    response = client.post("/v1/precheck", files={"file": ("plan.md", PLAN.encode(), "text/markdown")})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["plan_type"] == "local_industry"
    assert body["items"] and {"met", "partial", "missing"} & {i["status"] for i in body["items"]}


def test_precheck_from_an_uploaded_word_file(client: httpx.Client) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for line in PLAN.splitlines():
        if line.strip():
            document.add_paragraph(line.lstrip("# "))
    buffer = io.BytesIO()
    document.save(buffer)
    response = client.post(
        "/v1/precheck",
        files={"file": ("plan.docx", buffer.getvalue(),
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")},
        data={"plan_type": "local_industry"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["plan_type"] == "local_industry"


def test_the_plan_type_can_be_given(client: httpx.Client) -> None:
    response = client.post("/v1/precheck", json={"plan": PLAN, "plan_type": "regional_cluster"})
    assert response.status_code == 200
    assert response.json()["plan_type"] == "regional_cluster"


def test_a_plan_without_a_type_cue_asks_for_the_type(client: httpx.Client) -> None:
    plan = "新しい事業の計画\n株式会社あさひ工業が総額1億8千万円を投資して新しい設備を導入し、販路を広げる。\n"
    for path in ("/v1/precheck", "/v1/match"):
        body = client.post(path, json={"plan": plan}).json()
        assert body["low_confidence"] and "判定できませんでした" in body["plan_type_note"], path
        assert {c["id"] for c in body["plan_type_choices"]} == {"strategic_cluster", "regional_cluster", "local_industry"}
    chosen = client.post("/v1/match", json={"plan": plan, "plan_type": "local_industry"}).json()
    assert chosen["plan_type"] == "local_industry" and chosen["plan_type_choices"] == []


def test_plan_input_errors_are_json(client: httpx.Client) -> None:
    assert_error(client.post("/v1/precheck", json={"plan": PLAN, "plan_type": "galaxy_cluster"}), 422)
    assert_error(client.post("/v1/match", json={"plan": "   "}), 422, "empty_input")
    assert_error(client.post("/v1/match", json={"text": PLAN}), 422, "invalid_input")
    assert_error(client.post("/v1/match", json={"plan": PLAN, "n": 500}), 422, "invalid_input")
    assert_error(client.post("/v1/match", data={"nothing": "here"}, files={"other": ("a.txt", b"x")}), 422, "empty_input")
    assert_error(client.post("/v1/match", content=PLAN.encode(), headers={"Content-Type": "text/plain"}), 415)
    assert_error(client.post("/v1/precheck", files={"file": ("plan.exe", b"MZ\x90\x00binary", "application/octet-stream")}), 415)
