"""Red team, generated input: Hypothesis builds JSON bodies for every JSON route (lone surrogates, giant integers,
wrong types, deep values) and plan uploads of every type (generated zips, PDFs, texts); none may get a 5xx."""

from __future__ import annotations

import io
import json
import zipfile
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.web.app import create_app
from bot.web.server import serve_in_thread

JSON_ROUTES = ["/v1/ask", "/v1/feedback", "/v1/chat/completions", "/v1/match", "/v1/precheck"]
SUFFIXES = [".docx", ".pdf", ".txt", ".md", ".yaml", ".json", ".xlsx", ".zip", ""]
SENT: Counter[str] = Counter()
FAST = settings(deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def client(indexed_settings, tmp_path_factory) -> Iterator[httpx.Client]:  # type: ignore[no-untyped-def]
    audit = tmp_path_factory.mktemp("redteam-hypothesis") / "audit.sqlite"
    settings_ = indexed_settings.model_copy(update={
        "rate_limit": "off", "feedback_rate_limit": "off", "database_url": f"sqlite:///{audit}",
        "plan_parse_timeout": 10.0,
    })
    with serve_in_thread(create_app(settings_)) as url, httpx.Client(base_url=url, timeout=60) as c:
        yield c


def assert_no_5xx(response: httpx.Response, what: str) -> None:
    SENT["all"] += 1
    assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:300]}"
    if response.status_code >= 400:
        assert response.json()["error"]["message"], what


# --- JSON --------------------------------------------------------------------------------------------------
surrogate_text = st.lists(
    st.one_of(st.text(max_size=20), st.characters(categories=["Cs"]), st.sampled_from(["補助金", "よろず", "\x00"])),
    max_size=6,
).map("".join)
giant = st.integers(min_value=4300, max_value=6000).map(lambda n: "GIANT" + str(n))
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), surrogate_text, giant)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                      max_leaves=12)
turn = st.fixed_dictionaries({"role": st.sampled_from(["user", "assistant", "system", "x"]), "content": values})
bodies: dict[str, Any] = {
    "/v1/ask": st.fixed_dictionaries({"question": values}, optional={"history": st.lists(turn, max_size=3) | values,
                                                                     "stream": values, "audience": values}),
    "/v1/feedback": st.fixed_dictionaries({"answer_id": values, "rating": st.sampled_from(["up", "down"]) | values},
                                          optional={"comment": values, "feedback_token": values}),
    "/v1/chat/completions": st.fixed_dictionaries({"model": st.just("madoguchi") | values,
                                                   "messages": st.lists(turn, max_size=3) | values},
                                                  optional={"stream": values}),
    "/v1/match": st.fixed_dictionaries({"plan": values}, optional={"n": values, "plan_type": values}),
    "/v1/precheck": st.fixed_dictionaries({"plan": values}, optional={"plan_type": values, "audience": values}),
}


def encode(body: Any) -> bytes:
    """JSON with lone surrogates as escapes and ``GIANT<n>`` strings as integers of n digits."""
    text = json.dumps(body, ensure_ascii=True)
    while '"GIANT' in text:
        start = text.index('"GIANT')
        end = text.index('"', start + 1)
        text = text[:start] + "9" * int(text[start + 6:end]) + text[end + 1:]
    return text.encode()


@settings(FAST, max_examples=650)
@given(data=st.data())
def test_no_json_body_gets_a_5xx(client: httpx.Client, data: st.DataObject) -> None:
    route = data.draw(st.sampled_from(JSON_ROUTES))
    body = data.draw(bodies[route] | values)
    raw = encode(body)
    response = client.post(route, content=raw, headers={"Content-Type": "application/json"})
    assert_no_5xx(response, f"{route} {raw[:200]!r}")


# --- uploads -----------------------------------------------------------------------------------------------
part_names = st.sampled_from(["word/document.xml", "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
                              "docProps/core.xml", "word/media/x.bin", "../evil", "a" * 300])
xml_bodies = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=200).map(lambda t: f'<?xml version="1.0"?><w:document xmlns:w="x"><w:body><w:p><w:r><w:t>{t}'
                                        "</w:t></w:r></w:p></w:body></w:document>".encode("utf-8", "replace")),
    st.integers(min_value=1, max_value=64).map(lambda n: b"\0" * (n * 1024 * 1024)),  # up to 64 MB of zeros
)


@st.composite
def zips(draw: st.DrawFn) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))) as z:
        for name, body in draw(st.lists(st.tuples(part_names, xml_bodies), max_size=4, unique_by=lambda t: t[0])):
            z.writestr(name, body)
    data = out.getvalue()
    cut = draw(st.integers(min_value=0, max_value=len(data)))
    return data if draw(st.booleans()) else data[:cut]


@st.composite
def pdfs(draw: st.DrawFn) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    for _ in range(draw(st.integers(min_value=0, max_value=400))):
        writer.add_blank_page(width=draw(st.integers(1, 2000)), height=draw(st.integers(1, 2000)))
    if writer.pages and draw(st.booleans()):
        stream = DecodedStreamObject()
        stream.set_data(draw(st.binary(max_size=200)) or b"BT /F1 12 Tf (x) Tj ET")
        writer.pages[0][NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    return data if draw(st.booleans()) else data[: draw(st.integers(0, len(data)))]


files = st.one_of(
    st.binary(max_size=2000),
    zips(),
    pdfs(),
    surrogate_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.text(max_size=300).map(lambda t: ("計画 " + t).encode("cp932", "replace")),
    giant.map(lambda g: f"title: 計画\nkpi: {'9' * int(g[5:])}\n".encode()),
)


@settings(FAST, max_examples=400)
@given(data=files, suffix=st.sampled_from(SUFFIXES), route=st.sampled_from(["/v1/match", "/v1/precheck"]),
       plan_type=st.none() | st.text(max_size=20))
def test_no_upload_gets_a_5xx(client: httpx.Client, data: bytes, suffix: str, route: str, plan_type: str | None) -> None:
    form = {"plan_type": plan_type} if plan_type else {}
    response = client.post(route, files={"file": (f"plan{suffix}", data, "application/octet-stream")}, data=form)
    assert_no_5xx(response, f"{route} plan{suffix} {data[:80]!r}")


def test_at_least_a_thousand_requests_were_generated() -> None:
    assert SENT["all"] >= 1000, SENT
