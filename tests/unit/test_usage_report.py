"""Usage-report aggregation against hand-computed figures (days in Japan time), and the HTML page."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from bot.audit.usage_report import aggregate, period, question_key
from bot.audit.usage_report_html import render_html


def _row(answer_id: str, at: str, kind: str, channel: str, refused: bool, question: str, latency: float = 0.0,
         mode: str = "extractive") -> dict[str, object]:
    return {"answer_id": answer_id, "created_at": datetime.fromisoformat(at).replace(tzinfo=UTC), "kind": kind,
            "channel": channel, "audience": "staff", "refused": refused, "question": question,
            "latency_ms": latency, "mode": mode}


ANSWERS = [
    _row("a0", "2026-03-31T14:59", "ask", "slack", True, "期間外の質問"),  # 03-31 23:59 JST: before the period
    _row("a1", "2026-03-31T15:30", "ask", "slack", False, "地域未来交付金の補助率は？", 100),  # 04-01 00:30 JST
    _row("a2", "2026-04-01T02:00", "ask", "widget", True, "ラーメンのおすすめは?", 50),
    _row("a3", "2026-04-01T14:59", "ask", "widget", False, "地域未来交付金の補助率は?", 300),  # 04-01 23:59 JST
    _row("a4", "2026-04-01T15:00", "ask", "slack", True, "ラーメンのおすすめは？", 20),  # 04-02 00:00 JST
    _row("a5", "2026-04-02T03:00", "match", "api", False, "計画本文"),
    _row("a6", "2026-04-03T01:00", "ask", "slack", False, "コネクター度とは", 200, mode="extractive_fallback"),
    _row("a7", "2026-04-03T15:00", "ask", "slack", False, "期間後の質問"),  # 04-04 JST: after the period
]
FEEDBACK = [
    {"answer_id": "a1", "rating": "up"},
    {"answer_id": "a3", "rating": "down"},
    {"answer_id": "a6", "rating": "up"},
    {"answer_id": "a6", "rating": "up"},
    {"answer_id": "a0", "rating": "down"},  # on an answer outside the period: ignored
]
ESCALATIONS = [{"answer_id": "a3"}, {"answer_id": "a0"}]
D1, D2, D3 = date(2026, 4, 1), date(2026, 4, 2), date(2026, 4, 3)


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    # Rows arrive out of order on purpose: the newest wording of a question must still win.
    return aggregate(list(reversed(ANSWERS)), FEEDBACK, ESCALATIONS, since=D1, until=D3)


def test_counts_per_day_and_channel_in_japan_time(report) -> None:  # type: ignore[no-untyped-def]
    assert report.total == 6
    assert report.by_kind == {"ask": 5, "match": 1}
    assert report.channels == ["api", "slack", "widget"]
    assert report.per_day == {
        D1: {"api": 0, "slack": 1, "widget": 2},
        D2: {"api": 1, "slack": 1, "widget": 0},
        D3: {"api": 0, "slack": 1, "widget": 0},
    }


def test_refusal_rate_over_questions_asked(report) -> None:  # type: ignore[no-untyped-def]
    assert (report.asks, report.refused) == (5, 2)
    assert report.refusal_rate == pytest.approx(0.4)
    assert report.refused_per_day == {D1: (1, 3), D2: (1, 1), D3: (0, 1)}
    assert report.refused_by_channel == {"slack": (1, 3), "widget": (1, 2)}


def test_feedback_ratio_and_escalations_of_the_period_only(report) -> None:  # type: ignore[no-untyped-def]
    assert (report.feedback_up, report.feedback_down) == (3, 1)
    assert report.feedback_ratio == pytest.approx(0.75)
    assert report.answers_with_feedback == 3
    assert report.feedback_share == pytest.approx(0.5)
    assert report.escalations == 1
    assert report.llm_fallbacks == 1


def test_latency_percentiles_of_questions(report) -> None:  # type: ignore[no-untyped-def]
    assert (report.latency_p50_ms, report.latency_p95_ms) == (100, 300)


def test_top_questions_count_the_same_question_written_differently(report) -> None:  # type: ignore[no-untyped-def]
    assert report.top_questions == [("ラーメンのおすすめは？", 2), ("地域未来交付金の補助率は?", 2), ("コネクター度とは", 1)]
    assert question_key("地域未来交付金の補助率は？") == question_key("地域未来交付金の補助率は?　")


def test_gaps_are_declined_or_thumbed_down_questions_worst_first(report) -> None:  # type: ignore[no-untyped-def]
    gaps = [(g.question, g.asked, g.refused, g.down, g.last_seen, g.channels) for g in report.gaps]
    assert gaps == [
        ("ラーメンのおすすめは？", 2, 2, 0, D2, ["widget", "slack"]),
        ("地域未来交付金の補助率は?", 2, 0, 1, D1, ["slack", "widget"]),
    ]


def test_an_empty_period_has_no_rates() -> None:
    empty = aggregate([], since=D1, until=D1)
    assert (empty.total, empty.refusal_rate, empty.feedback_ratio, empty.gaps) == (0, None, None, [])
    assert "この期間の記録はありません" in render_html(empty)


def test_period_defaults_to_30_days_and_rejects_a_reversed_range() -> None:
    assert period(None, D3) == (date(2026, 3, 5), D3)
    with pytest.raises(ValueError):
        period(D3, D1)


def test_html_is_self_contained_and_escapes_user_text() -> None:
    rows = [_row("x1", "2026-04-01T01:00", "ask", "widget", True, "<script>alert(1)</script>の補助金は？")]
    html = render_html(aggregate(rows, since=D1, until=D1))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;の補助金は？" in html
    assert re.findall(r'<img[^>]+src="data:image/svg\+xml;base64,', html)
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert '<div class="n" id="refusal-rate">100.0%</div>' in html
