"""LLM composer: fenced context, query rewriting, streamed generation, verification and extractive fallback."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Generator, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel

from bot import messages
from bot.answering.answer import Answer, Citation
from bot.answering.compose import (
    MAX_UNIT_CHARS,
    IdfFn,
    Synonyms,
    context_tokens,
    query_terms,
    suggestions,
    unit_score,
    units,
)
from bot.answering.conversation import Turn, carry_terms
from bot.answering.guard import looks_like_injection
from bot.answering.llm import ChatStream, Usage, complete, failure_reason, make_chat_model
from bot.answering.prompts import PROMPTS_DIR, ChatPrompt, chat_prompt
from bot.answering.verify import (
    LEAK_SPAN,
    LeakDetector,
    clean_citations,
    is_decline,
    sentences,
    verify_answer,
    without_citations,
)
from bot.config import Settings
from retrieval.index import LoadedIndex
from retrieval.types import Hit

log = logging.getLogger("madoguchi.llm")
Event = dict[str, Any]
STREAM_PIECE = 24  # characters per delta for text the desk writes itself (fallbacks, refusals, 出典)
HOLD_BACK = LEAK_SPAN - 1  # model text is sent this far behind: room to drop a bad [n] or the decline token
HISTORY_TURNS = 6
HISTORY_TURN_CHARS = 500
_FENCE_OPEN = re.compile(r"[<＜〈《≪«‹]{2,}")
_FENCE_CLOSE = re.compile(r"[>＞〉》≫»›]{2,}")
_REWRITE_LABEL = re.compile(r"^(書き換えた質問|質問|検索用の質問|query|rewritten)\s*[:：]\s*", re.IGNORECASE)


class PromptLeak(RuntimeError):
    """The model started to repeat the system prompt."""


def fence_safe(text: str) -> str:
    """Neutralize fence-like runs (<<<, >>>, ≪≫ …) so text cannot open or close a context block."""
    return _FENCE_CLOSE.sub("〉", _FENCE_OPEN.sub("〈", text))


def render_context(hits: Sequence[Hit]) -> str:
    """Numbered, fenced context blocks: source title, section and as-of, then the text as data."""
    blocks = []
    for n, hit in enumerate(hits, start=1):
        c = hit.chunk
        blocks.append(
            f"<<<資料[{n}]\n出典: {fence_safe(c.title)}\n見出し: {fence_safe(c.section)}\n"
            f"時点: {fence_safe(c.as_of) or '不明'}\n本文:\n{fence_safe(c.body.strip())}\n>>>"
        )
    return "\n\n".join(blocks)


def render_history(turns: Sequence[Turn]) -> str:
    """The last turns of a conversation as one fenced block (data for the rewrite prompt)."""
    lines = []
    for turn in list(turns)[-HISTORY_TURNS:]:
        who = "利用者" if turn.role == "user" else "窓口"
        content = " ".join(turn.content.split())[:HISTORY_TURN_CHARS]
        lines.append(f"{who}: {fence_safe(content)}")
    return "<<<会話\n" + "\n".join(lines) + "\n>>>"


def text_events(text: str) -> Iterator[Event]:
    """Text the desk wrote itself, as ``delta`` events."""
    for start in range(0, len(text), STREAM_PIECE):
        yield {"event": "delta", "data": text[start : start + STREAM_PIECE]}


def clean_rewrite(text: str, question: str) -> str | None:
    """The usable standalone query of a rewrite reply, or None."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    line = _REWRITE_LABEL.sub("", line).strip().strip("「」『』\"'` ")
    if not line or len(line) > max(200, 3 * len(question)) or is_decline(line) or looks_like_injection(line):
        return None
    return line


