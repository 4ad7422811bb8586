"""Before retrieval: a question is checked, read (language, kana, glossary) and judged — a refusal, a question back
or a situation overview is decided here, the same for both composers — and its retrieval query is built."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from bot import messages
from bot.answering.answer import Answer
from bot.answering.clarify import clarify_answer, with_context
from bot.answering.compose import query_terms
from bot.answering.conversation import Turn, carry_terms, parse_history
from bot.answering.declines import unrelated_decline
from bot.answering.guard import check_question, looks_like_injection, unanswerable_intent
from bot.answering.language import Reading, read_question, without_message_tags
from bot.answering.named import named_decline_text, unknown_programme
from bot.answering.others import given_measures, states_need, without_given
from bot.answering.referent import named_referent
from bot.answering.relevance import unread_quoted
from bot.answering.situation import (
    consult_windows,
    off_topic,
    out_of_reach,
    overview,
    plan_ranks,
    read_needs,
    states_needs,
)
from bot.answering.situation_read import describes_need, own_project_grants
from bot.answering.sufficiency import anchor_names, anchored, in_sources, known_share, quotes_sources
from retrieval.clarify import Clarify
from retrieval.corpus import Corpus
from retrieval.index import LoadedIndex
from retrieval.questions import Glossary, Intents
from retrieval.scope_rules import ScopeRules
from retrieval.types import Hit

ON_TOPIC_SHARE = 0.3  # a follow-up inherits the topic (one without a marker, or one asking about a facet) at this share of known words
SITUATION_DEPTH = 20  # hits a situation overview chooses its measures from


def own_words_known(index: LoadedIndex, question: str) -> float:
    """Share of a question's words of two or more characters that the sources know (one-character words say little:
    「猫」 is in the sources only inside 天猫国際, 「で」 is what is left of 「じゃあ」)."""
    lexical = index.lexical["bm25"]
    words = [t for t in query_terms(question) if len(t) >= 2]
    if not words:
        return known_share(index, question)
    return sum(1 for t in words if t in lexical.df or t in index.synonyms) / len(words)


def _word_weight(index: LoadedIndex, word: str) -> tuple[float, bool]:
    """A word's idf weight and whether the sources know it: a synonym weighs as its most common reading (「会社」 as
    「企業」), a compound holding a word of the sources as that word (「申請書」 as 「申請」); an unknown word weighs most."""
    lexical = index.lexical["bm25"]
    if word in lexical.df:
        return lexical.idf(word), True
    readings = [lexical.idf(s) for s in index.synonyms.get(word, ()) if s in lexical.df]
    if readings:
        return min(readings), True
    inner = [lexical.idf(word[i:j]) for i in range(len(word)) for j in range(i + 2, len(word) + 1)
             if (i, j) != (0, len(word)) and word[i:j] in lexical.df]
    if inner:
        return min(inner), True
    return lexical.idf(word), False


def own_weight_known(index: LoadedIndex, question: str) -> float:
    """Share of the idf weight of a question's words of two or more characters that the sources know: generic words
    (「会社」) weigh little, words the sources never use (「登記」) most, so 「会社の登記の仕方」 is not on their topic."""
    weights = [_word_weight(index, t) for t in query_terms(question) if len(t) >= 2]
    total = sum(w for w, _ in weights)
    if not total:
        return known_share(index, question)
    return sum(w for w, known in weights if known) / total


class SearchFn(Protocol):
    """The desk's hybrid search."""

    def __call__(self, query: str, k: int | None = None) -> list[Hit]: ...


_FIRST_CLAUSE = re.compile(r"^([^、,，。]{2,16})[、,，。]\s*")


def _without_preface(question: str, is_preface: Callable[[str], bool]) -> str:
    """A question less its opening clause when that clause only announces a new topic (「話変わりますが、」「ところで、」):
    its words are no part of what is asked."""
    m = _FIRST_CLAUSE.match(question)
    return question[m.end():] if m and is_preface(m.group(1)) and question[m.end():].strip() else question


@dataclass
class Taken:
    """A question after the intake: its checked text, history, answer metadata, reading, and the answer decided
    before retrieval (None when retrieval decides)."""

    text: str
    turns: list[Turn]
    meta: dict[str, Any]
    reading: Reading
    fixed: Answer | None


