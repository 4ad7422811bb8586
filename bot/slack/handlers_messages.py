"""Mentions, DMs and thread replies: answer in the thread, with the thread as history; plan files → report."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.events import new_request_id, request_id
from bot.slack import texts
from bot.slack.blocks import answer_blocks, answer_fallback
from bot.slack.channels import ChannelRule
from bot.slack.door import SlackDoor
from bot.slack.files import fetch_plan_file, pick_plan_file
from bot.slack.history import plain_text, thread_history
from bot.slack.plans import analyze, kind_for, post_result
from bot.slack.replies import ephemeral, post, post_error, working

log = logging.getLogger("madoguchi.slack")
ANSWERED_SUBTYPES = (None, "file_share", "thread_broadcast")


def wants_answer(door: SlackDoor, event: dict[str, Any], bot_user_id: str | None) -> bool:
    """Whether a ``message`` event is for the desk: any DM; in channels set to ``all``, any un-mentioned message."""
    if event.get("subtype") not in ANSWERED_SUBTYPES or event.get("bot_id") or not event.get("user"):
        return False
    if event.get("channel_type") == "im":
        return True
    if bot_user_id and f"<@{bot_user_id}" in (event.get("text") or ""):
        return False  # the app_mention event answers it
    return door.channels.rule(event.get("channel")).reply == "all"


def handle_message(door: SlackDoor, client: WebClient, context: BoltContext, event: dict[str, Any]) -> None:
    """Answer one user message in its thread (once, even if Slack sends it as two events)."""
    channel, ts = str(event.get("channel") or ""), str(event.get("ts") or "")
    if not channel or not ts or not door.seen.first(f"msg:{channel}:{ts}"):
        return
    request_id.set(new_request_id())
    user = event.get("user")
    thread_ts = str(event.get("thread_ts") or ts)
    rule = door.channels.rule(channel)
    if not rule.allows(user):
        refuse(client, event, thread_ts)
        return
    text = plain_text(str(event.get("text") or ""))
    with working(client, channel, ts):
        try:
            if event.get("files"):
                answer_file(door, client, event, rule, text, thread_ts)
            elif not text:
                post(client, channel, thread_ts, texts.EMPTY_QUESTION)
            else:
                answer_question(door, client, context, event, rule, text, thread_ts)
        except Exception as exc:
            post_error(client, channel, thread_ts, exc)


def refuse(client: WebClient, event: dict[str, Any], thread_ts: str) -> None:
    """Politely decline a user who is not on the channel's allowlist."""
    channel, user = str(event["channel"]), str(event.get("user") or "")
    log.info("slack user %s is not allowed in %s", user, channel)
    if event.get("channel_type") == "im":
        post(client, channel, thread_ts, texts.NOT_ALLOWED)
    else:
        ephemeral(client, channel, user, texts.NOT_ALLOWED, thread_ts)


def answer_question(
    door: SlackDoor,
    client: WebClient,
    context: BoltContext,
    event: dict[str, Any],
    rule: ChannelRule,
    text: str,
    thread_ts: str,
) -> None:
    """Ask the desk (with the thread's earlier messages as history) and post the answer in the thread."""
    channel, ts = str(event["channel"]), str(event["ts"])
    history: list[dict[str, str]] = []
    if event.get("thread_ts") and event["thread_ts"] != ts:
        history = thread_history(
            client,
            channel,
            thread_ts,
            before_ts=ts,
            bot_user_id=context.bot_user_id,
            bot_id=context.bot_id,
            max_turns=door.settings.max_history_turns,
            max_chars=door.settings.max_question_chars * 4,
        )
    answer = door.desk.ask(text, history, audience=rule.audience, channel="slack")
    post(client, channel, thread_ts, answer_fallback(answer), answer_blocks(answer, text))


def answer_file(
    door: SlackDoor, client: WebClient, event: dict[str, Any], rule: ChannelRule, text: str, thread_ts: str
) -> None:
    """A shared plan file: download it, run the pre-check (or match), post blocks and upload the report."""
    shared = pick_plan_file(list(event.get("files") or []))
    data, name = fetch_plan_file(client, door.settings, str(shared["id"]))
    kind = kind_for(text)
    result = analyze(door.desk, kind, data, name, rule.audience)
    post_result(client, str(event["channel"]), thread_ts, kind, result, name, request=text or name)


def register(app: App, door: SlackDoor) -> None:
    """Attach the app_mention and message listeners."""

    @app.event("app_mention")
    def on_mention(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        handle_message(door, client, context, event)

    @app.event("message")
    def on_message(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if wants_answer(door, event, context.bot_user_id):
            handle_message(door, client, context, event)
