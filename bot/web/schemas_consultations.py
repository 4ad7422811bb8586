"""Request and response models of the consultation API (handoff to staff), documented at /docs."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from bot.web.schemas import HistoryTurn

Status = Literal["open", "answered", "closed"]


class ConsultationRequest(BaseModel):
    """A question the asker hands to staff."""

    question: str = Field(description="What the asker wants staff to answer (prefilled by the widget).",
                          examples=["補助金の申請書の書き方を個別に相談したい"])
    conversation: list[HistoryTurn] = Field(default_factory=list, description="The conversation so far (≤ 40 turns).")
    answer_id: str | None = Field(default=None, description="The desk's answer that did not help, if any.")
    name: str | None = Field(default=None, description="Optional name.")
    email: str | None = Field(default=None, description="Optional e-mail (the reply is also e-mailed when SMTP is set).")
    phone: str | None = Field(default=None, description="Optional phone number.")
    consent: bool = Field(default=False, description="The asker agrees to share name and contact with staff.")
    page_url: str | None = Field(default=None, description="The page the widget was on.")


class ConsultationCreated(BaseModel):
    """The receipt: the id, and the token that alone lets this browser read the staff reply."""

    id: str
    token: str = Field(description="Keep it: it is shown once and gives access to this consultation only.")
    status: Status
    created_at: str
    message: str


class Reply(BaseModel):
    """A staff reply as the asker sees it."""

    id: str
    text: str
    created_at: str


class ConsultationView(BaseModel):
    """A consultation as its asker sees it."""

    id: str
    status: Status
    created_at: str
    question: str
    replies: list[Reply]


class HandoffConfig(BaseModel):
    """What the widget on this origin offers: the handoff form and the human window."""

    enabled: bool
    help_url: str
    help_label: str
    contact_note: str
    consent_text: str


class StaffReplyRequest(BaseModel):
    """A staff answer."""

    text: str = Field(description="The answer the asker will see.")
    author: str = Field(default="staff", description="Who answered.")
    faq_candidate: bool = Field(default=False, description="Mark the answer as a FAQ candidate for the corpus.")


class StaffAssignRequest(BaseModel):
    """Who handles a consultation."""

    assignee: str


class StaffCloseRequest(BaseModel):
    """Close without (further) answer."""

    reason: str = Field(default="対応不要", description="Why it is closed.")


class StaffConsultation(BaseModel):
    """A consultation as staff see it (contact in full: behind the staff key)."""

    model_config = {"extra": "allow"}
    id: str
    status: Status
    created_at: str
    question: str
    conversation: list[dict[str, Any]] = Field(default_factory=list)
    attempt: dict[str, Any] = Field(default_factory=dict)
    origin: str = ""
    replies: list[dict[str, Any]] = Field(default_factory=list)
