"""The answer buttons: 👍 / 👎 feedback into the audit log, and 「担当者に相談」 escalation to a human."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.events import new_request_id, request_id
from bot.slack import texts
from bot.slack.blocks import ACTION_DOWN, ACTION_ESCALATE, ACTION_UP
from bot.slack.door import SlackDoor
from bot.slack.history import plain_text
from bot.slack.mrkdwn import escape, link, truncate
from bot.slack.replies import ephemeral

log = logging.getLogger("madoguchi.slack")
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{6,}$")


def where(body: dict[str, Any]) -> tuple[str, str, str]:
    """(channel id, message ts, thread ts) of the message whose button was pressed."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    channel = str((body.get("channel") or {}).get("id") or container.get("channel_id") or "")
    ts = str(message.get("ts") or container.get("message_ts") or "")
    thread = str(message.get("thread_ts") or container.get("thread_ts") or ts)
    return channel, ts, thread


def permalink(client: WebClient, body: dict[str, Any], channel: str, ts: str) -> str:
    """A link to the thread: chat.getPermalink, else one built from the workspace domain."""
    try:
        return str(client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"])
    except SlackApiError as exc:
        log.info("chat.getPermalink failed: %s", exc.response.get("error"))
    domain = (body.get("team") or {}).get("domain")
    base = f"https://{domain}.slack.com" if domain else "https://slack.com"
    return f"{base}/archives/{channel}/p{ts.replace('.', '')}"


def channel_ref(target: str) -> str:
    """How to show a channel in mrkdwn: a channel id becomes a link, a name stays as typed."""
    return f"<#{target}>" if _CHANNEL_ID.match(target) else escape(target)


def escalation_blocks(user: str, channel: str, question: str, answer: str, link_url: str, answer_id: str) -> list[dict[str, Any]]:
    """The message the escalation channel receives: who asked, the question, the answer and the thread link."""

    def section(text: str) -> dict[str, Any]:
        return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, 3000)}}

    quoted = "\n".join(f">{escape(line)}" for line in (question or "（質問文なし）").splitlines())
    return [
        {"type": "header", "text": {"type": "plain_text", "text": texts.ESCALATION_HEADER, "emoji": True}},
        section(f"*依頼者*: <@{user}>（<#{channel}>）" if _CHANNEL_ID.match(channel) else f"*依頼者*: <@{user}>"),
        section(f"*質問*\n{quoted}"),
        section(f"*madoguchi の回答*\n{escape(truncate(answer, 2500)) or '（なし）'}"),
        section(f"*スレッド*: {link(link_url, '元のスレッドを開く')}"),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": f"回答ID: `{escape(answer_id)}`"}]},
    ]


def allowed_clicker(door: SlackDoor, body: dict[str, Any], client: WebClient) -> tuple[str, str, str] | None:
    """Start a button request: new request id; (user, channel, thread), or None after telling a user not allowed."""
    request_id.set(new_request_id())
    user = str((body.get("user") or {}).get("id") or "")
    channel, _ts, thread = where(body)
    if not door.channels.rule(channel or None).allows(user):
        ephemeral(client, channel, user, texts.NOT_ALLOWED, thread)
        return None
    return user, channel, thread


def register(app: App, door: SlackDoor) -> None:
    """Attach the feedback and escalation button handlers."""

    @app.action(re.compile(f"^({ACTION_UP}|{ACTION_DOWN})$"))
    def on_feedback(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        allowed = allowed_clicker(door, body, client)
        if allowed is None:
            return
        user, channel, thread = allowed
        rating = "up" if action.get("action_id") == ACTION_UP else "down"
        answer_id = str(action.get("value") or "")
        note = texts.FEEDBACK_THANKS_UP if rating == "up" else texts.FEEDBACK_THANKS_DOWN
        if door.audit is None:
            log.warning("feedback %s for %s not stored: no audit log", rating, answer_id)
        else:
            try:
                door.audit.record_feedback(answer_id, rating, channel="slack")
            except Exception:
                log.exception("storing slack feedback failed")
                note = texts.FEEDBACK_NOT_STORED
        ephemeral(client, channel, user, note, thread)

    @app.action(ACTION_ESCALATE)
    def on_escalate(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        allowed = allowed_clicker(door, body, client)
        if allowed is None:
            return
        user, channel, thread = allowed
        target = door.settings.slack_escalation_channel
        if not target:
            ephemeral(client, channel, user, texts.NO_ESCALATION_CHANNEL, thread)
            return
        try:
            value = json.loads(str(action.get("value") or "{}"))
        except json.JSONDecodeError:
            value = {"a": str(action.get("value") or "")}
        answer_id, question = str(value.get("a") or ""), str(value.get("q") or "")
        done = texts.ESCALATED.format(target=channel_ref(target))
        once = f"escalate:{answer_id}:{user}"
        if not door.seen.first(once):
            ephemeral(client, channel, user, done, thread)  # a second click: already shared
            return
        answer = plain_text(str((body.get("message") or {}).get("text") or ""))
        link_url = permalink(client, body, channel, thread)
        try:
            client.chat_postMessage(
                channel=target,
                text=f"{texts.ESCALATION_HEADER}: {truncate(question, 100)}",
                blocks=escalation_blocks(user, channel, question, answer, link_url, answer_id),
                unfurl_links=False,
            )
        except SlackApiError as exc:
            log.error("escalation to %s failed: %s", target, exc.response.get("error"))
            door.seen.forget(once)  # let the user try again
            ephemeral(client, channel, user, texts.ERROR_GENERIC, thread)
            return
        if door.audit is not None:
            try:
                door.audit.record_escalation(answer_id, channel="slack", target=target, note=link_url)
            except Exception:
                log.exception("recording the escalation failed")
        ephemeral(client, channel, user, done, thread)
