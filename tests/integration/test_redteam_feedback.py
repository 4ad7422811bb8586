"""Red team, feedback: forged ratings are refused, a client has one (changeable) rating per answer, posting is
rate-limited, and the usage report counts distinct raters and flags bursts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from test_web_api import assert_error

from bot.audit.usage_report import BURST_RATINGS, aggregate, build_report, feedback_bursts
from bot.web.app import create_app
from bot.web.server import serve_in_thread

QUESTION = "よろず支援拠点では何を相談できますか？"


@pytest.fixture(scope="module")
def served(indexed_settings, tmp_path_factory) -> Iterator[tuple[httpx.Client, Any]]:  # type: ignore[no-untyped-def]
    audit = tmp_path_factory.mktemp("redteam-feedback") / "audit.sqlite"
    settings = indexed_settings.model_copy(update={
        "rate_limit": "off", "database_url": f"sqlite:///{audit}", "feedback_rate_limit": "30/minute",
    })
    app = create_app(settings)
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=120) as client:
        yield client, app


def report(app: Any) -> Any:
    assert app.state.audit.flush()
    return build_report(app.state.audit)


def test_forged_and_repeated_feedback_do_not_change_the_report(served) -> None:  # type: ignore[no-untyped-def]
    client, app = served
    answer = client.post("/v1/ask", json={"question": QUESTION}).json()
    before = report(app)
    # forged: no token, someone else's token, a made-up token
    other = client.post("/v1/ask", json={"question": "事業者が使える税制の支援措置はありますか？"}).json()
    for token in (None, other["feedback_token"], "0" * 32, "トークン"):
        body = {"answer_id": answer["answer_id"], "rating": "down", "feedback_token": token}
        assert_error(client.post("/v1/feedback", json=body), 403, "invalid_token")
    after_forged = report(app)
    assert (after_forged.feedback_up, after_forged.feedback_down) == (before.feedback_up, before.feedback_down)
    assert not [g for g in after_forged.gaps if g.down]
    # repeated: twenty 👎 from one client count once
    rating = {"answer_id": answer["answer_id"], "rating": "down", "feedback_token": answer["feedback_token"]}
    for _ in range(20):
        assert client.post("/v1/feedback", json=rating).status_code == 200
    repeated = report(app)
    assert repeated.feedback_down == before.feedback_down + 1
    assert repeated.feedback_raters == before.feedback_raters + 1
    assert [g.down for g in repeated.gaps if g.question == QUESTION] == [1]
    # changeable: the same client now says 👍 — the 👎 is gone
    assert client.post("/v1/feedback", json={**rating, "rating": "up"}).status_code == 200
    changed = report(app)
    assert (changed.feedback_up, changed.feedback_down) == (before.feedback_up + 1, before.feedback_down)
    assert [(f["rating"]) for f in app.state.audit.feedback(answer["answer_id"])] == ["up"]


def test_feedback_posting_is_rate_limited_per_client(served) -> None:  # type: ignore[no-untyped-def]
    client, _ = served
    answer = client.post("/v1/ask", json={"question": QUESTION}).json()
    rating = {"answer_id": answer["answer_id"], "rating": "up", "feedback_token": answer["feedback_token"]}
    statuses = [client.post("/v1/feedback", json=rating).status_code for _ in range(31)]
    assert statuses[-1] == 429 and set(statuses) <= {200, 429}
    error = assert_error(client.post("/v1/feedback", json=rating), 429, "rate_limited")
    assert "評価" in error["message"]


def test_the_streamed_answer_carries_a_token_that_works(served) -> None:  # type: ignore[no-untyped-def]
    client, app = served
    app.state.feedback_limiter = None  # the test above used this client's allowance
    text = client.post("/v1/ask", json={"question": QUESTION, "stream": True}).text
    import json

    done = [json.loads(line[5:]) for line in text.splitlines() if line.startswith("data:") and "feedback_token" in line]
    assert done, text[-500:]
    rating = {"answer_id": done[-1]["answer_id"], "rating": "up", "feedback_token": done[-1]["feedback_token"]}
    assert client.post("/v1/feedback", json=rating).status_code == 200


def _rows(n: int, *, minutes_apart: float, answer_id: str = "a1") -> list[dict[str, Any]]:
    start = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    return [{"id": f"r{i}", "answer_id": answer_id, "rating": "down", "channel": "api", "rater": f"rater{i}",
             "created_at": start + timedelta(minutes=i * minutes_apart)} for i in range(n)]


def test_bursts_are_flagged_and_slow_ratings_are_not() -> None:
    assert feedback_bursts(_rows(BURST_RATINGS, minutes_apart=0.5)) == [("a1", BURST_RATINGS)]
    assert feedback_bursts(_rows(BURST_RATINGS, minutes_apart=60)) == []
    answers = [{"answer_id": "a1", "created_at": datetime(2026, 12, 1, 0, 30, tzinfo=UTC), "kind": "ask",
                "channel": "api", "audience": "public", "question": "質問", "refused": False, "latency_ms": 10.0}]
    day = datetime(2026, 12, 1).date()
    rep = aggregate(answers, _rows(8, minutes_apart=0.1), since=day, until=day, tz=UTC)
    assert rep.feedback_raters == 8 and rep.feedback_bursts == [("a1", 8)]
