"""Block Kit for the desk's answers, plan reports and the feedback / escalation buttons."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from bot import messages
from bot.answering.answer import Answer, Citation
from bot.slack import texts
from bot.slack.mrkdwn import escape, link, to_mrkdwn, truncate

Block = dict[str, Any]
_SOURCES_LINE = re.compile(r"^[#*\s]*出典\s*[:：]?[*\s]*$")

ACTIONS_BLOCK = "madoguchi_actions"
ACTION_UP = "madoguchi_feedback_up"
ACTION_DOWN = "madoguchi_feedback_down"
ACTION_ESCALATE = "madoguchi_escalate"
CHOICES_BLOCK = "madoguchi_choices"
ACTION_CHOICE = "madoguchi_choice"  # + _<n>: action ids must differ within a block
CHOICE_VALUE_LIMIT = 2000  # Slack's limit for a button's value
SECTION_LIMIT = 3000  # Slack's limit for a section's text
CONTEXT_LIMIT = 2000  # ... and for one context element
MAX_BLOCKS = 50
MAX_ITEMS = 40
KIND_HEADINGS = {"requirement": "要件", "content_item": "記載項目"}
QUESTION_IN_VALUE = 600  # characters of the question carried in the escalation button (value ≤ 2000)

__all__ = ["Block", "answer_blocks", "plan_blocks", "to_mrkdwn", "text_blocks"]


def strip_sources(text: str) -> str:
    """The answer body without the trailing 「出典:」 list (the blocks show sources separately)."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip() == messages.SOURCES_HEADING or _SOURCES_LINE.match(line):
            return "\n".join(lines[:i]).rstrip()
    return text.rstrip()


def sections(mrkdwn: str) -> list[Block]:
    """One or more section blocks holding the text, split at line breaks to stay under Slack's limit."""
    out: list[Block] = []
    current = ""
    for line in mrkdwn.splitlines() or [""]:
        while len(line) > SECTION_LIMIT:
            if current:
                out.append(_section(current))
                current = ""
            out.append(_section(line[:SECTION_LIMIT]))
            line = line[SECTION_LIMIT:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > SECTION_LIMIT:
            out.append(_section(current))
            current = line
        else:
            current = candidate
    if current.strip():
        out.append(_section(current))
    return out


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text or " "}}


def _context(elements: Iterable[str]) -> Block:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": truncate(e, CONTEXT_LIMIT)} for e in list(elements)[:10]],
    }


def source_line(c: Citation) -> str:
    """One numbered source: title (linked when a URL is known), section path, as-of date."""
    title = link(c.url, c.title) if c.url.startswith("http") else escape(c.title)
    parts = [f"[{c.n}] {title}"]
    if c.section:
        parts.append(f" — {escape(c.section)}")
    if c.as_of:
        parts.append(f"（{escape(c.as_of)} 時点）")
    if not c.verified:
        parts.append(f" _{messages.UNVERIFIED}_")
    return "".join(parts)


def sources_block(citations: Sequence[Citation]) -> Block | None:
    """The 出典 context block: numbered sources (Slack allows 10 elements; the rest are joined)."""
    seen: dict[int, str] = {}
    for c in citations:
        seen.setdefault(c.n, source_line(c))
    if not seen:
        return None
    lines = [seen[n] for n in sorted(seen)]
    head = f"*{texts.SOURCES_TITLE}*"
    if len(lines) > 9:
        lines = lines[:8] + ["\n".join(lines[8:])]
    return _context([head, *lines])


def actions_block(answer_id: str, question: str = "") -> Block:
    """👍 / 👎 and 「担当者に相談」 buttons carrying the answer id (and the question, for escalation)."""
    escalate_value = json.dumps({"a": answer_id, "q": truncate(question, QUESTION_IN_VALUE)}, ensure_ascii=False)
    return {
        "type": "actions",
        "block_id": ACTIONS_BLOCK,
        "elements": [
            _button(ACTION_UP, texts.FEEDBACK_UP_LABEL, answer_id),
            _button(ACTION_DOWN, texts.FEEDBACK_DOWN_LABEL, answer_id),
            _button(ACTION_ESCALATE, texts.ESCALATE_LABEL, escalate_value),
        ],
    }


