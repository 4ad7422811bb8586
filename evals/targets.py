"""What an eval runs against: a Desk in this process, or a running desk over HTTP (same answers, same metrics)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

import httpx

from evals.dataset import AskCase
from evals.metrics import CitedHit, MeasureRef
from evals.plans import evidence_of, measures_of, statuses_of
from retrieval.errors import Code, DeskError

RETRIEVAL_K = 10
MATCH_N = 5
MAX_RETRIES = 5  # retries of one request refused with 429 (or 503 with Retry-After)
MAX_WAIT = 120.0  # seconds: a longer Retry-After is not waited for; the request is an error


class Unsupported(Exception):
    """The target cannot run this task (e.g. plan analysis is not installed); the message says why."""


@dataclass
class RankedHit:
    """A retrieved chunk as the eval sees it; ``text`` is what relevance is judged on."""

    chunk_id: str
    title: str
    section: str
    text: str
    score: float = 0.0


@dataclass
class AskRun:
    """Everything measured for one ask case."""

    query: str
    ranked: list[RankedHit] = field(default_factory=list)
    answer: str = ""
    refused: bool = False
    citations: list[dict[str, Any]] = field(default_factory=list)
    answer_hits: list[CitedHit] = field(default_factory=list)
    latency_ms: float | None = None
    error: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)  # the answer's route and reason (in-process targets only)


class Target(Protocol):
    """A desk the eval can question."""

    label: str
    retrieval_depth: int

    def ask(self, case: AskCase, mode: str) -> AskRun:
        """Retrieve and answer one ask case."""
        ...

    def match(self, plan: str, plan_type: str | None) -> list[MeasureRef]:
        """Ranked measures for a plan (raises ``Unsupported``)."""
        ...

    def precheck(self, plan: str, plan_type: str) -> Verdicts:
        """Requirement label → status (and the evidence quoted) for a plan (raises ``Unsupported``)."""
        ...


@dataclass(frozen=True)
class Verdicts:
    """A pre-check as the eval sees it: label → status, and label → the plan words quoted as evidence."""

    status: dict[str, str]
    evidence: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, report: Any) -> Verdicts:
        """From a pre-check report object or its JSON."""
        return cls(statuses_of(report), evidence_of(report))


def _plain(meta: dict[str, Any]) -> dict[str, Any]:
    """The JSON-safe scalar and list fields of an answer's metadata (what a report can keep)."""
    keep: dict[str, Any] = {}
    for key, value in meta.items():
        if isinstance(value, str | int | float | bool) or value is None:
            keep[key] = value
        elif isinstance(value, list | tuple) and all(isinstance(v, str | int | float) for v in value):
            keep[key] = list(value)
    return keep


