"""Question-and-answer plans: a question line states nothing; it is the topic its answer speaks about.

A consultant reads 「Q6．地元企業や経済団体の関わりは。A．現時点では特になし。」 as 「地元企業や経済団体の関わりは、現時点では
特になし」 — the answer denies the question's topic — and 「問2 中心となる企業はあるか。答 H社の誘致を交渉中だが、まだ決まっていない。」
as 「中心となる企業は、…まだ決まっていない」. This module folds each labelled question (Q／問) into the first sentence of its
answer (A／答), so the plan's words are read once, in the answer's statement, with the answer's negation and tense.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from bot.plans.terms import Sentence, norm

_LABEL_END = r"(?:\s*\d{1,2})?(?=[\s.:：、)）])\s*[.:：、)）]?\s*"  # 「Q1．」「問2 」「A 」: never the digits of 「A 2026年度に」
_QUESTION = re.compile(r"^(?:q|問)" + _LABEL_END)
_ANSWER = re.compile(r"^(?:a|答え?)" + _LABEL_END)
_ASKING = re.compile(r"(?:のでしょうか|でしょうか|ですか|ますか|のか|か)?[。?？\s]*$")


def _body(sentence: Sentence) -> str:
    """The sentence's own normalized text, without the heading it carries as context."""
    return sentence.norm[len(norm(sentence.context)) :].strip()


def topic_of(question: str) -> str:
    """What a question asks about: 「中心となる企業はあるか」 → 「中心となる企業は」; with no 「は」, the question without its ending."""
    asked = _ASKING.sub("", question)
    at = asked.rfind("は")
    return asked[: at + 1] if at > 0 else asked


def fold_questions(sentences: Sequence[Sentence]) -> list[Sentence]:
    """The plan's sentences with each labelled question folded into the first sentence of its answer (same section)."""
    out: list[Sentence] = []
    skip: set[int] = set()
    for i, s in enumerate(sentences):
        if i in skip:
            continue
        body = _body(s)
        nxt = sentences[i + 1] if i + 1 < len(sentences) else None
        q = _QUESTION.match(body)
        a = _ANSWER.match(_body(nxt)) if nxt is not None and nxt.block == s.block else None
        if q is None or a is None or nxt is None:
            out.append(s)
            continue
        topic = topic_of(body[q.end() :])
        answer = _body(nxt)[a.end() :]
        context = norm(nxt.context)
        out.append(replace(nxt, norm=f"{context}{topic}{answer}", asked=len(topic)) if topic else nxt)  # 「…誘致は」「ありません」
        skip.add(i + 1)
    return out
