"""Checks on a generated answer: citations inside the context, uncited sentences, decline, prompt leaks."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from retrieval.normalize import compact

DECLINE_TOKEN = "NO_ANSWER"  # written in prompts/system.md; the model outputs it when the context has no answer
LEAK_SPAN = 20  # this many consecutive characters of the system prompt in an answer count as a leak
_DECLINE = re.compile(r"NO[_\s-]?ANSWER", re.IGNORECASE)
_GROUP = re.compile(r"[\[［]\s*([0-9０-９]+(?:\s*[,、，]\s*[0-9０-９]+)*)\s*[\]］]")
_SENTENCE = re.compile(r"[^。！？!?\n]+(?:[。！？!?]+)?(?:[ \t]*\[\d+\])*")
_BULLET = re.compile(r"^\s*(?:[-*・●■◆]|\d+[.)．）])\s*")


def _numbers(group: str) -> list[int]:
    return [int(unicodedata.normalize("NFKC", n)) for n in re.split(r"\s*[,、，]\s*", group.strip())]


def clean_citations(text: str, n_blocks: int) -> tuple[str, list[int]]:
    """Write citations as ``[1][2]``, dropping numbers outside 1..n_blocks; return the text and the dropped numbers."""
    dropped: list[int] = []

    def fix(match: re.Match[str]) -> str:
        numbers = _numbers(match.group(1))
        keep = [n for n in numbers if 1 <= n <= n_blocks]
        dropped.extend(n for n in numbers if n not in keep)
        return "".join(f"[{n}]" for n in keep)

    return _GROUP.sub(fix, text), dropped


def cited_numbers(text: str) -> list[int]:
    """The citation numbers of a text, in order of first use."""
    out: list[int] = []
    for match in _GROUP.finditer(text):
        for n in _numbers(match.group(1)):
            if n not in out:
                out.append(n)
    return out


def without_citations(text: str) -> str:
    """The text with every citation group removed (for term matching)."""
    return _GROUP.sub(" ", text)


def sentences(text: str) -> list[str]:
    """Sentences of an answer, each with the citations that follow its end mark."""
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def uncited_sentences(text: str) -> list[str]:
    """Sentences that state something but carry no citation (headings and lead-in lines are skipped)."""
    flagged: list[str] = []
    for sentence in sentences(text):
        body = _BULLET.sub("", sentence).strip()
        if len(body) < 8 or body.startswith("#") or body.endswith((":", "：")):
            continue
        if not _GROUP.search(body):
            flagged.append(sentence)
    return flagged


def is_decline(text: str) -> bool:
    """True when the model answered with the decline token (the context does not answer the question)."""
    return bool(_DECLINE.search(unicodedata.normalize("NFKC", text)))


class LeakDetector:
    """Finds a run of ``span`` characters of the system prompt in a text (ignoring spacing and width).

    Runs that also occur in the given context are not leaks: the answer may quote the sources.
    """

    def __init__(self, secret: str, allowed: str = "", span: int = LEAK_SPAN) -> None:
        self.span = span
        secret_c, allowed_c = compact(secret), compact(allowed)
        windows = {secret_c[i : i + span] for i in range(max(0, len(secret_c) - span + 1))}
        self._windows = {w for w in windows if w not in allowed_c}

    def found(self, text: str) -> bool:
        """True when the text contains a protected run."""
        flat = compact(text)
        return any(flat[i : i + self.span] in self._windows for i in range(max(0, len(flat) - self.span + 1)))


@dataclass
class Verdict:
    """What verification decided about a generated answer."""

    status: str  # "ok" | "declined" | "failed"
    text: str = ""
    cited: list[int] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)
    uncited: list[str] = field(default_factory=list)
    reason: str = ""


def verify_answer(raw: str, n_blocks: int, leak: LeakDetector) -> Verdict:
    """Check a finished generation: decline token, prompt leak, citations inside 1..n_blocks, uncited sentences."""
    text, dropped = clean_citations(raw, n_blocks)
    text = text.strip()
    if is_decline(text):
        return Verdict("declined", reason="declined", dropped=dropped)
    if not text:
        return Verdict("failed", reason="empty", dropped=dropped)
    if leak.found(raw):
        return Verdict("failed", reason="prompt_leak", dropped=dropped)
    cited = cited_numbers(text)
    if not cited:
        return Verdict("failed", reason="no_citations", dropped=dropped)
    return Verdict("ok", text=text, cited=cited, dropped=dropped, uncited=uncited_sentences(text))