def choices_block(answer: Answer) -> Block:
    """A clarifying question's choices as buttons; pressing one asks its question in the thread."""
    return {
        "type": "actions",
        "block_id": CHOICES_BLOCK,
        "elements": [
            _button(f"{ACTION_CHOICE}_{n}", truncate(c.label, 75), truncate(c.ask, CHOICE_VALUE_LIMIT))
            for n, c in enumerate(answer.choices[:25])
        ],
    }


def _button(action_id: str, label: str, value: str) -> Block:
    return {"type": "button", "action_id": action_id, "text": {"type": "plain_text", "text": label, "emoji": True}, "value": value}


def answer_fallback(answer: Answer) -> str:
    """Plain notification text of an answer (also what a thread's history reads back)."""
    return truncate(strip_sources(answer.text), 3500) or texts.ANSWER_FALLBACK


def answer_blocks(answer: Answer, question: str) -> list[Block]:
    """An answer as Block Kit: the text in mrkdwn, the 出典 context, a disclaimer and the buttons."""
    blocks = sections(to_mrkdwn(strip_sources(answer.text)))
    if answer.choices:
        blocks.append(choices_block(answer))
    source = sources_block(answer.citations)
    if source:
        blocks.append(source)
    blocks.append(_context([escape(messages.DISCLAIMER)]))
    blocks = blocks[: MAX_BLOCKS - 1]
    blocks.append(actions_block(answer.answer_id, question))
    return blocks


def text_blocks(text: str) -> list[Block]:
    """Plain Markdown text as section blocks (help, notices)."""
    return sections(to_mrkdwn(text))


# --- plan reports (duck-typed against bot.plans.precheck / bot.plans.match results) ---------------------------------
def _status(value: Any) -> str:
    return str(getattr(value, "value", value)).lower()


def precheck_item_text(item: Any) -> str:
    """One requirement of a pre-check: mark, label, status, evidence, rule, suggestion."""
    status = _status(getattr(item, "status", ""))
    mark = texts.STATUS_MARK.get(status, "•")
    label = texts.STATUS_LABEL.get(status, status)
    lines = [f"{mark} *{escape(str(getattr(item, 'label', '')))}*（{label}）"]
    evidence = getattr(item, "evidence", "") or ""
    if evidence:
        lines.append(f"> 計画案: {escape(truncate(_flat(evidence), 300))}")
    rule = getattr(item, "rule", "") or ""
    if rule:
        section = getattr(item, "section", "") or ""
        where = f"（{escape(section)}）" if section else ""
        lines.append(f"要件: {escape(truncate(_flat(rule), 300))}{where}")
    suggestion = getattr(item, "suggestion", "") or ""
    if suggestion and status in ("partial", "missing"):
        lines.append(f"提案: {escape(truncate(_flat(suggestion), 300))}")
    return truncate("\n".join(lines), SECTION_LIMIT)


def _flat(value: Any) -> str:
    if isinstance(value, list | tuple):
        return " / ".join(str(v) for v in value)
    return " ".join(str(value).split())


def match_item_text(rank: int, item: Any) -> str:
    """One suggested measure: name (linked when it has a URL), score, reasons, caveats."""
    measure = getattr(item, "measure", item)
    name = str(getattr(measure, "name", "") or getattr(measure, "title", ""))
    url = str(getattr(measure, "url", "") or "")
    title = link(url, name) if url.startswith("http") else escape(name)
    score = getattr(item, "score", None)
    score_text = f"（スコア {score:.1f}）" if isinstance(score, int | float) else ""
    lines = [f"*{rank}. {title}*{score_text}"]
    for reason in list(getattr(item, "reasons", []) or [])[:4]:
        lines.append(f"• {escape(truncate(_flat(reason), 200))}")
    for caveat in list(getattr(item, "caveats", []) or [])[:3]:
        lines.append(f"⚠️ {escape(truncate(_flat(caveat), 200))}")
    return truncate("\n".join(lines), SECTION_LIMIT)


