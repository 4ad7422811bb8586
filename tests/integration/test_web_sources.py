"""The source viewer over HTTP: every cited passage opens on the desk's own page, and unknown ids get a Japanese 404."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

from bot.web.app import create_app
from bot.web.routes_sources import anchor
from bot.web.server import serve_in_thread

QUESTION = "地域産業クラスター計画の要件は何ですか？"


@pytest.fixture(scope="module")
def base(indexed_settings: Any) -> Iterator[str]:
    with serve_in_thread(create_app(indexed_settings.model_copy(update={"rate_limit": "off"}))) as url:
        yield url


def test_every_citation_opens_its_passage_highlighted(base: str) -> None:
    with httpx.Client(base_url=base, timeout=120) as client:
        answer = client.post("/v1/ask", json={"question": QUESTION}).json()
        assert answer["citations"]
        for citation in answer["citations"]:
            opened = client.get(f"/passages/{citation['chunk_id']}", follow_redirects=True)
            assert opened.status_code == 200 and opened.headers["content-type"].startswith("text/html")
            assert str(opened.url).endswith("#" + anchor(citation["chunk_id"]))
            page = opened.text
            lit = page.index('class="hl"')
            assert page.count('class="hl"') == 1
            section = page[lit:page.index("</section>", lit)]
            assert citation["quote"][:20] in section.replace("&quot;", '"')
            assert citation["title"] in page


def test_the_policy_page_has_its_title_and_date(base: str, desk: Any) -> None:
    policy = next(d for d in desk.corpus.documents if d.kind == "policy")
    page = httpx.get(f"{base}/sources/{policy.doc_id}", timeout=60).text
    assert f"<h1>{policy.title}</h1>" in page
    if policy.as_of:
        assert policy.as_of in page
    assert page.count("<section") == sum(1 for c in desk.corpus.chunks() if c.doc_id == policy.doc_id)


def test_unknown_sources_answer_404_in_japanese(base: str) -> None:
    for path in ("/sources/no-such-document", "/passages/no-such-chunk"):
        response = httpx.get(f"{base}{path}", timeout=60)
        assert response.status_code == 404
        assert "見つかりません" in response.json()["error"]["message"] or "ありません" in response.json()["error"]["message"]


def test_openai_annotations_link_to_the_passages(base: str) -> None:
    client = openai.OpenAI(base_url=f"{base}/v1", api_key="x", max_retries=0, timeout=120)
    response = client.chat.completions.create(model="madoguchi", messages=[{"role": "user", "content": QUESTION}])
    notes = response.choices[0].message.annotations
    assert notes
    for note in notes:
        assert note.url_citation.url.startswith(f"{base}/passages/")
        assert httpx.get(note.url_citation.url, follow_redirects=True, timeout=60).status_code == 200
