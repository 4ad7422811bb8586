"""Consultations in the staff channel: the Block Kit post, 回答する (modal), 自分が担当, 連絡先を表示, 閉じる,
and a reply in the post's thread as the answer."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.audit.consultations import ConsultationStore, consultation_store, full_contact, mask_contact
from bot.audit.log import AuditLog, open_audit_log
from bot.audit.notify import deliver_reply
from bot.config import Settings
from bot.slack.door import SlackDoor
from bot.slack.mrkdwn import escape, truncate
from bot.slack.replies import ephemeral

log = logging.getLogger("madoguchi.slack")

ACTION_ANSWER = "madoguchi_consult_answer"
ACTION_ASSIGN = "madoguchi_consult_assign"
ACTION_CONTACT = "madoguchi_consult_contact"
ACTION_CLOSE = "madoguchi_consult_close"
MODAL = "madoguchi_consult_modal"
HEADER = "事業者からの相談（担当者への引き継ぎ）"
STATUS_JA = {"open": "未回答", "answered": "回答済み", "closed": "対応不要で終了"}


def store_of(door: SlackDoor) -> ConsultationStore:
    """The consultation store over the door's audit database."""
    audit = door.audit if isinstance(door.audit, AuditLog) else open_audit_log(door.settings)
    return consultation_store(audit.store)


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, 3000) or " "}}


def _button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {"type": "button", "text": {"type": "plain_text", "text": text}, "action_id": action_id,
                              "value": value}
    if style:
        button["style"] = style
    return button


def consultation_blocks(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The staff-channel message: question, the desk's attempt and sources, masked contact, origin, buttons."""
    quoted = "\n".join(f">{escape(line)}" for line in row["question"].splitlines())
    attempt = row.get("attempt") or {}
    if attempt.get("text"):
        verdict = "（回答を辞退）" if attempt.get("refused") else ""
        tried = f"*窓口の回答{verdict}*\n{escape(truncate(str(attempt['text']), 1500))}"
    else:
        tried = "*窓口の回答*\n（なし：相談者が直接、担当者への相談を選びました）"
    sources = sorted({f"[{c.get('n')}] {c.get('title', '')}" for c in attempt.get("citations") or []})
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": HEADER, "emoji": True}},
        _section(f"*相談内容*\n{quoted}"),
        _section(tried),
    ]
    if sources:
        blocks.append(_section("*出典*\n" + "\n".join(escape(s) for s in sources[:10])))
    blocks.append(_section(f"*連絡先*: {escape(mask_contact(row))}\n*受付元*: {escape(row.get('origin') or '不明')}"))
    value = row["id"]
    blocks.append({"type": "actions", "block_id": "madoguchi_consult", "elements": [
        _button("回答する", ACTION_ANSWER, value, "primary"),
        _button("自分が担当", ACTION_ASSIGN, value),
        _button("連絡先を表示", ACTION_CONTACT, value),
        _button("対応不要で閉じる", ACTION_CLOSE, value, "danger"),
    ]})
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text":
                   f"受付番号: `{value}` ・このスレッドへの返信がそのまま相談者への回答になります。"}]})
    return blocks


def post_consultation(client: WebClient, store: ConsultationStore, row: dict[str, Any]) -> str | None:
    """Post a new consultation to its staff channel and remember the message; the ts, or None."""
    channel = row.get("staff_channel")
    if not channel:
        log.warning("consultation %s has no staff channel; not posted to Slack", row["id"])
        return None
    try:
        response = client.chat_postMessage(channel=channel, text=f"{HEADER}: {truncate(row['question'], 80)}",
                                           blocks=consultation_blocks(row), unfurl_links=False)
    except SlackApiError as exc:
        log.error("posting consultation %s to %s failed: %s", row["id"], channel, exc.response.get("error"))
        return None
    ts = str(response["ts"])
    store.set_slack(row["id"], str(response.get("channel") or channel), ts)
    return ts


def post_thread_note(client: WebClient, row: dict[str, Any], text: str) -> None:
    """Say something in the consultation's thread (when it was posted to Slack); never raises."""
    if not (row.get("staff_channel") and row.get("slack_ts")):
        return
    try:
        client.chat_postMessage(channel=row["staff_channel"], thread_ts=row["slack_ts"], text=text)
    except SlackApiError as exc:
        log.warning("thread note for consultation %s failed: %s", row.get("id"), exc.response.get("error"))


def make_hooks(client: WebClient, store: ConsultationStore) -> tuple[Any, Any]:
    """(on_created, on_replied) callbacks for the web door: post new consultations and API/CLI answers."""

    def on_created(row: dict[str, Any]) -> None:
        post_consultation(client, store, row)

    def on_replied(row: dict[str, Any], text: str) -> None:
        post_thread_note(client, store.get(row["id"]) or row, f"職員 API から回答しました:\n{truncate(text, 2500)}")

    return on_created, on_replied


