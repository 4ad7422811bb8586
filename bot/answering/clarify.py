"""The clarifying question: a situation question that names no interest gets one question back, with choices."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.answering.answer import Answer, Choice
from bot.answering.conversation import Turn
from retrieval.clarify import Clarify


def clarify_answer(clarify: Clarify, meta: dict[str, Any]) -> Answer:
    """The question back, its choices listed in the text and offered as buttons."""
    lines = [clarify.question, *(f"・{c.label}" for c in clarify.choices)]
    return Answer(
        text="\n".join(lines),
        choices=[Choice(label=c.label, ask=c.ask) for c in clarify.choices],
        meta={**meta, "intent": "clarify", "reason": "clarify"},
    )


def with_context(clarify: Clarify, text: str, turns: Sequence[Turn]) -> str:
    """A pressed choice after our question, prefixed by what the asker said before it (their size, trade); else the text.

    Only the asker's own earlier words are added: an assistant turn is used just to see that it was our question.
    """
    if clarify.chosen(text) is None or len(turns) < 2:
        return text
    last, before = turns[-1], turns[-2]
    if last.role != "assistant" or not last.content.startswith(clarify.question) or before.role != "user":
        return text
    return f"{before.content}\n{text}"