def llm_citations(
    hits: Sequence[Hit], cited: Sequence[int], body: str, idf: IdfFn, synonyms: Synonyms | None = None
) -> list[Citation]:
    """Citations of an LLM answer: each cited block, quoted by its sentence that best matches the citing text."""
    out: list[Citation] = []
    said = sentences(body)
    for n in cited:
        chunk = hits[n - 1].chunk
        citing = " ".join(s for s in said if f"[{n}]" in s) or body
        terms = query_terms(without_citations(citing))
        candidates = units(chunk) or [chunk.body.strip()[:MAX_UNIT_CHARS]]
        context = context_tokens(chunk)
        quote = max(candidates, key=lambda u: unit_score(terms, u, context, idf, synonyms))
        out.append(
            Citation(
                n=n, chunk_id=chunk.id, title=chunk.title, section=chunk.section, url=chunk.url,
                as_of=chunk.as_of, quote=quote, verified=chunk.verified,
            )
        )
    return out


def sources_text(citations: Sequence[Citation]) -> str:
    """The 出典 list appended to an LLM answer (same form as the extractive one)."""
    lines = [messages.UNVERIFIED_NOTE] if any(not c.verified for c in citations) else []
    lines.append(messages.SOURCES_HEADING)
    for c in sorted(citations, key=lambda c: c.n):
        when = f"（{c.as_of} 時点）" if c.as_of else ""
        link = f" {c.url}" if c.url.startswith("http") else ""
        mark = f" {messages.UNVERIFIED}" if not c.verified else ""
        lines.append(f"[{c.n}] {c.title} — {c.section}{when}{link}{mark}")
    return "\n".join(lines)


def fallback(extractive: Answer, reason: str, meta: dict[str, Any]) -> Answer:
    """The extractive answer with the fallback note on top (the LLM failed, timed out or broke format)."""
    return extractive.model_copy(
        update={
            "text": f"{messages.LLM_FALLBACK_NOTE}\n{extractive.text}",
            "mode": "extractive_fallback",
            "meta": {**extractive.meta, **meta, "llm_error": reason},
        }
    )


class _Guard:
    """Releases model text HOLD_BACK characters late, with bad citations removed; stops on leak or decline."""

    def __init__(self, n_blocks: int, leak: LeakDetector) -> None:
        self.n_blocks, self.leak = n_blocks, leak
        self.raw = ""
        self.emitted = ""
        self.frozen = False

    def feed(self, piece: str) -> str:
        self.raw += piece
        if self.leak.found(self.raw[-(len(piece) + 3 * LEAK_SPAN) :]):
            raise PromptLeak("the answer repeats the system prompt")
        cleaned = clean_citations(self.raw, self.n_blocks)[0].lstrip()
        self.frozen = self.frozen or is_decline(cleaned)
        end = len(cleaned) - HOLD_BACK
        if self.frozen or end <= len(self.emitted) or not cleaned.startswith(self.emitted):
            return ""
        new = cleaned[len(self.emitted) : end]
        self.emitted += new
        return new


