"""Prometheus metrics of the desk: requests, answers, latency, refusals, LLM fallbacks, audit-log health.

With several worker processes (``madoguchi serve --workers N``) the metrics run in prometheus_client's
multiprocess mode: ``PROMETHEUS_MULTIPROC_DIR`` names a directory where every worker writes its values, and
``/metrics`` in any worker sums them all.
"""

from __future__ import annotations

import atexit
import os
import threading
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from bot.events import DeskEvent

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


def llm_usage(meta: dict[str, Any]) -> dict[str, Any] | None:
    """LLM tokens of an answer from its meta (``llm`` = the answer call, ``llm_rewrite`` = the query rewrite)."""
    calls = {name: meta[key] for name, key in (("answer", "llm"), ("rewrite", "llm_rewrite"), ("usage", "usage"))
             if isinstance(meta.get(key), dict)}
    if not calls:
        return None

    def total(*keys: str) -> int:
        return sum(int(next((c[k] for k in keys if isinstance(c.get(k), int | float)), 0)) for c in calls.values())

    model = next((str(c["model"]) for c in calls.values() if c.get("model")), None)
    return {"model": model, "prompt_tokens": total("prompt_tokens", "input_tokens"),
            "completion_tokens": total("completion_tokens", "output_tokens"), "calls": calls}


class Metrics:
    """The metric objects, registered in their own ``CollectorRegistry`` (not the global default)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.multiprocess_dir = os.environ.get(MULTIPROC_ENV) or None
        if self.multiprocess_dir:
            atexit.register(_forget_this_process, self.multiprocess_dir, os.getpid())
        r = self.registry
        self.requests = Counter(
            "madoguchi_requests", "HTTP / Slack requests handled, by door, route and status.",
            ["door", "route", "status"], registry=r,
        )
        self.request_seconds = Histogram(
            "madoguchi_request_duration_seconds", "Time to handle a request, by door and route.",
            ["door", "route"], buckets=LATENCY_BUCKETS, registry=r,
        )
        self.answers = Counter(
            "madoguchi_answers", "Answered requests (ask / match / precheck), by kind and channel.",
            ["kind", "channel"], registry=r,
        )
        self.answer_seconds = Histogram(
            "madoguchi_answer_latency_seconds", "Time the desk took to answer, by kind.",
            ["kind"], buckets=LATENCY_BUCKETS, registry=r,
        )
        self.refusals = Counter(
            "madoguchi_refusals", "Questions the desk declined, by channel and reason.",
            ["channel", "reason"], registry=r,
        )
        self.llm_fallbacks = Counter(
            "madoguchi_llm_fallbacks", "Answers that fell back to extractive because the LLM failed.",
            ["channel"], registry=r,
        )
        self.llm_tokens = Counter(
            "madoguchi_llm_tokens", "LLM tokens used, by type (prompt / completion).", ["type"], registry=r,
        )
        self.log_write_failures = Counter(
            "madoguchi_audit_log_write_failures", "Failed audit-log write attempts (rows stay queued).",
            registry=r,
        )
        self.log_queue = Gauge(
            "madoguchi_audit_log_queue_rows", "Audit-log rows waiting in memory to be written.", registry=r,
            multiprocess_mode="livesum",  # several workers: the rows all live workers hold
        )

    def listener(self, event: DeskEvent) -> None:
        """Count one answered request (attach to ``desk.listeners``)."""
        channel = event.channel or "unknown"
        self.answers.labels(event.kind, channel).inc()
        self.answer_seconds.labels(event.kind).observe(max(0.0, event.latency_ms) / 1000)
        meta = event.meta or {}
        if event.refused:
            self.refusals.labels(channel, str(meta.get("reason") or "other")).inc()
        if meta.get("mode") == "extractive_fallback":
            self.llm_fallbacks.labels(channel).inc()
        usage = llm_usage(meta)
        if usage:
            for kind in ("prompt", "completion"):
                if usage[f"{kind}_tokens"] > 0:
                    self.llm_tokens.labels(kind).inc(usage[f"{kind}_tokens"])

    def observe_request(self, door: str, route: str, status: int, seconds: float) -> None:
        """Count one request at a door (``web`` / ``slack`` / …); ``route`` is the route template, not the URL."""
        self.requests.labels(door, route, str(status)).inc()
        self.request_seconds.labels(door, route).observe(max(0.0, seconds))

    def log_write_failed(self) -> None:
        """Count one failed audit-log write attempt."""
        self.log_write_failures.inc()

    def set_log_queue(self, rows: int) -> None:
        """Record how many audit rows wait in memory."""
        self.log_queue.set(rows)

    def render(self) -> tuple[bytes, str]:
        """The Prometheus exposition text and its content type (for ``GET /metrics``): all workers' sums in
        multiprocess mode, this process's values otherwise."""
        if not self.multiprocess_dir:
            return generate_latest(self.registry), CONTENT_TYPE_LATEST
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=self.multiprocess_dir)
        return generate_latest(registry), CONTENT_TYPE_LATEST


def _forget_this_process(directory: str, pid: int) -> None:
    """At a worker's exit: drop its live gauges (its counters stay in the sums, as Prometheus expects)."""
    from prometheus_client import multiprocess

    try:
        multiprocess.mark_process_dead(pid, directory)
    except OSError:
        pass


_METRICS: Metrics | None = None
_LOCK = threading.Lock()


def get_metrics() -> Metrics:
    """The process-wide metrics, created on first use."""
    global _METRICS
    with _LOCK:
        if _METRICS is None:
            _METRICS = Metrics()
        return _METRICS
