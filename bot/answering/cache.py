"""Answers to repeated questions: an in-process LRU by default, Redis (shared by every worker) when configured.

The key covers everything an answer depends on: the normalized question and history, audience, retriever
mode, k, filters, the corpus version (a re-ingest changes it, so old entries are never served again) and the
generator (a digest of the code and of the corpus's rule files — scope rules, intents, glossary, clarify … — so an
edited rule is never answered from the cache, plus the LLM endpoint, model and prompt versions). Each hit is a new
answer with its own ``answer_id``; the desk records it like any other answer.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from functools import cache, lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

from cachetools import TTLCache

from bot.answering.answer import Answer, new_answer_id
from bot.answering.conversation import Turn, parse_history
from bot.answering.guard import check_question, looks_like_injection, unanswerable_intent
from bot.config import Settings
from retrieval.normalize import normalize

log = logging.getLogger("madoguchi.cache")
KEY_PREFIX = "madoguchi:answer:v1:"
REDIS_TIMEOUT = 0.5  # seconds; a slow Redis must not slow every answer
REDIS_BACKOFF = 10.0  # seconds Redis is skipped after a failure
USAGE_KEYS = ("llm", "llm_rewrite", "usage")  # tokens spent by the original answer, not by a hit


class Backend(Protocol):
    """Where cached answers live."""

    def get(self, key: str) -> str | None:
        """The stored JSON, or None."""

    def set(self, key: str, value: str) -> None:
        """Store JSON under a key for the configured TTL."""


class MemoryBackend:
    """An LRU with a TTL inside this process (thread-safe)."""

    def __init__(self, size: int, ttl: float, timer: Callable[[], float] = time.monotonic) -> None:
        self._data: TTLCache[str, str] = TTLCache(maxsize=size, ttl=ttl, timer=timer)
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        """The stored JSON, or None when absent or expired."""
        with self._lock:
            return self._data.get(key)

    def set(self, key: str, value: str) -> None:
        """Store JSON (the least recently used entry goes when full)."""
        with self._lock:
            self._data[key] = value


class RedisBackend:
    """Redis shared by every worker; a failing Redis is skipped for a while, never fails an answer."""

    def __init__(self, url: str, ttl: float) -> None:
        import redis

        self.ttl = max(1, int(ttl))
        self._client = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT)
        self._down_until = 0.0

    def _call(self, op: str, *args: Any) -> Any:
        if time.monotonic() < self._down_until:
            return None
        try:
            return getattr(self._client, op)(*args)
        except Exception as exc:  # Redis down or slow: answer without the cache
            self._down_until = time.monotonic() + REDIS_BACKOFF
            log.warning("answer cache: Redis %s failed (%s); skipping the cache for %.0f s", op, exc, REDIS_BACKOFF)
            return None

    def get(self, key: str) -> str | None:
        """The stored JSON, or None."""
        raw = self._call("get", KEY_PREFIX + key)
        return raw.decode("utf-8") if isinstance(raw, bytes) else raw

    def set(self, key: str, value: str) -> None:
        """Store JSON with the TTL."""
        self._call("set", KEY_PREFIX + key, value.encode("utf-8"), self.ttl)


def cacheable(answer: Answer) -> bool:
    """False for degraded answers: the LLM failed (extractive fallback) or its query rewrite did."""
    return answer.mode != "extractive_fallback" and not {"llm_error", "query_rewrite_error"} & answer.meta.keys()


@cache
@cache
def _code_version() -> str:
    """The package version and a digest of the answering code (an edit without a version bump is a new generator)."""
    try:
        version = metadata.version("madoguchi")
    except metadata.PackageNotFoundError:
        version = "dev"
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parents[2]
    for package in ("bot", "retrieval"):
        for path in sorted((root / package).rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return f"{version}+{digest.hexdigest()[:12]}"


def rules_version(corpus_dir: Path) -> str:
    """A digest of the corpus's rule files (scope rules, intents, glossary, synonyms, clarify, plan terms …)."""
    files = sorted(corpus_dir.glob("*.yaml"))
    return _rules_digest(tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files))


