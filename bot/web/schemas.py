"""Request and response models of the web API (they also document it at /docs and /openapi.json)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

Audience = Literal["staff", "public"]


class HistoryTurn(BaseModel):
    """One earlier message of the conversation (oldest first)."""

    role: str = Field(description="`user` or `assistant` (a `system` turn is ignored).", examples=["user"])
    content: str = Field(description="What was said.", examples=["地場産業成長プランとは何ですか？"])


class AskRequest(BaseModel):
    """A question for the desk."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"question": "よろず支援拠点では何を相談できますか？", "audience": "public"},
                {
                    "question": "その締め切りは？",
                    "history": [
                        {"role": "user", "content": "地場産業成長プランとは何ですか？"},
                        {"role": "assistant", "content": "資料（…）には次のとおり記載されています。…"},
                    ],
                    "stream": True,
                },
            ]
        }
    )

    question: str = Field(min_length=1, description="The question in Japanese (at most 2,000 characters; not blank).")
    history: list[HistoryTurn] | None = Field(default=None, description="Earlier turns, at most 20.")
    audience: Audience = Field(default="staff", description="`staff` (municipal staff) or `public` (businesses).")
    stream: StrictBool = Field(default=False, description="Answer as Server-Sent Events (same as Accept: text/event-stream).")


class CitationOut(BaseModel):
    """A numbered source with the exact quote taken from it."""

    n: int
    chunk_id: str
    title: str
    section: str
    url: str = ""
    as_of: str = ""
    quote: str


class HitOut(BaseModel):
    """A retrieved chunk."""

    chunk_id: str
    score: float
    title: str
    section: str
    text: str


class ChoiceOut(BaseModel):
    """One choice of a clarifying question: the button label and the question it sends."""

    label: str = Field(examples=["販路を広げたい"])
    ask: str = Field(examples=["販路を広げたい（チラシ・展示会・ネット販売など）。使える国の支援はありますか？"])


class AskResponse(BaseModel):
    """The answer: the keys of ``madoguchi ask --json`` plus follow-up suggestions and the composer mode."""

    answer_id: str = Field(examples=["0f5c2d7e9a8b4c1d8e2f3a4b5c6d7e8f"])
    answer: str = Field(description="The answer text; it ends with the 出典 list.")
    refused: bool = Field(description="True when the sources do not cover the question.")
    citations: list[CitationOut]
    hits: list[HitOut]
    suggestions: list[str] = Field(default_factory=list, description="Follow-up questions.")
    choices: list[ChoiceOut] = Field(
        default_factory=list,
        description="When the answer is a clarifying question: its choices (send a choice's `ask` as the next question, "
        "with the conversation as history).",
    )
    mode: str = Field(default="extractive", description="`extractive` or `llm`.")
    feedback_token: str | None = Field(default=None, description="Send it with POST /v1/feedback for this answer.")


class PlanRequest(BaseModel):
    """A draft plan as text (or upload it as multipart field `file`)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"plan": "# みらい市 地場産業成長プラン（案）\n## 目標\n域外販売額を3年で2割増やす。", "n": 5}]
        }
    )

    plan: str = Field(description="The plan text (Markdown or plain text).")
    plan_type: str | None = Field(
        default=None, description="`strategic_cluster`, `regional_cluster` or `local_industry`; detected when omitted."
    )
    n: int = Field(default=5, ge=1, le=20, description="How many support measures to suggest (match only).")
    audience: Audience = Field(default="staff")


class FeedbackRequest(BaseModel):
    """A 👍 / 👎 on an answer."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"answer_id": "0f5c2d7e9a8b4c1d8e2f3a4b5c6d7e8f", "rating": "up"}]}
    )

    answer_id: str = Field(min_length=1, max_length=64)
    rating: Literal["up", "down"]
    comment: str | None = Field(default=None, max_length=2000)
    feedback_token: str | None = Field(
        default=None, max_length=128, description="The `feedback_token` returned with the answer (required)."
    )


class FeedbackResponse(BaseModel):
    """The feedback was stored."""

    status: Literal["ok"] = "ok"
    answer_id: str
    rating: str


class ErrorDetail(BaseModel):
    """What went wrong, in Japanese."""

    code: str = Field(examples=["too_long"])
    message: str = Field(examples=["質問が長すぎます（2,345文字）。 2,000文字以内で、要点をしぼって入力してください。"])


class ErrorResponse(BaseModel):
    """The one error shape of every endpoint."""

    error: ErrorDetail


class ContentPart(BaseModel):
    """A part of an OpenAI message content list (only text parts are read)."""

    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    """An OpenAI chat message."""

    model_config = ConfigDict(extra="allow")

    role: str
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        """The message text (text parts joined)."""
        if isinstance(self.content, str):
            return self.content
        return "".join(p.text or "" for p in self.content or [] if p.type == "text")


class ChatRequest(BaseModel):
    """An OpenAI chat-completions request. Sampling parameters (temperature, top_p, seed, stop, penalties, user) are
    accepted and ignored: the answer quotes the sources. `n>1`, `tools`, `tool_choice`, `functions`,
    `response_format` other than text, `logprobs`, `audio` and `prediction` answer 400 `unsupported_parameter`."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "model": "madoguchi",
                    "messages": [{"role": "user", "content": "地域産業クラスター計画の要件は何ですか？"}],
                }
            ]
        },
    )

    model: str = Field(default="madoguchi", description="`madoguchi` (any other model answers 404 `model_not_found`).")
    messages: list[ChatMessage] = Field(min_length=1)
    stream: StrictBool = False
    n: int | None = Field(default=None, ge=1, description="Only 1: one answer per question (n>1 answers 400).")
    max_tokens: int | None = Field(default=None, ge=1, description="Cut the answer after this many (approximate) "
                                   "tokens; `finish_reason` is then `length`.")
    max_completion_tokens: int | None = Field(default=None, ge=1, description="Same as `max_tokens`.")
    audience: Audience = Field(default="staff", description="Extension: `public` for business-facing wording.")


class WidgetConfig(BaseModel):
    """What the widget needs to render before the first question."""

    title: str
    greeting: str
    disclaimer: str
    help_url: str
    help_label: str
    suggestions: list[str]
    max_question_chars: int
    max_history_turns: int


class Health(BaseModel):
    """The process is up."""

    status: Literal["ok"] = "ok"


class Ready(BaseModel):
    """The index is loaded and the store reachable."""

    status: Literal["ready"] = "ready"
    generation: Any = None
    corpus_version: str | None = None
    chunks: int | None = None
    store: Literal["ok", "unreachable"] = Field("ok", description="unreachable: answering from the in-process copy")
    degraded: bool = Field(False, description="True while the store is unreachable and a small index answers without it")


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": text}
    for status, text in {
        400: "Malformed request or a parameter the desk cannot honour",
        403: "Origin not allowed",
        413: "Body too large",
        415: "Content type not accepted (JSON endpoints take application/json)",
        422: "Invalid input",
        429: "Rate limited",
        500: "Internal error",
        503: "Index or store unavailable",
    }.items()
}