class DeskTarget:
    """Runs the cases on a ``Desk`` in this process."""

    def __init__(self, desk: Any) -> None:
        self.desk = desk
        self.label = f"desk ({desk.settings.data_dir})"
        self.retrieval_depth = RETRIEVAL_K

    def query_for(self, question: str, history: Sequence[dict[str, str]]) -> str:
        """The query the extractive desk builds (a follow-up carries the previous turn's key terms).

        Used when the answer does not record its query (a request declined before retrieval).
        """
        from bot.answering.conversation import parse_history
        from bot.answering.guard import check_question

        s = self.desk.settings
        text = check_question(question, s.max_question_chars)
        return self.desk.follow_up_query(text, parse_history(list(history), s.max_history_turns, s.max_question_chars))

    def warm_up(self, modes: Sequence[str]) -> None:
        """Load the index and models before timing (first-use loading is not answer latency)."""
        self.desk.ready()
        for mode in modes:
            self.desk.search("地域未来戦略", k=1, mode=mode)

    def ask(self, case: AskCase, mode: str) -> AskRun:
        """Ask the desk (channel ``eval``), then search top 10 with the query the desk used."""
        try:
            started = time.perf_counter()
            answer = self.desk.ask(case.question, list(case.history), mode=mode, channel="eval")
            latency = (time.perf_counter() - started) * 1000
            query = str(answer.meta.get("query") or self.query_for(case.question, case.history))
            hits = self.desk.search(query, k=RETRIEVAL_K, mode=mode)
        except DeskError as exc:
            return AskRun(query=case.question, error=exc.user_text())
        return AskRun(
            query=query,
            ranked=[RankedHit(h.chunk.id, h.chunk.title, h.chunk.section, h.chunk.text, round(h.score, 6)) for h in hits],
            answer=answer.text,
            refused=answer.refused,
            citations=[c.public() for c in answer.citations],
            answer_hits=[CitedHit(h.chunk_id, h.text) for h in answer.hits],
            latency_ms=round(latency, 2),
            meta=_plain(answer.meta),
        )

    def indexed_texts(self) -> list[str]:
        """The text of every chunk in the desk's loaded index (what relevance is judged on)."""
        return [c.text for c in self.desk.holder.get().chunks]

    def _catalog(self) -> list[Any]:
        try:
            return list(self.desk.corpus.measures)
        except Exception:
            return []

    def match(self, plan: str, plan_type: str | None) -> list[MeasureRef]:
        """The desk's top 5 measures for the plan."""
        result = self.desk.match(plan, n=MATCH_N, channel="eval")
        return measures_of(result, self._catalog())

    def precheck(self, plan: str, plan_type: str) -> Verdicts:
        """The desk's status and evidence per requirement label."""
        return Verdicts.of(self.desk.precheck(plan, plan_type=plan_type, channel="eval"))


def _error_text(response: httpx.Response) -> str:
    try:
        error = response.json().get("error", {})
        return f"HTTP {response.status_code}: {error.get('message') or error.get('code') or response.text[:200]}"
    except Exception:
        return f"HTTP {response.status_code}: {response.text[:200]}"


def retry_after(response: httpx.Response, attempt: int) -> float:
    """Seconds a refused request asks us to wait: its ``Retry-After`` (seconds or HTTP date), else 1, 2, 4 … s."""
    value = response.headers.get("retry-after", "").strip()
    if value.isdigit():
        return float(value)
    if value:
        try:
            return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
        except (TypeError, ValueError):
            pass
    return float(2**attempt)


@dataclass
class HttpStats:
    """What the endpoint refused along the way (printed by ``madoguchi eval``)."""

    throttled: int = 0  # 429 responses seen
    retries: int = 0
    waited: float = 0.0  # seconds spent honouring Retry-After
    statuses: dict[int, int] = field(default_factory=dict)  # non-200 final responses by status


