"""Caveats on a quoted line: 要確認 only on the facts a catalog entry lists as unverified, and a date already past."""

from __future__ import annotations

import re
from datetime import date

from retrieval.tokenize import sudachi_tokens
from retrieval.types import Chunk

UNVERIFIED_PREFIX = "未確認の事項(要確認):"
# an unverified item that puts the whole entry in doubt (its period, its sources, whether it still runs)
_ENTRY_WIDE = re.compile(r"全体|現在も|続いている|公募内容は|の多くは|as_of|事実シート上で|時点の(情報|数字)")
_NUMBER = re.compile(r"[0-9][0-9,.]*\s*(?:億|万)?(?:円|%|件|人|社)")
_GENERIC = frozenset({"詳細", "報道", "二次", "資料", "情報", "要件", "確認", "未確定", "方向", "による", "とされる"})
SHARED_WORDS = 2  # content words a line shares with an unverified item to count as stating it


def unverified_items(chunk: Chunk) -> list[str]:
    """The facts a catalog entry lists as unverified (its 「未確認の事項(要確認):」 lines)."""
    return [line.split(":", 1)[1].strip() for line in chunk.body.splitlines() if line.startswith(UNVERIFIED_PREFIX)]


def _words(text: str, name_words: frozenset[str]) -> set[str]:
    return {w for w in sudachi_tokens(text) if len(w) >= 2 and w not in _GENERIC and w not in name_words}


def needs_check(line: str, chunk: Chunk) -> bool:
    """True when a quoted line of an unverified entry states one of the facts the entry lists as unverified
    (or the entry is in doubt as a whole); lines of a verified chunk never need it."""
    if chunk.verified:
        return False
    if line.startswith(UNVERIFIED_PREFIX):
        return True
    items = unverified_items(chunk)
    if not items or any(_ENTRY_WIDE.search(item) for item in items):
        return True
    name_words = frozenset(sudachi_tokens(chunk.title))
    own = _words(line, name_words)
    numbers = {n.replace(",", "") for n in _NUMBER.findall(line)}
    for item in items:
        if numbers & {n.replace(",", "") for n in _NUMBER.findall(item)}:
            return True
        if len(own & _words(item, name_words)) >= SHARED_WORDS:
            return True
    return False


_DEADLINE = re.compile(r"(?:締切|締め切り|期限|受付終了)[はがをも]?[^。\n0-9]{0,6}(?:(20[0-9]{2})年)?([0-9]{1,2})月([0-9]{1,2})日")
_YEAR = re.compile(r"(20[0-9]{2})年")


def past_deadline(line: str, today: date | None = None) -> date | None:
    """The deadline a line states when it is already past (「第22次公募の締切は2026年1月30日」; a day without a
    year takes the line's last year before it: 「2次公募は2026年2月24日から、締切は3月26日」), else None."""
    now = today or date.today()
    for match in _DEADLINE.finditer(line):
        years = _YEAR.findall(line[: match.start()])
        year = match.group(1) or (years[-1] if years else None)
        if year is None:
            continue
        try:
            when = date(int(year), int(match.group(2)), int(match.group(3)))
        except ValueError:
            continue
        if when < now:
            return when
    return None
