"""Markdown → Slack mrkdwn: bold, italics, headings, lists, links, code, and escaping of & < >."""

from __future__ import annotations

import re

_FENCE = re.compile(r"```.*?```", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_LINK = re.compile(r"\[([^\]\n]+)\]\(((?:[^()\s]|\([^()\s]*\))+)(?:\s+\"[^\"]*\")?\)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.M)
_BULLET = re.compile(r"^(\s*)[-*+]\s+", re.M)
_ITALIC_STAR = re.compile(r"(?<![*\w])\*(?!\s|\*)([^*\n]+?)(?<!\s)\*(?![*\w])")
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_HRULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$", re.M)
_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_HOLE = "\x00{}\x00"
_HOLE_RE = re.compile("\x00(\\d+)\x00")


def escape(text: str) -> str:
    """Escape the three characters Slack treats as markup: & < >."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str, label: str) -> str:
    """A Slack link ``<url|label>``; an unsafe URL becomes just the label."""
    label = escape(label.replace("|", "｜"))
    if not url.startswith(_SAFE_SCHEMES):
        return label
    return f"<{url.replace('>', '%3E').replace('|', '%7C').replace(' ', '%20')}|{label}>"


def to_mrkdwn(markdown: str) -> str:
    """Convert (GitHub-flavoured) Markdown to Slack mrkdwn, escaping user-visible text."""
    holes: list[str] = []

    def keep(rendered: str) -> str:
        holes.append(rendered)
        return _HOLE.format(len(holes) - 1)

    text = markdown.replace("\r\n", "\n").replace("\x00", "")
    text = _FENCE.sub(lambda m: keep(escape(m.group(0))), text)
    text = _INLINE_CODE.sub(lambda m: keep(escape(m.group(0))), text)
    text = _LINK.sub(lambda m: keep(link(m.group(2), m.group(1))), text)
    text = escape(text)
    text = _HRULE.sub("──────────", text)
    text = _HEADING.sub(lambda m: keep(f"*{m.group(1).strip('*_ ')}*"), text)
    text = _BULLET.sub(lambda m: f"{m.group(1)}• ", text)
    text = _ITALIC_STAR.sub(r"_\1_", text)
    text = _BOLD.sub(lambda m: f"*{m.group(2)}*", text)
    text = _STRIKE.sub(r"~\1~", text)
    while _HOLE_RE.search(text):
        text = _HOLE_RE.sub(lambda m: holes[int(m.group(1))], text)
    return text


def truncate(text: str, limit: int) -> str:
    """Cut text to ``limit`` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"