@lru_cache(maxsize=8)
def _rules_digest(stamps: tuple[tuple[str, int, int], ...]) -> str:
    digest = hashlib.sha256()
    for name, _mtime, _size in stamps:
        digest.update(Path(name).name.encode())
        digest.update(Path(name).read_bytes())
    return digest.hexdigest()[:12]


class AnswerCache:
    """Get and put answers by request key; ``enabled`` is False when the size or TTL is 0."""

    def __init__(self, backend: Backend | None) -> None:
        self.backend = backend

    @classmethod
    def from_settings(cls, settings: Settings) -> AnswerCache:
        """Redis when ``redis_url`` is set, else the in-process LRU; off when cache_size or cache_ttl_seconds is 0."""
        if settings.cache_size <= 0 or settings.cache_ttl_seconds <= 0:
            return cls(None)
        if settings.redis_url:
            return cls(RedisBackend(settings.redis_url, settings.cache_ttl_seconds))
        return cls(MemoryBackend(settings.cache_size, settings.cache_ttl_seconds))

    @property
    def enabled(self) -> bool:
        """True when answers are cached."""
        return self.backend is not None

    @staticmethod
    def key(
        question: str,
        turns: Sequence[Turn],
        *,
        audience: str,
        mode: str,
        k: int,
        filters: Mapping[str, str] | None,
        corpus_version: str,
        generator: str,
    ) -> str:
        """A hash of everything the answer depends on."""
        parts = [
            normalize(question),
            [[t.role, normalize(t.content)] for t in turns],
            audience,
            mode,
            k,
            sorted((filters or {}).items()),
            corpus_version,
            generator,
        ]
        return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, key: str) -> Answer | None:
        """A fresh copy of the cached answer with its own answer id, or None."""
        if self.backend is None:
            return None
        raw = self.backend.get(key)
        if raw is None:
            return None
        try:
            stored = Answer.model_validate_json(raw)
        except ValueError:
            log.warning("answer cache: unreadable entry ignored")
            return None
        meta = {k: v for k, v in stored.meta.items() if k not in USAGE_KEYS and k != "latency_ms"}
        meta |= {"cache": "hit", "cached_answer_id": stored.answer_id}
        return stored.model_copy(update={"answer_id": new_answer_id(), "meta": meta})

    def put(self, key: str, answer: Answer) -> bool:
        """Store an answer unless it is degraded; True when stored."""
        if self.backend is None or not cacheable(answer):
            return False
        try:
            self.backend.set(key, answer.model_dump_json())
        except Exception:  # the cache is an optimization: never lose the answer over it
            log.exception("answer cache: store failed")
            return False
        return True


def generator_id(settings: Settings, prompt_versions: Sequence[str] = ()) -> str:
    """What composes answers: code version, retrieval settings, and the LLM endpoint/model/prompts if any."""
    s = settings
    parts: list[Any] = [
        _code_version(), rules_version(Path(s.corpus_dir)), s.embedder, s.top_k, s.candidates, s.rrf_k,
        s.weight_bm25, s.weight_bigram, s.weight_dense, s.min_coverage,
    ]
    if s.llm_enabled:
        parts += [s.llm_base_url, s.llm_model, s.llm_temperature, s.llm_max_tokens, *prompt_versions]
    else:
        parts.append("extractive")
    return json.dumps(parts, ensure_ascii=False)


def request_key(
    cache: AnswerCache,
    settings: Settings,
    question: object,
    history: Sequence[Any] | None,
    *,
    k: int | None,
    mode: str,
    audience: str,
    filters: Mapping[str, str] | None,
    corpus_version: Callable[[], str],
    generator: Callable[[], str],
) -> str | None:
    """The cache key of a valid question the desk would answer, or None (cache off, or a refusal).

    Raises the same ``DeskError`` as answering would for an invalid question or history; the corpus version
    and the generator id are asked for only when a key is made.
    """
    if not cache.enabled:
        return None
    text = check_question(question, settings.max_question_chars)
    if looks_like_injection(text) or unanswerable_intent(text):
        return None  # refusals are immediate; they need no cache
    s = settings
    turns = parse_history(history, s.max_history_turns, s.max_question_chars)
    return AnswerCache.key(
        text,
        turns,
        audience=audience,
        mode=mode,
        k=k or s.top_k,
        filters=filters,
        corpus_version=corpus_version(),
        generator=generator(),
    )
