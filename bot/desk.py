"""The Desk: the one door into madoguchi's logic (ask, match, precheck); every interface adapts it."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any

from bot.answering.answer import Answer
from bot.answering.cache import AnswerCache, generator_id, request_key
from bot.answering.compose_llm import LLMComposer, text_events
from bot.answering.conversation import Turn
from bot.answering.declines import unrelated_decline
from bot.answering.grounding import Grounding
from bot.answering.intake import Intake
from bot.answering.reading import kana_vocabulary
from bot.config import Settings, get_settings
from bot.events import DeskEvent, Listener, emit
from bot.plans import match_plan, plan_terms, precheck_plan
from bot.plans.report import plan_markdown
from retrieval.clarify import Clarify, load_clarify
from retrieval.corpus import Corpus, load_corpus
from retrieval.embed import Embedder, get_embedder
from retrieval.index import IndexHolder
from retrieval.questions import Glossary, Intents, load_glossary, load_intents
from retrieval.scope_rules import ScopeRules, load_scope
from retrieval.search import Retriever, Weights
from retrieval.store import Store
from retrieval.types import Hit

if TYPE_CHECKING:
    from bot.plans.match_result import MatchResult
    from bot.plans.plan import Plan
    from bot.plans.precheck import PrecheckReport

STREAM_PIECE = 24  # characters per streamed delta in extractive mode


class Desk:
    """Answers questions from the sources, matches plans to measures and pre-checks plans."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.listeners: list[Listener] = []  # e.g. the audit log and metrics, attached by the doors

    def emit(self, event: DeskEvent) -> None:
        """Tell the listeners about an answered request (never raises)."""
        emit(self.listeners, event)

    # --- parts, built on first use (no work at import or construction time) ----------------
    @cached_property
    def store(self) -> Store:
        """The vector store (embedded or server)."""
        s = self.settings
        return Store(path=None if s.chroma_url else s.chroma_dir, url=s.chroma_url)

    @cached_property
    def embedder(self) -> Embedder:
        """The configured embedder."""
        s = self.settings
        return get_embedder(s.embedder, threads=s.embed_threads, batch=s.embed_batch, query_cache=s.query_cache_size)

    @cached_property
    def holder(self) -> IndexHolder:
        """Holds the active index generation."""
        return IndexHolder(self.store, self.settings.index_dir)

    @cached_property
    def retriever(self) -> Retriever:
        """Hybrid retriever over the active index."""
        s = self.settings
        weights = Weights(bm25=s.weight_bm25, bigram=s.weight_bigram, dense=s.weight_dense, rrf_k=s.rrf_k)
        intents = self.intents
        return Retriever(
            self.holder, self.embedder, weights, candidates=s.candidates,
            asks_definition=partial(intents.has, intent="definition"),
            asks_fact=lambda query: bool(intents.answer_patterns(query)),
            asked_answers=intents.answer_patterns,
            asked_section=intents.section_kinds.asked,
        )

    @cached_property
    def corpus(self) -> Corpus:
        """The validated corpus (catalogs used by match and precheck)."""
        return load_corpus(self.settings.corpus_dir)

    @property
    def vocab(self) -> dict[str, Any]:
        """Plan analysis' vocabulary (``corpus/plan_terms.yaml``; cached per file version by ``plan_terms``)."""
        return plan_terms(self.settings.corpus_dir)

    def ready(self) -> dict[str, Any]:
        """Readiness: index loaded and searchable — the store reachable, or the index held in process (raises ``DeskError`` when not)."""
        index = self.holder.get()
        info: dict[str, Any] = {"generation": index.generation, "corpus_version": index.corpus_version,
                                "chunks": len(index.chunks), "store": "ok", "degraded": False}
        if not self.store.heartbeat():
            if not Store.in_process(index.collection):
                from retrieval.errors import Code, DeskError

                raise DeskError(Code.STORE_UNAVAILABLE, "検索データベースに接続できません。")
            info |= {"store": "unreachable", "degraded": True}  # a small index still answers from its in-process copy
        return info

    # --- ask ------------------------------------------------------------------------------
    def search(
        self, query: str, k: int | None = None, mode: str = "hybrid", filters: Mapping[str, str] | None = None,
        dense_query: str | None = None,
    ) -> list[Hit]:
        """Retrieve the best chunks for a query (``dense_query``: a foreign question as asked, for the dense channel)."""
        return self.retriever.search(query, k=k or self.settings.top_k, mode=mode, filters=filters, dense_query=dense_query)

    def _lexical_search(
        self, query: str, k: int | None = None, mode: str = "hybrid", filters: Mapping[str, str] | None = None
    ) -> list[Hit]:
        """``bot.plans.Search`` over BM25 alone: plan analysis of a one-line question needs no embedding per sentence."""
        return self.search(query, k=k, mode="bm25", filters=filters)

    @cached_property
    def scope(self) -> ScopeRules:
        """The scope rules and follow-up markers (``corpus/scope_rules.yaml``)."""
        return load_scope(self.settings.corpus_dir)

    @property
    def clarify(self) -> Clarify:
        """The clarifying question for situation questions that name no interest (``corpus/clarify.yaml``)."""
        return load_clarify(self.settings.corpus_dir)

    @cached_property
    def glossary(self) -> Glossary:
        """The bilingual glossary (``corpus/glossary.yaml``)."""
        return load_glossary(self.settings.corpus_dir)

    @cached_property
    def kana_vocabulary(self) -> dict[str, str]:
        """Readings of the clarify cues and plan-analysis needs, to read romaji words (tsugasetai → 継ぐ)."""
        return kana_vocabulary(self.clarify, self.vocab)

    @cached_property
    def intents(self) -> Intents:
        """The question intents (``corpus/intents.yaml``)."""
        return load_intents(self.settings.corpus_dir)

    def _intake(self) -> Intake:
        """The steps before retrieval (``bot.answering.intake``) over this desk's data."""
        s = self.settings
        return Intake(
            index=self.holder.get, scope=self.scope, glossary=self.glossary, intents=self.intents,
            clarify=lambda: self.clarify, search=self.search,
            plan_match=lambda text, **kw: match_plan(text, corpus=self.corpus, vocab=self.vocab,
                                                     search=self._lexical_search, **kw),
            corpus=lambda: self.corpus, kana_vocabulary=lambda: self.kana_vocabulary,
            max_question_chars=s.max_question_chars, max_history_turns=s.max_history_turns,
        )

    def _grounding(self) -> Grounding:
        """Retrieval and the extractive answer (``bot.answering.grounding``) over this desk's data."""
        return Grounding(index=self.holder.get, intents=self.intents, corpus=lambda: self.corpus, search=self.search,
                         min_coverage=self.settings.min_coverage)

    def follow_up_query(self, question: str, turns: Sequence[Turn]) -> str:
        """The retrieval query of a question in a conversation (extractive mode: carried key terms)."""
        return self._intake().follow_up_query(question, turns)

    @cached_property
    def cache(self) -> AnswerCache:
        """Answers to repeated questions (in-process LRU, or Redis shared by every worker)."""
        return AnswerCache.from_settings(self.settings)

    def _generator_id(self) -> str:
        versions: tuple[str, ...] = ()
        if self.settings.llm_enabled:
            versions = (self.composer.answer_prompt.version, self.composer.rewrite_prompt.version)
        return generator_id(self.settings, versions)

    def ask(
        self,
        question: str,
        history: Sequence[Any] | None = None,
        *,
        k: int | None = None,
        mode: str = "hybrid",
        audience: str = "staff",
        filters: Mapping[str, str] | None = None,
        channel: str = "api",
    ) -> Answer:
        """Answer a question from the sources with citations, or decline; a repeat is served from the cache."""
        started = time.perf_counter()
        key = request_key(
            self.cache, self.settings, question, history, k=k, mode=mode, audience=audience, filters=filters,
            corpus_version=lambda: self.holder.get().corpus_version, generator=self._generator_id,
        )
        cached = self.cache.get(key) if key else None
        if cached is not None:  # a new answer id and its own audit row, like any answer
            self._record(cached, question.strip(), started, channel, audience)
            return cached
        answer = self._answer(question, history, k=k, mode=mode, audience=audience, filters=filters, channel=channel)
        if key:
            self.cache.put(key, answer)
        return answer

    def _answer(
        self,
        question: str,
        history: Sequence[Any] | None,
        *,
        k: int | None,
        mode: str,
        audience: str,
        filters: Mapping[str, str] | None,
        channel: str,
    ) -> Answer:
        """Answer without the cache (``ask`` owns the defaults)."""
        if self.settings.llm_enabled:
            events = self._ask_llm(question, history, k=k, mode=mode, audience=audience, filters=filters, channel=channel)
            return next(e["data"] for e in events if e["event"] == "done")
        started = time.perf_counter()
        intake = self._intake()
        taken = intake.take(question, history, audience=audience, mode=mode)
        answer = taken.fixed
        if answer is None:
            query = intake.follow_up_query(taken.reading.query, taken.turns)
            taken.meta["query"] = query
            given = intake.given_measures(taken.reading.query, taken.turns)
            if given:
                taken.meta["given_measures"] = given
            _, answer = self._grounding().extractive(query, k, mode, filters, taken.meta, taken.reading.asked)
            if given and answer.refused:
                answer = intake.none_left(answer)
        answer = intake.in_language(answer, taken.reading)
        self._record(answer, taken.text, started, channel, audience)
        return answer

    def _record(self, answer: Answer, text: str, started: float, channel: str, audience: str) -> None:
        answer.meta["latency_ms"] = round((time.perf_counter() - started) * 1000, 2)
        self.emit(
            DeskEvent(
                kind="ask",
                channel=channel,
                audience=audience,
                question=text,
                answer_id=answer.answer_id,
                text=answer.text,
                refused=answer.refused,
                citations=[c.public() for c in answer.citations],
                latency_ms=answer.meta["latency_ms"],
                meta={k: v for k, v in answer.meta.items() if k != "latency_ms"} | {"mode": answer.mode},
            )
        )

    def ask_stream(self, question: str, history: Sequence[Any] | None = None, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """Stream an answer as events: ``delta`` pieces, then ``citations``, then ``done`` with the Answer.

        In LLM mode the deltas are the model's tokens; a ``replace`` event (full text) withdraws the deltas
        sent so far when the generation fails mid-way or is rejected (see docs/llm.md).
        """
        if self.settings.llm_enabled:
            yield from self._ask_llm(question, history, **kwargs)
            return
        answer = self.ask(question, history, **kwargs)
        for start in range(0, len(answer.text), STREAM_PIECE):
            yield {"event": "delta", "data": answer.text[start : start + STREAM_PIECE]}
        yield {"event": "citations", "data": [c.public() for c in answer.citations]}
        yield {"event": "done", "data": answer}

    @cached_property
    def composer(self) -> LLMComposer:
        """The LLM composer (LLM mode only; the client is built on first use)."""
        return LLMComposer(self.settings)

    def _ask_llm(
        self,
        question: str,
        history: Sequence[Any] | None = None,
        *,
        k: int | None = None,
        mode: str = "hybrid",
        audience: str = "staff",
        filters: Mapping[str, str] | None = None,
        channel: str = "api",
    ) -> Iterator[dict[str, Any]]:
        """LLM mode: same checks and retrieval as extractive mode; the model composes only from found evidence."""
        started = time.perf_counter()
        intake = self._intake()
        taken = intake.take(question, history, audience=audience, mode=mode)
        text, meta = taken.text, taken.meta
        if taken.fixed is not None:
            answer = intake.in_language(taken.fixed, taken.reading)
            yield from text_events(answer.text)
        else:
            reading = taken.reading
            asked = reading.query if reading.lang != "ja" else text
            query = self.composer.standalone_query(asked, taken.turns, meta, fallback=self.follow_up_query)
            meta["query"] = query
            hits, answer = self._grounding().extractive(query, k, mode, filters, meta, reading.asked)
            if answer.refused:
                answer = unrelated_decline(answer, f"{text} {query}", self.scope)
                yield from text_events(answer.text)
            else:
                answer = yield from self.composer.stream(text, query, hits, answer, self.holder.get())
        self._record(answer, text, started, channel, audience)
        yield {"event": "citations", "data": [c.public() for c in answer.citations]}
        yield {"event": "done", "data": answer}

    # --- plan analysis (bot.plans.match / bot.plans.precheck) ------------------------------------------------
    def match(
        self,
        plan: Plan | str,
        n: int = 5,
        *,
        plan_type: str | None = None,
        channel: str = "api",
        audience: str = "staff",
    ) -> MatchResult:
        """Support measures that fit a draft plan, each with reasons and sources."""
        started = time.perf_counter()
        result = match_plan(plan, corpus=self.corpus, vocab=self.vocab, search=self.search, n=n, plan_type=plan_type)
        self._emit_plan("match", plan, result, started, channel, audience)
        return result

    def precheck(
        self, plan: Plan | str, plan_type: str | None = None, *, channel: str = "api", audience: str = "staff"
    ) -> PrecheckReport:
        """Check a draft plan against its plan type's requirements: met / partial / missing."""
        started = time.perf_counter()
        report = precheck_plan(plan, corpus=self.corpus, vocab=self.vocab, plan_type=plan_type, embed=self.embedder.embed)
        self._emit_plan("precheck", plan, report, started, channel, audience)
        return report

    def _emit_plan(self, kind: str, plan: Any, result: Any, started: float, channel: str, audience: str) -> None:
        plan_text = plan if isinstance(plan, str) else getattr(plan, "text", str(plan))
        latency = round((time.perf_counter() - started) * 1000, 2)
        self.emit(DeskEvent(kind=kind, channel=channel, audience=audience, question=plan_text, answer_id=result.answer_id,
                            text=plan_markdown(result), refused=False, latency_ms=latency))
