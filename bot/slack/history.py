"""A Slack thread as conversation history: user messages → user turns, the desk's posts → assistant turns."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger("madoguchi.slack")
_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
_LINK = re.compile(r"<((?:https?|mailto):[^>|]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#[CG][A-Z0-9]+(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(?:here|channel|everyone)(?:\|[^>]*)?>")


def plain_text(mrkdwn: str) -> str:
    """Slack message text as a person typed it: mentions removed, links and entities unwrapped."""
    text = _MENTION.sub("", mrkdwn)
    text = _SPECIAL.sub("", text)
    text = _CHANNEL.sub(lambda m: f"#{m.group(1) or ''}", text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return text.strip()


def thread_history(
    client: WebClient,
    channel: str,
    thread_ts: str,
    *,
    before_ts: str,
    bot_user_id: str | None,
    bot_id: str | None,
    max_turns: int,
    max_chars: int = 8000,
) -> list[dict[str, str]]:
    """Earlier messages of a thread (conversations.replies) as ``[{role, content}]``, newest ``max_turns``."""
    messages: list[dict[str, Any]] = []
    cursor: str | None = None
    try:
        while True:
            response = client.conversations_replies(channel=channel, ts=thread_ts, limit=200, cursor=cursor)
            messages.extend(response.get("messages") or [])
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor or len(messages) > 1000:
                break
    except SlackApiError as exc:  # history is a help, never a reason to fail the answer
        log.warning("conversations.replies failed: %s", exc.response.get("error"))
        return []
    turns: list[dict[str, str]] = []
    for message in sorted(messages, key=lambda m: float(m.get("ts", "0"))):
        if float(message.get("ts", "0")) >= float(before_ts):
            continue
        mine = (bot_user_id and message.get("user") == bot_user_id) or (bot_id and message.get("bot_id") == bot_id)
        if message.get("bot_id") and not mine:
            continue  # other bots' chatter is not part of the conversation
        content = plain_text(message.get("text") or "")
        if not content:
            continue
        turns.append({"role": "assistant" if mine else "user", "content": content[:max_chars]})
    return turns[-max_turns:] if max_turns > 0 else []