class HttpTarget:
    """Runs the cases against a running desk: POST /v1/ask, /v1/match, /v1/precheck.

    A 429 (or a 503 with ``Retry-After``) is retried after the time the desk asks for, at most ``max_retries``
    times and never waiting longer than ``max_wait`` seconds at once; what still fails is an error, not a miss.
    ``api_key`` is sent as ``X-API-Key`` (the desk's evaluator key gets its own quota).
    """

    def __init__(self, base_url: str, *, timeout: float = 120.0, corpus: Callable[[], Any] | None = None,
                 client: httpx.Client | None = None, api_key: str | None = None, max_retries: int = MAX_RETRIES,
                 max_wait: float = MAX_WAIT, sleep: Callable[[float], None] = time.sleep) -> None:
        self.base_url = base_url.rstrip("/")
        self.label = self.base_url
        self.retrieval_depth = 0  # as many hits as the desk returns (its top_k), learned from the answers
        headers = {"X-API-Key": api_key} if api_key else {}
        self.client = client or httpx.Client(base_url=self.base_url, timeout=timeout, headers=headers)
        self.max_retries = max(0, max_retries)
        self.max_wait = max_wait
        self.sleep = sleep
        self.stats = HttpStats()
        self._load_corpus = corpus or (lambda: None)
        self._corpus: Any = None
        self._texts: dict[str, str] | None = None

    def _local_corpus(self) -> Any:
        """The local corpus (same as the desk's, normally), loaded once; None when unavailable."""
        if self._texts is None:
            try:
                self._corpus = self._load_corpus()
                self._texts = {c.id: c.text for c in self._corpus.chunks()} if self._corpus is not None else {}
            except Exception:
                self._corpus, self._texts = None, {}
        return self._corpus

    def chunk_text(self, hit: dict[str, Any]) -> str:
        """What relevance is judged on: the chunk's indexed text from the local corpus, else what the desk returned."""
        self._local_corpus()
        known = (self._texts or {}).get(str(hit.get("chunk_id", "")))
        return known or f"{hit.get('title', '')}\n{hit.get('section', '')}\n{hit.get('text', '')}"

    def indexed_texts(self) -> list[str] | None:
        """The text of every chunk of the local corpus (the desk's, normally); None when it is unavailable."""
        corpus = self._local_corpus()
        return [c.text for c in corpus.chunks()] if corpus is not None else None

    def _catalog(self) -> list[Any]:
        corpus = self._local_corpus()
        return list(corpus.measures) if corpus is not None else []

    def close(self) -> None:
        """Close the HTTP client."""
        self.client.close()

    def _send(self, path: str, payload: dict[str, Any]) -> httpx.Response:
        try:
            return self.client.post(path, json=payload)
        except httpx.TransportError as exc:
            raise DeskError(
                Code.STORE_UNAVAILABLE, f"評価先 {self.base_url} に接続できません（{type(exc).__name__}）。",
                "madoguchi serve が起動しているか、--endpoint の URL を確かめてください。",
            ) from exc

    def _post(self, path: str, payload: dict[str, Any]) -> httpx.Response:
        for attempt in range(self.max_retries + 1):
            response = self._send(path, payload)
            throttled = response.status_code == 429
            self.stats.throttled += throttled
            retryable = throttled or (response.status_code == 503 and "retry-after" in response.headers)
            if not retryable or attempt == self.max_retries:
                break
            wait = retry_after(response, attempt)
            if wait > self.max_wait:
                break
            self.stats.retries += 1
            self.stats.waited += wait
            self.sleep(wait)
        if response.status_code != 200:
            self.stats.statuses[response.status_code] = self.stats.statuses.get(response.status_code, 0) + 1
        return response

    def ask(self, case: AskCase, mode: str) -> AskRun:
        """POST /v1/ask; retrieval metrics use the hits the desk returns."""
        started = time.perf_counter()
        response = self._post("/v1/ask", {"question": case.question, "history": list(case.history)})
        latency = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            return AskRun(query=case.question, error=_error_text(response))
        data = response.json()
        hits = data.get("hits") or []
        self.retrieval_depth = max(self.retrieval_depth, len(hits))
        ranked = [
            RankedHit(
                str(h.get("chunk_id", "")), str(h.get("title", "")), str(h.get("section", "")),
                self.chunk_text(h), float(h.get("score") or 0.0),
            )
            for h in hits
        ]
        return AskRun(
            query=case.question,
            ranked=ranked,
            answer=str(data.get("answer", "")),
            refused=bool(data.get("refused")),
            citations=list(data.get("citations") or []),
            answer_hits=[CitedHit(str(h.get("chunk_id", "")), str(h.get("text", ""))) for h in hits],
            latency_ms=round(latency, 2),
        )

    def _plan_call(self, path: str, payload: dict[str, Any]) -> Any:
        response = self._post(path, payload)
        if response.status_code in (404, 405, 501):
            raise Unsupported(f"not supported: {self.base_url}{path} がありません（{_error_text(response)}）")
        if response.status_code != 200:
            raise RuntimeError(_error_text(response))
        return response.json()

    def match(self, plan: str, plan_type: str | None) -> list[MeasureRef]:
        """POST /v1/match {plan, n: 5}."""
        return measures_of(self._plan_call("/v1/match", {"plan": plan, "n": MATCH_N}), self._catalog())

    def precheck(self, plan: str, plan_type: str) -> Verdicts:
        """POST /v1/precheck {plan, plan_type}."""
        return Verdicts.of(self._plan_call("/v1/precheck", {"plan": plan, "plan_type": plan_type}))
