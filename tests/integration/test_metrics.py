"""Prometheus metrics from real desk answers, request counts, log-write failures; JSON logs with request ids."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import free_port
from prometheus_client.parser import text_string_to_metric_families

from bot.audit.log import open_audit_log
from bot.config import Settings
from bot.desk import Desk
from bot.events import DeskEvent, request_id
from bot.logging_setup import configure_logging
from bot.metrics import Metrics, get_metrics


def samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Parse the rendered exposition text back into {(sample name, labels): value}."""
    body, content_type = metrics.render()
    assert content_type.startswith("text/plain")
    out = {}
    for family in text_string_to_metric_families(body.decode()):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


@pytest.fixture()
def metered(desk: Desk) -> Iterator[tuple[Desk, Metrics]]:
    """The session desk with a fresh Metrics listener attached."""
    metrics = Metrics()
    desk.listeners.append(metrics.listener)
    yield desk, metrics
    desk.listeners.remove(metrics.listener)


def test_answers_refusals_and_latency_are_counted(metered: tuple[Desk, Metrics]) -> None:
    desk, metrics = metered
    desk.ask("コネクター度の定義は？", channel="widget")
    desk.ask("コネクター度の定義は？", channel="slack")
    declined = desk.ask("おすすめのラーメン屋を教えて", channel="widget")
    reason = declined.meta["reason"]  # the scope rule that declined it (off_topic)
    assert declined.refused and reason
    got = samples(metrics)
    assert got[("madoguchi_answers_total", (("channel", "widget"), ("kind", "ask")))] == 2
    assert got[("madoguchi_answers_total", (("channel", "slack"), ("kind", "ask")))] == 1
    assert got[("madoguchi_refusals_total", (("channel", "widget"), ("reason", reason)))] == 1
    assert ("madoguchi_refusals_total", (("channel", "slack"), ("reason", reason))) not in got
    assert got[("madoguchi_answer_latency_seconds_count", (("kind", "ask"),))] == 3


def test_llm_fallback_and_tokens_are_counted_from_the_event() -> None:
    metrics = Metrics()
    meta = {"mode": "extractive_fallback", "llm": {"model": "m", "prompt_tokens": 120, "completion_tokens": 0},
            "llm_rewrite": {"model": "m", "prompt_tokens": 30, "completion_tokens": 8}}
    metrics.listener(DeskEvent(kind="ask", channel="api", audience="staff", question="q", answer_id="x",
                               text="t", refused=False, latency_ms=1500.0, meta=meta))
    got = samples(metrics)
    assert got[("madoguchi_llm_fallbacks_total", (("channel", "api"),))] == 1
    assert got[("madoguchi_llm_tokens_total", (("type", "prompt"),))] == 150
    assert got[("madoguchi_llm_tokens_total", (("type", "completion"),))] == 8
    assert got[("madoguchi_answer_latency_seconds_bucket", (("kind", "ask"), ("le", "1.0")))] == 0
    assert got[("madoguchi_answer_latency_seconds_bucket", (("kind", "ask"), ("le", "2.5")))] == 1


def test_requests_are_counted_by_door_route_and_status() -> None:
    metrics = Metrics()
    metrics.observe_request("web", "/v1/ask", 200, 0.12)
    metrics.observe_request("web", "/v1/ask", 200, 0.3)
    metrics.observe_request("web", "/v1/ask", 429, 0.001)
    got = samples(metrics)
    assert got[("madoguchi_requests_total", (("door", "web"), ("route", "/v1/ask"), ("status", "200")))] == 2
    assert got[("madoguchi_requests_total", (("door", "web"), ("route", "/v1/ask"), ("status", "429")))] == 1
    assert got[("madoguchi_request_duration_seconds_count", (("door", "web"), ("route", "/v1/ask")))] == 3


def test_metrics_have_their_own_registry() -> None:
    from prometheus_client import REGISTRY

    get_metrics().observe_request("web", "/healthz", 200, 0.001)
    assert REGISTRY.get_sample_value("madoguchi_requests_total", {"door": "web", "route": "/healthz", "status": "200"}) is None
    assert get_metrics() is get_metrics()


def test_audit_write_failures_show_in_the_metrics(tmp_path: Path) -> None:
    dead = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing"  # nobody listens there
    audit = open_audit_log(Settings(data_dir=tmp_path, database_url=dead, _env_file=None))  # type: ignore[call-arg]
    before = samples(get_metrics()).get(("madoguchi_audit_log_write_failures_total", ()), 0.0)
    audit.listener(DeskEvent(kind="ask", channel="api", audience="staff", question="q", answer_id="a1", text="t", refused=False))
    end = time.monotonic() + 60
    while samples(get_metrics()).get(("madoguchi_audit_log_write_failures_total", ()), 0.0) == before:
        assert time.monotonic() < end, "the failed write was never counted"
        time.sleep(0.05)
    assert samples(get_metrics())[("madoguchi_audit_log_queue_rows", ())] == 1
    audit.close(timeout=0.1)


def test_json_logs_carry_the_request_id() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        configure_logging("INFO", "json", stream)
        configure_logging("INFO", "json", stream)  # configuring twice must not duplicate lines
        token = request_id.set("abc123")
        try:
            logging.getLogger("madoguchi.web").info("回答しました", extra={"route": "/v1/ask"})
        finally:
            request_id.reset(token)
        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("madoguchi.web").exception("失敗")
    finally:
        root.handlers[:], root.level = saved
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(lines) == 2
    assert lines[0]["request_id"] == "abc123" and lines[0]["message"] == "回答しました"
    assert lines[0]["route"] == "/v1/ask" and lines[0]["level"] == "INFO" and lines[0]["logger"] == "madoguchi.web"
    assert lines[1]["request_id"] == "" and "ValueError: boom" in lines[1]["exc"]