def _precheck_body(result: Any) -> list[Block]:
    """Type line, summary, items grouped as 要件 / 記載項目, and the computed degrees."""
    blocks: list[Block] = []
    lines = _type_lines(result)
    summary = result.summary() if callable(getattr(result, "summary", None)) else ""
    if summary:
        lines.append(f"*結果*: {escape(str(summary))}")
    if lines:
        blocks.extend(sections("\n".join(lines)))
    items = list(getattr(result, "items", []) or [])
    groups: dict[str, list[Any]] = {}
    for item in items:
        groups.setdefault(str(getattr(item, "kind", "") or "requirement"), []).append(item)
    shown = 0
    for kind, members in groups.items():
        heading = KIND_HEADINGS.get(kind)
        if heading and len(groups) > 1:
            blocks.append(_section(f"*{heading}*"))
        for item in members:
            if shown >= MAX_ITEMS:
                break
            blocks.append(_section(precheck_item_text(item)))
            shown += 1
    degree_lines = [line for d in getattr(result, "degrees", []) or [] for line in _degree_lines(d)]
    if degree_lines:
        blocks.extend(sections("*コネクター度・ハブ度*\n" + "\n".join(escape(x) for x in degree_lines)))
    return blocks


def _type_lines(result: Any) -> list[str]:
    """How the plan type was chosen (the report's own note), or just the type's name."""
    note = getattr(result, "type_note", "")
    note = note() if callable(note) else note
    if note:
        return [escape(str(note))]
    name = getattr(result, "plan_type_name", "") or getattr(result, "plan_type", "")
    return [f"*計画の類型*: {escape(str(name))}"] if name else []


def _degree_lines(degree: Any) -> list[str]:
    lines = degree.lines() if callable(getattr(degree, "lines", None)) else []
    firm = str(getattr(degree, "firm", "") or "")
    return [f"{firm}: {line}" if firm else str(line) for line in lines]


def plan_blocks(kind: str, result: Any, title: str, request: str = "") -> list[Block]:
    """A pre-check (summary + ✅ ⚠️ ❌ items) or match result (ranked measures) as Block Kit."""
    heading = "計画案の事前チェック" if kind == "precheck" else "計画案に合う支援施策"
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": truncate(f"{heading}: {title}", 150), "emoji": True}}
    ]
    if kind == "precheck":
        blocks.extend(_precheck_body(result))
        items = list(getattr(result, "items", []) or [])
    else:
        items = list(getattr(result, "results", []) or [])
        if _type_lines(result):
            blocks.extend(sections("\n".join(_type_lines(result))))
        for rank, item in enumerate(items[:MAX_ITEMS], start=1):
            blocks.append(_section(match_item_text(rank, item)))
    notes = [escape(messages.DISCLAIMER)]
    if len(items) > MAX_ITEMS:
        notes.insert(0, f"ほか {len(items) - MAX_ITEMS} 件は添付のレポートをご覧ください。")
    blocks = blocks[: MAX_BLOCKS - 2]
    blocks.append(_context(notes))
    blocks.append(actions_block(str(getattr(result, "answer_id", "")), request or f"{heading}: {title}"))
    return blocks


def plan_fallback(kind: str, result: Any, title: str) -> str:
    """Notification text of a plan report."""
    heading = "計画案の事前チェック" if kind == "precheck" else "計画案に合う支援施策"
    summary = result.summary() if kind == "precheck" and callable(getattr(result, "summary", None)) else ""
    return truncate(f"{heading}: {title}\n{summary}".strip(), 3500)
