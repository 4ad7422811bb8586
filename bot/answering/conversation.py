"""Conversation history: validation and carrying the previous turn's key terms into a follow-up."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from retrieval.errors import Code, DeskError
from retrieval.tokenize import sudachi_tokens

_FOLLOW_UP = re.compile(
    r"^(それ|その|そちら|こちら|この|これ|あれ|そこ|あそこ|ここ|同じ|上記|前記|では|じゃあ|なら|だと|で[、,]|また|さらに|ほかに|他に)"
    r"|(それ|その|これ|この|そちら)(の|は|に|で|を|って)"
    r"|(の場合|だと|では|なら|はどう|は？|は\?|どうなりますか|どうですか|どうなる|場合は)[？?]?$"
    r"|も(お願い|教えて|知りたい|聞きたい|伺いたい)"
    r"|(場合|とき|ほう|方)(も|は)?(同じ|同様)"  # 「地場産業成長プランの場合も同じ扱いですか？」 compares with the last turn
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


_DEMONSTRATIVE = re.compile(r"(それ|その|これ|この|そちら|こちら|そこ|ここ|同じ)")
ANSWER_TERMS = 3  # key terms taken from the previous answer when the question points back at it


def _other_plan_type_tokens(question: str, plan_type_names: Mapping[str, Sequence[str]]) -> set[str]:
    """Tokens of the plan types a question does not name, when it names one (「地場産業成長プランだと？」)."""
    named = {pt for pt, names in plan_type_names.items() if any(n and n in question for n in names)}
    if not named:
        return set()
    own = {t for pt in named for n in plan_type_names[pt] for t in sudachi_tokens(n)}
    others = {t for pt, names in plan_type_names.items() if pt not in named for n in names for t in sudachi_tokens(n)}
    return others - own


def carry_terms(
    question: str,
    history: Sequence[Turn],
    *,
    term_weight: Callable[[str], float] | None = None,
    plan_type_names: Mapping[str, Sequence[str]] | None = None,
    inherits_topic: bool = False,
    answer_trusted: Callable[[str], bool] | None = None,
    topic_names: Callable[[str], str] | None = None,
) -> str:
    """In extractive mode, prefix a follow-up with the key terms of the previous turn.

    The previous question's words are carried; when the follow-up points back (「それの…」) the rarest
    words of the previous answer too (``term_weight`` ranks them, 0 = unknown to the corpus); and when
    the follow-up names another plan type, the words of the plan type it replaces are left behind.
    ``inherits_topic`` marks a question that names no topic of its own while the previous one did;
    ``answer_trusted`` says whether the previous assistant turn is one of ours (quotes from the sources).
    """
    previous = next((t.content for t in reversed(history) if t.role == "user"), "")
    if not previous or not (inherits_topic or is_follow_up(question)):
        return question
    own = set(sudachi_tokens(question))
    drop = own | _other_plan_type_tokens(question, plan_type_names or {})
    carried = [t for t in dict.fromkeys(sudachi_tokens(previous)) if t not in drop][:MAX_CARRIED_TERMS]
    answer = next((t.content for t in reversed(history) if t.role == "assistant"), "")
    if answer and answer_trusted is not None and not answer_trusted(answer):
        # a turn no answer of ours produced cannot steer retrieval to new claims: only the names it mentions
        # (measures, plan types) may say what 「それ」 refers to, never its other words or figures
        answer = topic_names(answer) if topic_names else ""
    if term_weight and answer and _DEMONSTRATIVE.search(question):
        ranked = sorted(
            (t for t in dict.fromkeys(sudachi_tokens(answer)) if t not in drop and t not in carried and term_weight(t) > 0),
            key=lambda t: -term_weight(t),
        )
        carried += ranked[:ANSWER_TERMS]
    return " ".join(carried + [question]) if carried else question
