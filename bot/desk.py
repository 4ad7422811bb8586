"""The Desk: the one door into madoguchi's logic (ask, match, precheck); every interface adapts it."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any

from bot import messages
from bot.answering.answer import Answer
from bot.answering.cache import AnswerCache, generator_id, request_key
from bot.answering.clarify import clarify_answer, with_context
from bot.answering.compose_llm import LLMComposer, text_events
from bot.answering.conversation import Turn, carry_terms, parse_history
from bot.answering.enumeration import asks_list, whole_list
from bot.answering.extractive import (
    anchor_names,
    anchored,
    extractive_answer,
    in_sources,
    known_share,
    quotes_sources,
)
from bot.answering.guard import check_question, looks_like_injection, unanswerable_intent
from bot.answering.language import Reading, read_question
from bot.answering.primary import (
    heading_first,
    named_measures_first,
    names_measure,
    policy_asked,
    policy_first,
)
from bot.answering.relevance import named_labels, unread_quoted
from bot.answering.situation import overview, plan_ranks
from bot.config import Settings, get_settings
from bot.events import DeskEvent, Listener, emit
from bot.plans import match_plan, plan_terms, precheck_plan
from bot.plans.report import plan_markdown
from retrieval.clarify import Clarify, load_clarify
from retrieval.corpus import Corpus, load_corpus
from retrieval.embed import Embedder, get_embedder
from retrieval.index import IndexHolder
from retrieval.normalize import normalize
from retrieval.questions import Glossary, Intents, ScopeRules, load_glossary, load_intents, load_scope
from retrieval.search import Retriever, Weights
from retrieval.store import Store
from retrieval.types import Hit

if TYPE_CHECKING:
    from bot.plans.match import MatchResult
    from bot.plans.plan import Plan
    from bot.plans.precheck import PrecheckReport

STREAM_PIECE = 24  # characters per streamed delta in extractive mode
ON_TOPIC_SHARE = 0.3  # a follow-up without a reference carries the topic only when this share of its words is known to the corpus


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
        """Readiness: index loaded and store reachable (raises ``DeskError`` when not)."""
        index = self.holder.get()
        if not self.store.heartbeat():
            from retrieval.errors import Code, DeskError

            raise DeskError(Code.STORE_UNAVAILABLE, "検索データベースに接続できません。")
        return {"generation": index.generation, "corpus_version": index.corpus_version, "chunks": len(index.chunks)}

    # --- ask ------------------------------------------------------------------------------
    def search(
        self, query: str, k: int | None = None, mode: str = "hybrid", filters: Mapping[str, str] | None = None,
        dense_query: str | None = None,
    ) -> list[Hit]:
        """Retrieve the best chunks for a query (``dense_query``: a foreign question as asked, for the dense channel)."""
        return self.retriever.search(query, k=k or self.settings.top_k, mode=mode, filters=filters, dense_query=dense_query)

    def follow_up_query(self, question: str, turns: Sequence[Turn]) -> str:
        """The retrieval query of a question in a conversation (extractive mode: carried key terms)."""
        index = self.holder.get()
        lexical = index.lexical["bm25"]
        previous = next((t.content for t in reversed(turns) if t.role == "user"), "")
        follow = self.scope.follow_up
        if follow.changes_topic(question):  # 「ところで…」「話は変わるけど…」: judged alone
            return question
        return carry_terms(
            question,
            turns,
            term_weight=lambda t: lexical.idf(t) if t in lexical.df else 0.0,
            plan_type_names=index.plan_type_names,
            inherits_topic=bool(previous)
            and (follow.refers_back_to(question) or known_share(index, question) >= ON_TOPIC_SHARE)
            and not anchored(index, question)
            and anchored(index, previous),
            answer_trusted=lambda turn: quotes_sources(index, turn),
            topic_names=lambda turn: anchor_names(index, turn),
        )

    def _history(self, history: Sequence[Any] | None) -> list[Turn]:
        s = self.settings
        return parse_history(history, s.max_history_turns, s.max_question_chars)

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
        text = check_question(question, self.settings.max_question_chars)
        turns = self._history(history)
        meta: dict[str, Any] = {"audience": audience, "retriever": mode}
        reading = self._read(text, meta)
        fixed = self._fixed(text, reading, turns, meta)
        if fixed is not None:
            answer = fixed
        else:
            query = self.follow_up_query(reading.query, turns)
            meta["query"] = query
            answer = self._extractive(query, k, mode, filters, meta, reading.asked)
        answer = self._in_language(answer, reading)
        self._record(answer, text, started, channel, audience)
        return answer

    @cached_property
    def scope(self) -> ScopeRules:
        """The scope rules and follow-up markers (``corpus/scope_rules.yaml``)."""
        return load_scope(self.settings.corpus_dir)

    def _refusal(self, text: str, meta: dict[str, Any]) -> Answer | None:
        """The refusal for an injection, an unknowable question or a scope rule (both composers use it), else None."""
        if looks_like_injection(text):
            return Answer(text=messages.REFUSE_INSTRUCTIONS, refused=True, meta={**meta, "reason": "instructions"})
        if unanswerable_intent(text):
            return Answer(text=messages.REFUSE_UNKNOWABLE, refused=True, meta={**meta, "reason": "unknowable"})
        rule = self.scope.first_match(text)
        if rule is not None:
            return Answer(text=rule.reply, refused=True, meta={**meta, "reason": f"scope:{rule.kind}"})
        return None

    @property
    def clarify(self) -> Clarify:
        """The clarifying question for situation questions that name no interest (``corpus/clarify.yaml``)."""
        return load_clarify(self.settings.corpus_dir)

    @cached_property
    def glossary(self) -> Glossary:
        """The bilingual glossary (``corpus/glossary.yaml``)."""
        return load_glossary(self.settings.corpus_dir)

    def _read(self, text: str, meta: dict[str, Any]) -> Reading:
        """The question's language and the Japanese query it is searched with (kana, romaji, glossary)."""
        reading = read_question(self.holder.get(), text, self.glossary)
        meta["lang"] = reading.lang
        return reading

    def _fixed(self, text: str, reading: Reading, turns: Sequence[Turn], meta: dict[str, Any]) -> Answer | None:
        """The answer decided before retrieval — a refusal or a situation overview — for both composers, else None."""
        refusal = self._refusal(text, meta)
        if refusal is not None:
            return refusal
        if reading.lang in ("en", "zh", "ko") and not reading.query:  # no term of the sources recognised
            return Answer(text=messages.REFUSE_OUT_OF_SCOPE, refused=True, meta={**meta, "reason": "no_evidence"})
        index = self.holder.get()
        if unread_quoted(text, reading.lang, self.glossary, lambda term: in_sources(index, term)):
            # 「'competitive advantage'」 read as nothing of the sources: answering would quote something else
            return Answer(text=messages.REFUSE_OUT_OF_SCOPE, refused=True, meta={**meta, "reason": "unread_focus"})
        return self._situation(reading.query, turns, meta)

    def _in_language(self, answer: Answer, reading: Reading) -> Answer:
        """A first line in the asker's language before the Japanese answer (quotes stay unchanged)."""
        if answer.meta.get("reason") == "instructions":  # the fixed refusal stays exactly as it is
            return answer
        lines = self.glossary.decline_line if answer.refused else self.glossary.first_line
        line = lines.get(reading.lang, "")
        if line and not answer.text.startswith(line):
            answer = answer.model_copy(update={"text": f"{line}\n{answer.text}"})
        return answer

    @cached_property
    def intents(self) -> Intents:
        """The question intents (``corpus/intents.yaml``)."""
        return load_intents(self.settings.corpus_dir)

    SITUATION_DEPTH = 20

    def _lexical_search(
        self, query: str, k: int | None = None, mode: str = "hybrid", filters: Mapping[str, str] | None = None
    ) -> list[Hit]:
        """``bot.plans.Search`` over BM25 alone: plan analysis of a one-line question needs no embedding per sentence."""
        return self.search(query, k=k, mode="bm25", filters=filters)

    def _situation(self, text: str, turns: Sequence[Turn], meta: dict[str, Any]) -> Answer | None:
        """The overview of fitting measures for a question that describes a need and names no measure, else None."""
        if turns and self.scope.follow_up.refers_back_to(text):
            return None
        if not self.intents.has(text, "situation") or anchored(self.holder.get(), text):
            return None
        clarify = self.clarify
        context = with_context(clarify, text, turns)
        if context == text and clarify.too_vague(text):
            return clarify_answer(clarify, meta)
        text = context
        hits = self.search(text, k=self.SITUATION_DEPTH)
        match = partial(match_plan, corpus=self.corpus, vocab=self.vocab, search=self._lexical_search)
        measures = {c.id: c for c in self.holder.get().chunks if c.kind == "measure"}
        return overview(hits, plan_ranks(text, match), {**meta, "query": text}, measures)

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

    def _extractive(
        self, query: str, k: int | None, mode: str, filters: Mapping[str, str] | None, meta: dict[str, Any],
        asked: str | None = None,
    ) -> Answer:
        hits, answer = self._evidence(query, k, mode, filters, meta, asked)
        index = self.holder.get()
        sections = {n: p.section for p in self.corpus.plan_types for n in [p.name, *p.aliases]}
        asking = f"{query} {asked}" if asked else query
        listed, kind = asks_list(self.intents, query, asking, sections, named_labels(index, query))
        if listed:  # 「全部」「要件には何がありますか」: the items of one section or enumeration, whole
            named = any(n in query for n in sections)
            refs = {normalize(m.name): m.policy_refs for m in self.corpus.measures}
            about_policy = self.intents.has(query, "about_policy")
            whole = whole_list(index, query, hits, sections, meta, refs, entries=not about_policy, kind=kind)
            if whole is not None and (named or not answer.refused):
                return whole
        return answer

    def _evidence(
        self, query: str, k: int | None, mode: str, filters: Mapping[str, str] | None, meta: dict[str, Any],
        asked: str | None = None,
    ) -> tuple[list[Hit], Answer]:
        """Retrieve, check the evidence covers the query, and build the extractive answer (or the refusal)."""
        asking = f"{query} {asked}" if asked else query  # a foreign question's own words say what it asks (몇 곳, how much)
        answers = self.intents.answer_patterns(asking)
        about_measure = bool(answers) or self.intents.has(query, "about_measure")
        about_measure = about_measure and not self.intents.has(query, "about_policy")  # 「政策文書に書いてある範囲で」
        found = self.search(query, k=k, mode=mode, filters=filters, dense_query=asked)
        defines = None
        if self.intents.has(query, "definition"):
            found, defines = heading_first(self.holder.get(), query, found)
        hits = policy_first(self.holder.get(), query, named_measures_first(query, found), about_measure)
        if self.intents.has(query, "about_policy") and defines is None:  # a defining policy passage already leads
            refs = {normalize(m.name): m.policy_refs for m in self.corpus.measures}
            hits = policy_asked(self.holder.get(), query, hits, refs)
        if defines is not None and hits[0].chunk.id != found[0].chunk.id:
            defines = None  # another passage was moved ahead of the defining one
        if self.intents.has(query, "definition"):  # 「…「レビキャリ事業」って…これ何ですか？」: the entry's summary leads
            entry = next((h for h in hits[:5] if names_measure(query, h)), None)
            # a measure named after the defined heading (「支援メニューに「レビキャリ事業」…」) is the one asked about
            if entry is not None and names_measure(query, entry, after=defines):
                hits = [entry, *(h for h in hits if h is not entry)]
                defines = entry.chunk.title
        kinds = self.intents.asked_kinds(asking)
        listed = self.intents.has(query, "list")  # 「いくつあって、それぞれ」 is answered by the whole list
        kind_ids = [k for k in self.intents.asked_kind_ids(asking) if not (listed and k[0] == "count")]
        return hits, extractive_answer(
            self.holder.get(), query, hits, self.settings.min_coverage, meta, answers, kinds, defines, kind_ids,
            answers_of=self.intents.answer_patterns,
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
        text = check_question(question, self.settings.max_question_chars)
        turns = self._history(history)
        meta: dict[str, Any] = {"audience": audience, "retriever": mode}
        reading = self._read(text, meta)
        fixed = self._fixed(text, reading, turns, meta)
        if fixed is not None:
            answer = self._in_language(fixed, reading)
            yield from text_events(answer.text)
        else:
            asked = reading.query if reading.lang != "ja" else text
            query = self.composer.standalone_query(asked, turns, meta, fallback=self.follow_up_query)
            meta["query"] = query
            hits, answer = self._evidence(query, k, mode, filters, meta, reading.asked)
            if answer.refused:
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
        report = precheck_plan(plan, corpus=self.corpus, vocab=self.vocab, plan_type=plan_type)
        self._emit_plan("precheck", plan, report, started, channel, audience)
        return report

    def _emit_plan(self, kind: str, plan: Any, result: Any, started: float, channel: str, audience: str) -> None:
        plan_text = plan if isinstance(plan, str) else getattr(plan, "text", str(plan))
        latency = round((time.perf_counter() - started) * 1000, 2)
        self.emit(DeskEvent(kind=kind, channel=channel, audience=audience, question=plan_text, answer_id=result.answer_id,
                            text=plan_markdown(result), refused=False, latency_ms=latency))
