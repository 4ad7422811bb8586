"""Conversation history: validation and carrying the previous turn's key terms into a follow-up."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from bot.errors import Code, DeskError
from retrieval.tokenize import sudachi_tokens

_FOLLOW_UP = re.compile(
    r"^(それ|その|そちら|こちら|この|これ|あれ|同じ|上記|前記|では|じゃあ|なら|だと|で[、,]|また|さらに|ほかに|他に)"
    r"|(それ|その|これ|この|そちら)(の|は|に|で|を|って)"
    r"|(の場合|だと|では|なら|はどう|は？|は\?)$"
)
MAX_CARRIED_TERMS = 6


class Turn(BaseModel):
    """One earlier message of the conversation."""

    role: str
    content: str


def parse_history(history: Sequence[Any] | None, max_turns: int, max_chars: int) -> list[Turn]:
    """Validate a history list; raise ``DeskError`` with a Japanese message when it is malformed."""
    if not history:
        return []
    if len(history) > max_turns:
        raise DeskError(Code.TOO_LONG, f"会話履歴が長すぎます（{len(history)}件）。", f"{max_turns}件以内にしてください。")
    turns: list[Turn] = []
    for item in history:
        try:
            turn = item if isinstance(item, Turn) else Turn.model_validate(item)
        except ValidationError as exc:
            raise DeskError(Code.INVALID_INPUT, "会話履歴の形式が正しくありません（role と content が必要です）。") from exc
        if turn.role not in ("user", "assistant", "system"):
            raise DeskError(Code.INVALID_INPUT, f"会話履歴の role「{turn.role[:20]}」は使えません（user / assistant）。")
        if len(turn.content) > max_chars * 4:
            raise DeskError(Code.TOO_LONG, "会話履歴の発言が長すぎます。")
        if turn.role != "system":  # a caller cannot inject a system turn
            turns.append(turn)
    return turns


def is_follow_up(question: str) -> bool:
    """True when a question leans on the previous turn (「それの締め切りは？」「地場産業の場合は？」)."""
    stripped = question.strip()
    return len(stripped) <= 12 or bool(_FOLLOW_UP.search(stripped))


def carry_terms(question: str, history: Sequence[Turn]) -> str:
    """In extractive mode, prefix a follow-up with the key terms of the previous user turn."""
    previous = next((t.content for t in reversed(history) if t.role == "user"), "")
    if not previous or not is_follow_up(question):
        return question
    own = set(sudachi_tokens(question))
    carried = [t for t in dict.fromkeys(sudachi_tokens(previous)) if t not in own][:MAX_CARRIED_TERMS]
    return " ".join(carried + [question]) if carried else question