@dataclass(frozen=True)
class Intake:
    """The steps before retrieval, over the desk's data (built per request; every part is cached where it lives).

    ``plan_match``: plan analysis's needs matcher over a question (``bot.plans.match_plan`` with its corpus bound),
    given by the desk because the answering layer does not import plan analysis."""

    index: Callable[[], LoadedIndex]
    scope: ScopeRules
    glossary: Glossary
    intents: Intents
    clarify: Callable[[], Clarify]
    search: SearchFn
    plan_match: Callable[..., Any]
    corpus: Callable[[], Corpus]
    kana_vocabulary: Callable[[], dict[str, str]]
    max_question_chars: int
    max_history_turns: int

    def take(self, question: str, history: Sequence[Any] | None, *, audience: str, mode: str) -> Taken:
        """Check, read and judge a question (raises ``DeskError`` for an empty, oversized or binary one)."""
        text = check_question(question, self.max_question_chars)
        turns = parse_history(history, self.max_history_turns, self.max_question_chars)
        meta: dict[str, Any] = {"audience": audience, "retriever": mode}
        index = self.index()
        reading = read_question(index, without_message_tags(index, text), self.glossary, self.kana_vocabulary())
        if reading.lang in ("en", "zh", "ko") and reading.query and " " not in reading.query \
                and self.intents.has(text, "definition"):
            # 「What exactly is a 'X'?」 read as one term: searched as 「Xとは何」, as the Japanese question would be
            reading = replace(reading, query=f"{reading.query}とは何")
        meta["lang"] = reading.lang
        return Taken(text, turns, meta, reading, self.fixed(text, reading, turns, meta))

    def refusal(self, text: str, meta: dict[str, Any]) -> Answer | None:
        """The refusal for an injection, an unknowable question or a scope rule, else None."""
        if looks_like_injection(text):
            return Answer(text=messages.REFUSE_INSTRUCTIONS, refused=True, meta={**meta, "reason": "instructions"})
        if unanswerable_intent(text):
            return Answer(text=messages.REFUSE_UNKNOWABLE, refused=True, meta={**meta, "reason": "unknowable"})
        rule = self.scope.first_match(text)
        if rule is not None:
            return Answer(text=rule.reply, refused=True, meta={**meta, "reason": f"scope:{rule.kind}"})
        named = self.scope.named_programme
        if named is not None:
            index = self.index()
            name = unknown_programme(index, named, text)
            if name is not None:  # 「中堅企業元気創出補助金の補助率は？」: another measure's 補助率 would not answer it
                reply = named_decline_text(index, named, name)
                return Answer(text=reply, refused=True, meta={**meta, "reason": "scope:unknown_programme", "name": name})
        return None

    def fixed(self, text: str, reading: Reading, turns: Sequence[Turn], meta: dict[str, Any]) -> Answer | None:
        """The answer decided before retrieval — a refusal, a question back or a situation overview — else None."""
        refusal = self.refusal(text, meta)
        if refusal is not None:
            return refusal
        if reading.lang in ("en", "zh", "ko") and not reading.query:  # no term of the sources recognised
            return Answer(text=messages.REFUSE_OUT_OF_SCOPE, refused=True, meta={**meta, "reason": "no_evidence"})
        index = self.index()
        if self.unread_focus(index, text, reading):
            # 「'competitive advantage'」 read as nothing of the sources: answering would quote something else
            return Answer(text=messages.REFUSE_OUT_OF_SCOPE, refused=True, meta={**meta, "reason": "unread_focus"})
        return self.situation(reading.query, turns, meta)

    def unread_focus(self, index: LoadedIndex, text: str, reading: Reading) -> list[str]:
        """The quoted terms of a question in another language that cannot be read as the sources' terms, less the
        quoted nicknames of the measure the question names (「'100억 선언' 보조금(중소기업 성장가속화 보조금)」)."""
        unread = unread_quoted(text, reading.lang, self.glossary, lambda term: in_sources(index, term))
        quoted = self.scope.quoted_name
        if not unread or quoted is None or not anchored(index, reading.query):
            return unread
        return [span for span in unread if not quoted.names_programme(text, span)]

    def situation(self, text: str, turns: Sequence[Turn], meta: dict[str, Any]) -> Answer | None:
        """The overview of fitting measures for a question that describes a need and names no measure, else None."""
        follow = self.scope.follow_up
        rest = follow.others_asked(text) if turns and not follow.changes_topic(text) else None
        given: dict[str, list[str]] = {}
        if rest is not None:  # 「他には？…農産物向けのは？」: the new need (else the previous one) less the measures given
            previous = next((t.content for t in reversed(turns) if t.role == "user"), "")
            given = given_measures(turns, self.corpus().measures)
            # the new need leads; the previous one follows as its setting (「輸出先の現地で」 after 「果物を輸出したい」)
            text = f"{rest}\n{previous}".strip() if states_need(rest, follow.others_generic) else previous or rest
            turns = []
        elif turns and follow.refers_back_to(text):
            return None
        index = self.index()
        clarify = self.clarify()
        named_intent = self.intents.has(text, "situation")
        if anchored(index, text):
            return None
        context = with_context(clarify, text, turns)
        reading = read_needs(context, self.plan_match, clarify.situation.statements)
        if not (named_intent or clarify.situation.asked(text) or (not turns and describes_need(clarify.situation.statements, text, reading, clarify.situation.not_asks))):
            return None
        if context == text and clarify.too_vague(text) and not states_needs(reading):
            # 「どこに相談すれば」 alone names no need: asked back only when intents.yaml reads a situation
            return clarify_answer(clarify, meta) if named_intent else None
        hits = without_given(self.search(context, k=SITUATION_DEPTH), given)
        if given:
            meta = {**meta, "given_measures": list(given)}
        corpus = self.corpus()
        gone = {f"measure:{m.id}" for m in corpus.measures if m.name in given}  # given earlier (「他には？」)
        measures = {c.id: c for c in index.chunks if c.kind == "measure" and c.id not in gone}
        ranks = {mid: r for mid, r in plan_ranks(reading).items() if f"measure:{mid}" not in gone}
        # 「他には？」: the window asked for is the follow-up's (the previous 「どこに相談」 is not asked again)
        windows = consult_windows(corpus, clarify.situation, rest if rest is not None else context)
        ruled_out = out_of_reach(corpus.measures, reading, clarify.situation.sizes)
        unrelated = off_topic(corpus.measures, reading, clarify.situation.consult_kinds)
        grants = own_project_grants(clarify.situation.statements, corpus.measures, text, clarify.situation.from_public_body(text),
                                    clarify.situation.public_applicants)
        return overview(hits, ranks, {**meta, "query": context}, measures, windows, ruled_out, unrelated, grants)

    def follow_up_query(self, question: str, turns: Sequence[Turn]) -> str:
        """The retrieval query of a question in a conversation (extractive mode: carried key terms)."""
        index = self.index()
        lexical = index.lexical["bm25"]
        previous = next((t.content for t in reversed(turns) if t.role == "user"), "")
        answered = next((t.content for t in reversed(turns) if t.role == "assistant"), "")
        follow = self.scope.follow_up
        if follow.changes_topic(question):  # 「ところで…」「話は変わるけど…」: judged alone, less the preface clause
            return _without_preface(question, follow.changes_topic)
        if not follow.points_back_to(question) and not self.on_topic(index, question):
            # 「じゃあ住宅ローン控除は？」「猫の飼い方は？」「会社の登記の仕方を教えて」: no pointer back and its words
            # are not the sources': judged alone
            return question
        rest = follow.others_asked(question)
        if rest is not None and answered:
            # 「他には？…農産物向けのはないの？」: the new need is searched; with none stated, the previous one again
            return f"{rest} {follow.others_topic}".strip() if states_need(rest, follow.others_generic) else previous or question
        question = named_referent(question, follow.named_kind(question), [answered, previous], index)
        if follow.selects_from_answer(question):
            # 「そのうち実現可能性って」: the item is in the question; the answer's other items are not carried
            turns = [t for t in turns if t.role == "user"]
        return carry_terms(
            question,
            turns,
            term_weight=lambda t: lexical.idf(t) if t in lexical.df else 0.0,
            plan_type_names=index.plan_type_names,
            inherits_topic=bool(previous)
            and (follow.refers_back_to(question) or known_share(index, question) >= ON_TOPIC_SHARE)
            and not anchored(index, question)
            # the previous question names a measure, or our answer to a need did (「その場合いくら？」 after the overview)
            and (anchored(index, previous) or anchored(index, answered)),
            answer_trusted=lambda turn: quotes_sources(index, turn),
            topic_names=lambda turn: anchor_names(index, turn),
        )

    def none_left(self, answer: Answer) -> Answer:
        """The reply to 「他には？」 when nothing besides the measures given fits: said so, with the windows."""
        reply = self.scope.follow_up.none_left
        if not reply:
            return answer
        return Answer(text=reply, refused=True, meta={**answer.meta, "reason": "none_left"})

    def given_measures(self, question: str, turns: Sequence[Turn]) -> list[str]:
        """The measures earlier answers named, when the question asks for others (「他には？」), else []."""
        follow = self.scope.follow_up
        if not turns or follow.changes_topic(question) or follow.others_asked(question) is None:
            return []
        return list(given_measures(turns, self.corpus().measures))

    def on_topic(self, index: LoadedIndex, question: str) -> bool:
        """Whether a follow-up without a pointer back stays on the previous topic: one asking about a facet of the
        measure (「家賃も対象？」) when enough of its words are the sources', any other when enough of its words' weight is."""
        follow = self.scope.follow_up
        if follow.asks_about_the_measure(question):
            return own_words_known(index, question) >= ON_TOPIC_SHARE
        return own_weight_known(index, question) >= follow.on_topic_weight

    def in_language(self, answer: Answer, reading: Reading) -> Answer:
        """A first line in the asker's language before the Japanese answer (quotes stay unchanged)."""
        if answer.meta.get("reason") == "instructions":  # the fixed refusal stays exactly as it is
            return answer
        # a follow-up is judged with the topic its query carried (「その場合いくら？」 after レビキャリ is in the domain)
        answer = unrelated_decline(answer, f"{reading.asked or reading.query} {answer.meta.get('query', '')}", self.scope)
        lines = self.glossary.decline_line if answer.refused else self.glossary.first_line
        line = lines.get(reading.lang, "")
        if line and not answer.text.startswith(line):
            answer = answer.model_copy(update={"text": f"{line}\n{answer.text}"})
        return answer
