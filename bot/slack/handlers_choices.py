"""The clarifying question's buttons: a pressed choice is asked in the thread, with the thread as history."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.slack import texts
from bot.slack.blocks import ACTION_CHOICE, answer_blocks, answer_fallback
from bot.slack.door import SlackDoor
from bot.slack.handlers_actions import allowed_clicker
from bot.slack.history import thread_history
from bot.slack.mrkdwn import escape
from bot.slack.replies import post, post_error

log = logging.getLogger("madoguchi.slack")
_NOW = "9999999999.999999"  # every message of the thread so far is history


def answer_choice(door: SlackDoor, client: WebClient, context: BoltContext, body: dict[str, Any], action: dict[str, Any]) -> None:
    """Ask the chosen question in the clicked message's thread and post the answer there (once per click)."""
    allowed = allowed_clicker(door, body, client)
    if allowed is None:
        return
    user, channel, thread = allowed
    question = str(action.get("value") or "").strip()
    label = str((action.get("text") or {}).get("text") or question)
    if not question or not door.seen.first(f"choice:{action.get('action_ts') or ''}:{user}:{question}"):
        return
    try:
        history = thread_history(
            client, channel, thread, before_ts=_NOW, bot_user_id=context.bot_user_id, bot_id=context.bot_id,
            max_turns=door.settings.max_history_turns, max_chars=door.settings.max_question_chars * 4,
        )
        rule = door.channels.rule(channel or None)
        answer = door.desk.ask(question, history, audience=rule.audience, channel="slack")
        chosen = {"type": "context", "elements": [{"type": "mrkdwn", "text": texts.CHOSEN.format(user=user, label=escape(label))}]}
        post(client, channel, thread, answer_fallback(answer), [chosen, *answer_blocks(answer, question)])
    except Exception as exc:
        post_error(client, channel, thread, exc)


def register(app: App, door: SlackDoor) -> None:
    """Attach the choice buttons' handler."""

    @app.action(re.compile(f"^{ACTION_CHOICE}_[0-9]+$"))
    def on_choice(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ack()
        answer_choice(door, client, context, body, action)