def answer_modal(row: dict[str, Any]) -> dict[str, Any]:
    """The 回答する modal: the question, a multi-line answer, a FAQ-candidate checkbox."""
    return {
        "type": "modal", "callback_id": MODAL, "private_metadata": row["id"],
        "title": {"type": "plain_text", "text": "相談に回答"},
        "submit": {"type": "plain_text", "text": "回答を送る"},
        "close": {"type": "plain_text", "text": "キャンセル"},
        "blocks": [
            _section(f"*相談内容*\n{escape(truncate(row['question'], 2500))}"),
            {"type": "input", "block_id": "answer", "label": {"type": "plain_text", "text": "回答（相談者に表示されます）"},
             "element": {"type": "plain_text_input", "action_id": "text", "multiline": True, "max_length": 3000}},
            {"type": "input", "block_id": "faq", "optional": True, "label": {"type": "plain_text", "text": "資料の改善"},
             "element": {"type": "checkboxes", "action_id": "faq", "options": [
                 {"text": {"type": "plain_text", "text": "FAQ 候補にする（コーパス追加の検討用）"}, "value": "yes"}]}},
        ],
    }


def _clicked(body: dict[str, Any]) -> tuple[str, str, str]:
    """(user, channel, message ts) of a button press."""
    user = str((body.get("user") or {}).get("id") or "")
    channel = str((body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id") or "")
    ts = str((body.get("message") or {}).get("ts") or (body.get("container") or {}).get("message_ts") or "")
    return user, channel, ts


def register(app: App, door: SlackDoor) -> None:
    """Attach the consultation buttons, the answer modal and the thread-reply listener (register before messages)."""
    settings: Settings = door.settings

    def allowed(client: WebClient, user: str, channel: str, ts: str) -> bool:
        if door.channels.rule(channel or None).allows(user):
            return True
        ephemeral(client, channel, user, "この相談を扱う権限がありません。", ts)
        return False

    @app.action(ACTION_ANSWER)
    def on_answer(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        user, channel, ts = _clicked(body)
        row = store_of(door).get(str(action.get("value") or ""))
        if row is None or not allowed(client, user, channel, ts):
            return
        client.views_open(trigger_id=body["trigger_id"], view=answer_modal(row))

    @app.view(MODAL)
    def on_modal(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        values = (view.get("state") or {}).get("values") or {}
        text = str(((values.get("answer") or {}).get("text") or {}).get("value") or "").strip()
        if not text:
            ack(response_action="errors", errors={"answer": "回答を入力してください。"})
            return
        ack()
        faq = bool(((values.get("faq") or {}).get("faq") or {}).get("selected_options"))
        user = str((body.get("user") or {}).get("id") or "")
        store = store_of(door)
        consultation_id = str(view.get("private_metadata") or "")
        deliver_reply(store, settings, consultation_id, text, author=user, via="slack", faq_candidate=faq)
        row = store.get(consultation_id) or {}
        note = f"<@{user}> が回答しました{'（FAQ 候補）' if faq else ''}:\n{escape(truncate(text, 2500))}"
        post_thread_note(client, row, note)

    @app.action(ACTION_ASSIGN)
    def on_assign(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        user, channel, ts = _clicked(body)
        store = store_of(door)
        row = store.get(str(action.get("value") or ""))
        if row is None or not allowed(client, user, channel, ts):
            return
        store.assign(row["id"], user)
        post_thread_note(client, row, f"<@{user}> が担当します。")

    @app.action(ACTION_CONTACT)
    def on_contact(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        user, channel, ts = _clicked(body)
        row = store_of(door).get(str(action.get("value") or ""))
        if row is None or not allowed(client, user, channel, ts):
            return
        log.info("contact of consultation %s opened by %s", row["id"], user)
        ephemeral(client, channel, user, f"連絡先（本人の同意あり）: {escape(full_contact(row))}", ts)

    @app.action(ACTION_CLOSE)
    def on_close(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        user, channel, ts = _clicked(body)
        store = store_of(door)
        row = store.get(str(action.get("value") or ""))
        if row is None or not allowed(client, user, channel, ts):
            return
        store.close(row["id"], f"対応不要（<@{user}>）")
        post_thread_note(client, row, f"<@{user}> が対応不要として閉じました。")

    def is_consultation_reply(event: dict[str, Any]) -> bool:
        thread = event.get("thread_ts")
        if not thread or thread == event.get("ts") or event.get("bot_id") or event.get("subtype"):
            return False
        try:
            return store_of(door).by_thread(str(event.get("channel") or ""), str(thread)) is not None
        except Exception:
            log.exception("consultation lookup failed")
            return False

    @app.event("message", matchers=[is_consultation_reply])
    def on_thread_reply(event: dict[str, Any], client: WebClient) -> None:
        store = store_of(door)
        row = store.by_thread(str(event["channel"]), str(event["thread_ts"]))
        if row is None:
            return
        user = str(event.get("user") or "")
        text = str(event.get("text") or "").strip()
        if not text or not door.channels.rule(str(event["channel"])).allows(user):
            return  # a file-only message or someone not allowed here: not an answer
        deliver_reply(store, settings, row["id"], text, author=user, via="slack")
        try:
            client.reactions_add(channel=str(event["channel"]), timestamp=str(event["ts"]), name="white_check_mark")
        except SlackApiError as exc:
            log.info("reactions.add failed: %s", exc.response.get("error"))
