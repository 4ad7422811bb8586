"""The Answer every door returns, and its public JSON shape."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, Field

from retrieval.types import Hit


def new_answer_id() -> str:
    """A fresh, unguessable answer id."""
    return uuid.uuid4().hex


class Citation(BaseModel):
    """A numbered source of an answer with the exact quote taken from it."""

    n: int
    chunk_id: str
    title: str
    section: str
    url: str = ""
    as_of: str = ""
    quote: str
    verified: bool = True

    def public(self) -> dict[str, Any]:
        """The citation as ``ask --json`` prints it."""
        return self.model_dump(include={"n", "chunk_id", "title", "section", "url", "as_of", "quote"})


class HitOut(BaseModel):
    """A retrieved chunk as shown to callers."""

    chunk_id: str
    score: float
    title: str
    section: str
    text: str

    @classmethod
    def of(cls, hit: Hit) -> HitOut:
        """Build from a retrieval hit."""
        c = hit.chunk
        return cls(chunk_id=c.id, score=round(hit.score, 6), title=c.title, section=c.section, text=c.body)


class Choice(BaseModel):
    """One answer to a clarifying question: the button's label and the question it asks."""

    label: str
    ask: str


class Answer(BaseModel):
    """What the desk answered: text, whether it declined, citations, hits and metadata."""

    answer_id: str = Field(default_factory=new_answer_id)
    text: str
    refused: bool = False
    citations: list[Citation] = Field(default_factory=list)
    hits: list[HitOut] = Field(default_factory=list)
    suggestions: list[str] = Field(default_factory=list)
    choices: list[Choice] = Field(default_factory=list)  # a clarifying question's choices (shown as buttons)
    mode: str = "extractive"
    meta: dict[str, Any] = Field(default_factory=dict)

    def public(self) -> dict[str, Any]:
        """Exactly the keys of ``ask --json``: answer_id, answer, refused, citations, hits."""
        return {
            "answer_id": self.answer_id,
            "answer": self.text,
            "refused": self.refused,
            "citations": [c.public() for c in self.citations],
            "hits": [h.model_dump() for h in self.hits],
        }
