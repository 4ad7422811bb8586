"""Plan analysis from Slack: parse the plan, run match or precheck, post the blocks and the full report."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, Literal

from slack_sdk import WebClient

from bot.plans import parse_plan
from bot.slack import texts
from bot.slack.blocks import plan_blocks, plan_fallback
from bot.slack.files import upload_report
from bot.slack.replies import post

if TYPE_CHECKING:
    from bot.desk import Desk

log = logging.getLogger("madoguchi.slack")
Kind = Literal["precheck", "match"]
_WANTS_MATCH = re.compile(r"施策|支援策|マッチ|match", re.I)
MATCH_N = 5


def kind_for(text: str) -> Kind:
    """What a file share asks for: measures (「施策」「マッチ」) or, by default, the pre-check."""
    return "match" if _WANTS_MATCH.search(text or "") else "precheck"


def analyze(
    desk: Desk, kind: Kind, data: bytes | str, filename: str, audience: str, plan_type: str | None = None
) -> Any:
    """Parse the plan and run the desk's match or precheck on it (channel ``slack``); a given type overrides detection."""
    plan = parse_plan(data, filename)
    if kind == "match":
        return desk.match(plan, n=MATCH_N, plan_type=plan_type, channel="slack", audience=audience)
    return desk.precheck(plan, plan_type, channel="slack", audience=audience)


def post_result(
    client: WebClient, channel: str, thread_ts: str | None, kind: Kind, result: Any, title: str, request: str = ""
) -> str:
    """Post the report blocks, then upload the full report beside them; returns the thread's ts."""
    response = post(client, channel, thread_ts, plan_fallback(kind, result, title), plan_blocks(kind, result, title, request))
    posted_channel = str(response.get("channel") or channel)
    thread = thread_ts or str(response.get("ts") or "") or None
    stem = "precheck-report" if kind == "precheck" else "match-report"
    try:
        upload_report(client, posted_channel, thread, result, stem)
    except Exception:  # the summary is already posted; say the attachment is missing
        log.exception("uploading the %s report failed", kind)
        post(client, posted_channel, thread, texts.REPORT_FAILED)
    return thread or ""