class LLMComposer:
    """Composes answers with the configured LLM; every failure ends in the extractive answer."""

    def __init__(self, settings: Settings, llm: BaseChatModel | None = None, prompts_dir: Path = PROMPTS_DIR) -> None:
        self.settings = settings
        self._llm = llm
        self.prompts_dir = prompts_dir

    @cached_property
    def llm(self) -> BaseChatModel:
        """The chat model (built on first use; no network until a call)."""
        return self._llm or make_chat_model(self.settings)

    @cached_property
    def answer_prompt(self) -> ChatPrompt:
        """The answer prompt (system + answer files)."""
        return chat_prompt("answer", self.prompts_dir)

    @cached_property
    def rewrite_prompt(self) -> ChatPrompt:
        """The query-rewrite prompt."""
        return chat_prompt("rewrite", self.prompts_dir)

    def standalone_query(
        self,
        question: str,
        turns: Sequence[Turn],
        meta: dict[str, Any],
        fallback: Callable[[str, Sequence[Turn]], str] | None = None,
    ) -> str:
        """Rewrite a follow-up into a standalone query with the LLM; on failure carry terms as extractive mode does."""
        if not any(t.role == "user" for t in turns):
            meta["query_rewrite"] = "none"
            return question
        try:
            prompt = self.rewrite_prompt
            msgs = prompt.messages(history=render_history(turns), question=fence_safe(question))
            text, usage = complete(self.llm, msgs)
            meta["llm_rewrite"] = usage.as_meta() | {"prompt_version": prompt.version}
            rewritten = clean_rewrite(text, question)
            if rewritten and len(rewritten) <= self.settings.max_question_chars:
                meta["query_rewrite"] = "llm"
                return rewritten
            reason = "unusable_rewrite"
        except Exception as exc:  # any client or server failure: the extractive behaviour still works
            reason = failure_reason(exc)
            log.warning("query rewrite failed: %s", reason)
        meta["query_rewrite"] = "carry_terms"
        meta["query_rewrite_error"] = reason
        return (fallback or carry_terms)(question, turns)

    def stream(
        self, question: str, query: str, hits: Sequence[Hit], extractive: Answer, index: LoadedIndex
    ) -> Generator[Event, None, Answer]:
        """Stream the model's answer as ``delta`` events (``replace`` if sent text is withdrawn); return the Answer."""
        prompt = self.answer_prompt
        meta: dict[str, Any] = {"prompt_version": prompt.version}
        context = render_context(hits)
        guard = _Guard(len(hits), LeakDetector(prompt.system_text, allowed=context))
        chat: ChatStream | None = None
        try:
            msgs = prompt.messages(context=context, question=fence_safe(question), standalone=fence_safe(query))
            chat = ChatStream(self.llm, msgs, self.settings.llm_timeout)
            for piece in chat:
                new = guard.feed(piece)
                if new:
                    yield {"event": "delta", "data": new}
        except Exception as exc:  # timeout, HTTP error, broken stream, leak: show the sources instead
            reason = "prompt_leak" if isinstance(exc, PromptLeak) else failure_reason(exc)
            expected = reason in ("timeout", "connection", "prompt_leak") or reason.startswith("http_")
            (log.warning if expected else log.exception)("LLM generation failed: %s", reason)
            answer = fallback(extractive, reason, meta | self._usage(chat))
        else:
            answer = self._verified(guard.raw, hits, extractive, index, meta | self._usage(chat), guard)
        yield from self._settle(guard.emitted, answer.text)
        return answer

    def _usage(self, chat: ChatStream | None) -> dict[str, Any]:
        usage = chat.usage if chat else Usage(model=str(self.settings.llm_model))
        extra = {"finish_reason": chat.finish_reason} if chat and chat.finish_reason else {}
        return {"llm": usage.as_meta() | extra}

    def _verified(
        self, raw: str, hits: Sequence[Hit], extractive: Answer, index: LoadedIndex, meta: dict[str, Any], guard: _Guard
    ) -> Answer:
        verdict = verify_answer(raw, len(hits), guard.leak)
        meta["dropped_citations"] = verdict.dropped
        if verdict.status == "declined":
            return Answer(
                text=messages.REFUSE_OUT_OF_SCOPE, refused=True, hits=extractive.hits, mode="llm",
                meta={**extractive.meta, **meta, "reason": "llm_declined"},
            )
        if verdict.status != "ok":
            log.warning("LLM answer rejected: %s", verdict.reason)
            return fallback(extractive, verdict.reason, meta)
        citations = llm_citations(hits, verdict.cited, verdict.text, index.lexical["bm25"].idf, index.synonyms)
        follow = suggestions(hits, citations, audience=str(extractive.meta.get("audience", "staff")))
        return Answer(
            text=f"{verdict.text}\n\n{sources_text(citations)}",
            citations=citations,
            hits=extractive.hits,
            suggestions=follow,
            mode="llm",
            meta={**extractive.meta, **meta, "uncited_sentences": verdict.uncited},
        )

    @staticmethod
    def _settle(emitted: str, final: str) -> Iterator[Event]:
        """Finish the stream so that the deltas (after any ``replace``) add up to the final text."""
        if final.startswith(emitted):
            yield from text_events(final[len(emitted) :])
        else:
            yield {"event": "replace", "data": final}
