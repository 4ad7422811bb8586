"""The Slack door end to end: signed requests → the real FastAPI app on a real uvicorn → a fake Slack Web API."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import uvicorn
from conftest import free_port
from fakes.fake_slack import BOT_USER_ID, TEAM_ID, Call, FakeSlack, signed_headers

from bot.audit.log import open_audit_log
from bot.desk import Desk
from bot.events import DeskEvent
from bot.slack import texts
from bot.slack.blocks import ACTION_DOWN, ACTION_ESCALATE, ACTION_UP

SECRET = "test-signing-secret-0123456789"
TOKEN = "xoxb-madoguchi-test"
STAFF = "U0STAFF001"
BOSS = "U0BOSS0001"
OUTSIDER = "U0OUTSIDE1"
MENTION_CH = "C0MENTION1"  # default rule: reply only when mentioned
ALL_CH = "C0ALLREPL1"  # reply to every message
LOCKED_CH = "C0LOCKED01"  # only BOSS may use the desk
ESCALATION_CH = "C0ESCALAT1"
DM = "D0STAFF001"
CHANNELS_YAML = f"""\
defaults:
  reply: mention
  audience: staff
channels:
  {ALL_CH}:
    reply: all
  {LOCKED_CH}:
    allowed_users: [{BOSS}]
"""
PLAN_MD = """\
# 〇〇市 地場産業成長プラン（案）

## 1. 対象となる地場産業
市内の陶磁器産地（窯元32社）を対象とする。地域資源である陶土と伝統技法を活かし、付加価値向上と販路拡大を目指す。

## 2. 目標とKPI
2030年度までに域外販売額を12億円から18億円に増やす。新商品の開発件数を年5件とする。

## 3. 実施体制
市、商工会議所、よろず支援拠点、地域金融機関で推進協議会を設置する。市は専任職員2名を配置する。

## 4. 外部依存性
特定の大企業への依存を避け、窯元の共同ブランドで販路を分散する。
"""
_event_ids = itertools.count(1)


# --- harness ------------------------------------------------------------------------------------------
@dataclass
class Door:
    """The running app and what the test can see of it."""

    url: str
    fake: FakeSlack
    desk: Desk
    events: list[DeskEvent]
    settings: Any

    def post(self, body: bytes, content_type: str, *, secret: str = SECRET, timestamp: int | None = None,
             headers: dict[str, str] | None = None) -> httpx.Response:
        """POST a (signed) request to /slack/events, as Slack would."""
        sent = signed_headers(secret, body, timestamp=timestamp, content_type=content_type) | (headers or {})
        return httpx.post(f"{self.url}/slack/events", content=body, headers=sent, timeout=30)

    def event(self, event: dict[str, Any], *, event_id: str | None = None, **kwargs: Any) -> httpx.Response:
        """Deliver an Events API callback."""
        body = {
            "token": "legacy", "team_id": TEAM_ID, "api_app_id": "A0MADOGUCH", "type": "event_callback",
            "event": event, "event_id": event_id or f"Ev{next(_event_ids):08d}", "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
        }
        return self.post(json.dumps(body, ensure_ascii=False).encode(), "application/json", **kwargs)

    def command(self, text: str, key: str, *, channel: str = MENTION_CH, user: str = STAFF) -> httpx.Response:
        """Run ``/madoguchi <text>``; its response_url is the fake's ``/response/<key>``."""
        form = {"token": "legacy", "team_id": TEAM_ID, "channel_id": channel, "user_id": user, "command": "/madoguchi",
                "text": text, "response_url": self.fake.response_url(key), "trigger_id": f"trigger-{key}"}
        return self.post(urlencode(form).encode(), "application/x-www-form-urlencoded")

    def interact(self, payload: dict[str, Any]) -> httpx.Response:
        """Deliver an interactivity payload (button press, modal submission)."""
        body = urlencode({"payload": json.dumps(payload, ensure_ascii=False)}).encode()
        return self.post(body, "application/x-www-form-urlencoded")

    def mention(self, text: str, *, channel: str = MENTION_CH, user: str = STAFF, **extra: Any) -> str:
        """@-mention the desk; returns the message ts."""
        ts = self.fake.next_ts()
        self.fake.add_message(channel, ts, user=user, text=f"<@{BOT_USER_ID}> {text}", thread_ts=extra.get("thread_ts"))
        event = {"type": "app_mention", "user": user, "text": f"<@{BOT_USER_ID}> {text}", "ts": ts,
                 "channel": channel, "event_ts": ts, **extra}
        assert self.event(event).status_code == 200
        return ts

    def dm(self, text: str) -> str:
        """Send the desk a direct message; returns its ts."""
        ts = self.fake.next_ts()
        event = {"type": "message", "channel_type": "im", "channel": DM, "user": STAFF, "text": text, "ts": ts, "event_ts": ts}
        assert self.event(event).status_code == 200
        return ts

    def replies(self, channel: str, thread_ts: str, count: int = 1) -> list[Call]:
        """Wait for the desk's posts in a thread."""
        return self.fake.wait_for(
            "chat.postMessage", lambda c: c.body.get("channel") == channel and c.body.get("thread_ts") == thread_ts,
            count=count,
        )

    def barrier(self) -> None:
        """Ask something and wait for its answer: requests sent before it have been dealt with by then."""
        ts = self.dm("よろず支援拠点とは何ですか？")
        self.replies(DM, ts)
        self.fake.wait_for("reactions.remove", lambda c: c.body.get("timestamp") == ts)


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Serve an ASGI app with a real uvicorn on a loopback port (in a thread)."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="uvicorn-slack-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="module")
def door(indexed_settings, tmp_path_factory) -> Iterator[Door]:  # type: ignore[no-untyped-def]
    """The web app (create_app) with the Slack door mounted, talking to a fake Slack."""
    from bot.web.app import create_app

    channels = tmp_path_factory.mktemp("slack") / "channels.yaml"
    channels.write_text(CHANNELS_YAML, encoding="utf-8")
    with FakeSlack(token=TOKEN) as fake:
        settings = indexed_settings.model_copy(update={
            "slack_bot_token": TOKEN, "slack_signing_secret": SECRET, "slack_api_url": fake.api_url,
            "slack_escalation_channel": ESCALATION_CH, "slack_channels_file": channels,
        })
        desk = Desk(settings)
        events: list[DeskEvent] = []
        desk.listeners.append(events.append)
        with serve(create_app(settings, desk)) as url:
            yield Door(url, fake, desk, events, settings)


def block_text(blocks: list[dict[str, Any]]) -> str:
    """All text of a message's blocks (sections, headers, context elements, button labels)."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block.get("text"), dict):
            out.append(block["text"]["text"])
        for element in block.get("elements", []):
            text = element.get("text")
            out.append(text["text"] if isinstance(text, dict) else str(text or ""))
    return "\n".join(out)


def sources(blocks: list[dict[str, Any]]) -> str:
    """The text of the 出典 context block."""
    for block in blocks:
        if block["type"] == "context" and "出典" in block["elements"][0]["text"]:
            return "\n".join(e["text"] for e in block["elements"])
    raise AssertionError("no 出典 block")


def button(blocks: list[dict[str, Any]], action_id: str) -> dict[str, Any]:
    """The button with this action id."""
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return element
    raise AssertionError(f"no button {action_id}")


def press(door: Door, reply: Call, action_id: str, *, user: str = STAFF, block_id: str = "madoguchi_actions") -> httpx.Response:
    """Press one of the buttons under a reply the desk posted (as Slack sends it: action id, label, value)."""
    blocks = reply.body["blocks"]
    pressed = button(blocks, action_id)
    message = {"type": "message", "ts": reply.response["ts"], "thread_ts": reply.body["thread_ts"],
               "text": reply.body["text"], "blocks": blocks, "user": BOT_USER_ID, "bot_id": "B"}
    payload = {
        "type": "block_actions", "team": {"id": TEAM_ID, "domain": "madoguchi-test"}, "user": {"id": user},
        "api_app_id": "A0MADOGUCH", "trigger_id": "trigger-action",
        "container": {"type": "message", "message_ts": message["ts"], "channel_id": reply.body["channel"]},
        "channel": {"id": reply.body["channel"]}, "message": message,
        "response_url": door.fake.response_url(f"action-{message['ts']}"),
        "actions": [{"type": "button", "action_id": action_id, "block_id": block_id, "text": pressed["text"],
                     "value": pressed["value"], "action_ts": str(time.time())}],
    }
    return door.interact(payload)


def for_thread(ts: str) -> Callable[[Call], bool]:
    """Calls about one message / thread."""
    return lambda c: ts in (c.body.get("timestamp"), c.body.get("thread_ts"))


# --- questions ------------------------------------------------------------------------------------------
def test_mention_is_answered_in_its_thread_with_sources_and_buttons(door: Door) -> None:
    ts = door.mention("外部依存性とは何ですか？")
    [reply] = door.replies(MENTION_CH, ts)
    blocks = reply.body["blocks"]
    assert "外部依存性" in block_text(blocks)
    cited = sources(blocks)
    assert "[1]" in cited and "要件" in cited and "時点" in cited  # numbered, section path, as-of
    assert {button(blocks, a)["action_id"] for a in (ACTION_UP, ACTION_DOWN, ACTION_ESCALATE)} == {
        ACTION_UP, ACTION_DOWN, ACTION_ESCALATE}
    assert "出典:" not in reply.body["text"]  # sources live in their own block, not in the text
    # the working signal was shown on the user's message and taken away afterwards
    added = door.fake.calls_to("reactions.add", for_thread(ts))
    assert added and added[0].body["name"] == texts.WORKING_REACTION and added[0].body["channel"] == MENTION_CH
    door.fake.wait_for("reactions.remove", for_thread(ts))


def test_direct_message_is_answered_with_linked_source(door: Door) -> None:
    ts = door.dm("よろず支援拠点では何を相談できますか？")
    [reply] = door.replies(DM, ts)
    assert "よろず支援拠点" in block_text(reply.body["blocks"])
    assert "<http" in sources(reply.body["blocks"])  # the measure's URL as a Slack link


def test_thread_follow_up_uses_the_thread_as_history(door: Door) -> None:
    root = door.fake.next_ts()
    door.fake.add_message(ALL_CH, root, user=STAFF, text="外部依存性とは何ですか？")
    assert door.event({"type": "message", "channel_type": "channel", "channel": ALL_CH, "user": STAFF,
                       "text": "外部依存性とは何ですか？", "ts": root, "event_ts": root}).status_code == 200
    door.replies(ALL_CH, root)
    follow = door.fake.next_ts()
    door.fake.add_message(ALL_CH, follow, user=STAFF, text="地場産業の場合は？", thread_ts=root)
    assert door.event({"type": "message", "channel_type": "channel", "channel": ALL_CH, "user": STAFF,
                       "text": "地場産業の場合は？", "ts": follow, "thread_ts": root, "event_ts": follow}).status_code == 200
    first, second = door.replies(ALL_CH, root, count=2)
    assert door.fake.calls_to("conversations.replies", lambda c: c.body.get("channel") == ALL_CH and c.body.get("ts") == root)
    # without the history this question finds the 策定プロセス; with it, the 地場 外部依存性 requirement
    assert "過度に依存" in block_text(second.body["blocks"])
    asked = [e for e in door.events if e.question == "地場産業の場合は？" and e.channel == "slack"]
    assert asked and "外部" in asked[-1].meta["query"]


def test_mention_only_channel_ignores_thread_replies_without_mention(door: Door) -> None:
    root = door.mention("地場産業成長プランの要件は？")
    door.replies(MENTION_CH, root)
    ts = door.fake.next_ts()
    door.event({"type": "message", "channel_type": "channel", "channel": MENTION_CH, "user": STAFF,
                "text": "ありがとうございます", "ts": ts, "thread_ts": root, "event_ts": ts})
    door.barrier()
    assert len(door.fake.calls_to("chat.postMessage", lambda c: c.body.get("thread_ts") == root)) == 1


def test_mention_in_a_reply_all_channel_is_answered_once(door: Door) -> None:
    ts = door.fake.next_ts()
    text = f"<@{BOT_USER_ID}> 地場産業成長プランの要件は？"
    common = {"user": STAFF, "text": text, "ts": ts, "channel": ALL_CH, "event_ts": ts}
    door.event({"type": "message", "channel_type": "channel", **common})  # Slack sends both events
    door.event({"type": "app_mention", **common})
    door.replies(ALL_CH, ts)
    door.barrier()
    assert len(door.fake.calls_to("chat.postMessage", lambda c: c.body.get("thread_ts") == ts)) == 1


def test_user_not_on_the_allowlist_gets_a_polite_refusal(door: Door) -> None:
    ts = door.mention("地場産業成長プランの要件は？", channel=LOCKED_CH, user=OUTSIDER)
    [note] = door.fake.wait_for("chat.postEphemeral", lambda c: c.body.get("thread_ts") == ts)
    assert note.body["user"] == OUTSIDER and note.body["text"] == texts.NOT_ALLOWED
    allowed = door.mention("地場産業成長プランの要件は？", channel=LOCKED_CH, user=BOSS)
    door.replies(LOCKED_CH, allowed)
    assert not door.fake.calls_to("chat.postMessage", lambda c: c.body.get("thread_ts") == ts)


def test_desk_error_becomes_a_polite_japanese_message_in_the_thread(door: Door) -> None:
    ts = door.mention("地場産業" * 600)  # longer than max_question_chars
    [reply] = door.replies(MENTION_CH, ts)
    assert "長すぎ" in reply.body["text"] and "Traceback" not in reply.body["text"]
    assert "blocks" not in reply.body


# --- slash command and modal -----------------------------------------------------------------------------
def test_slash_ask_is_acknowledged_then_answered_via_response_url(door: Door) -> None:
    response = door.command("ask 地場産業成長プランの要件は？", "ask-1")
    assert response.status_code == 200 and texts.THINKING in response.text
    [answer] = door.fake.wait_for("response", lambda c: c.path.endswith("/ask-1"))
    assert answer.body["response_type"] == "in_channel"
    assert "自治体のコミットメント" in block_text(answer.body["blocks"])
    assert "[1]" in sources(answer.body["blocks"])


def test_slash_help_and_question_without_subcommand(door: Door) -> None:
    help_text = door.command("help", "help-1").text
    assert "/madoguchi precheck" in help_text and "/madoguchi match" in help_text
    assert door.command("よろず支援拠点とは何ですか？", "bare-1").status_code == 200
    [answer] = door.fake.wait_for("response", lambda c: c.path.endswith("/bare-1"))
    assert "よろず支援拠点" in block_text(answer.body["blocks"])


def test_slash_precheck_opens_a_modal_and_its_submission_is_sent_by_dm(door: Door) -> None:
    assert door.command("precheck", "pc-1").status_code == 200
    [opened] = door.fake.wait_for("views.open", lambda c: c.body.get("trigger_id") == "trigger-pc-1")
    view = opened.body["view"]

    def submit(text: str | None) -> httpx.Response:
        state = {"values": {"plan_text": {"value": {"type": "plain_text_input", "value": text}},
                            "plan_file": {"value": {"type": "plain_text_input", "value": None}}}}
        payload = {"type": "view_submission", "team": {"id": TEAM_ID}, "user": {"id": STAFF}, "api_app_id": "A0MADOGUCH",
                   "view": {"id": "V0VIEW001", "type": "modal", "callback_id": view["callback_id"],
                            "private_metadata": view["private_metadata"], "state": state}}
        return door.interact(payload)

    empty = submit(None)
    assert empty.status_code == 200 and empty.json()["response_action"] == "errors"
    assert submit(PLAN_MD).status_code == 200
    [result] = door.fake.wait_for("chat.postMessage", lambda c: c.body.get("channel") == STAFF)
    text = block_text(result.body["blocks"])
    assert "事前チェック" in text and "地場産業成長プラン" in text and ("✅" in text or "⚠️" in text)
    dm_channel = result.response["channel"]
    door.fake.wait_for("files.completeUploadExternal", lambda c: c.body.get("channel_id") == dm_channel)


def test_slash_match_modal_offers_the_plan_type_and_the_choice_overrides_detection(door: Door) -> None:
    assert door.command("match", "mt-1").status_code == 200
    [opened] = door.fake.wait_for("views.open", lambda c: c.body.get("trigger_id") == "trigger-mt-1")
    view = opened.body["view"]
    [picker] = [b for b in view["blocks"] if b["block_id"] == "plan_type"]
    assert picker["optional"] is True  # left empty, the type is detected
    assert {o["value"] for o in picker["element"]["options"]} == {"strategic_cluster", "regional_cluster", "local_industry"}
    state = {"values": {"plan_text": {"value": {"type": "plain_text_input", "value": PLAN_MD}},
                        "plan_file": {"value": {"type": "plain_text_input", "value": None}},
                        "plan_type": {"value": {"type": "static_select", "selected_option": {"value": "regional_cluster"}}}}}
    payload = {"type": "view_submission", "team": {"id": TEAM_ID}, "user": {"id": STAFF}, "api_app_id": "A0MADOGUCH",
               "view": {"id": "V0VIEW002", "type": "modal", "callback_id": view["callback_id"],
                        "private_metadata": view["private_metadata"], "state": state}}
    assert door.interact(payload).status_code == 200
    [result] = door.fake.wait_for(
        "chat.postMessage", lambda c: c.body.get("channel") == STAFF and "支援施策" in block_text(c.body.get("blocks") or [])
    )
    text = block_text(result.body["blocks"])
    assert "地域産業クラスター計画（指定）" in text  # the chosen type, not the detected 地場産業成長プラン


# --- buttons -------------------------------------------------------------------------------------------------
def test_thumbs_up_is_stored_as_feedback(door: Door) -> None:
    ts = door.mention("地場産業成長プランの要件は？")
    [reply] = door.replies(MENTION_CH, ts)
    answer_id = button(reply.body["blocks"], ACTION_UP)["value"]
    assert press(door, reply, ACTION_UP).status_code == 200
    [thanks] = door.fake.wait_for("chat.postEphemeral", lambda c: c.body.get("text") == texts.FEEDBACK_THANKS_UP)
    assert thanks.body["user"] == STAFF and thanks.body["thread_ts"] == ts
    audit = open_audit_log(door.settings)
    assert audit.flush(30)
    rows = audit.feedback(answer_id)
    assert [(r["rating"], r["channel"]) for r in rows] == [("up", "slack")]


def test_escalation_posts_question_answer_and_link_to_the_escalation_channel(door: Door) -> None:
    ts = door.mention("外部依存性とは何ですか？")
    [reply] = door.replies(MENTION_CH, ts)
    assert press(door, reply, ACTION_ESCALATE).status_code == 200
    [posted] = door.fake.wait_for("chat.postMessage", lambda c: c.body.get("channel") == ESCALATION_CH)
    text = block_text(posted.body["blocks"])
    assert "外部依存性とは何ですか？" in text and f"<@{STAFF}>" in text
    assert "過度に依存" in text or "バリューチェーン" in text  # the answer travels with it
    link = door.fake.calls_to("chat.getPermalink", lambda c: c.body.get("message_ts") == ts)
    assert link and link[0].response["permalink"] in text
    door.fake.wait_for("chat.postEphemeral", lambda c: c.body.get("user") == STAFF and "担当者に相談内容を共有しました" in c.body["text"])
    audit = open_audit_log(door.settings)
    assert audit.flush(30)
    answer_id = json.loads(button(reply.body["blocks"], ACTION_ESCALATE)["value"])["a"]
    assert [r["target"] for r in audit.escalations(answer_id)] == [ESCALATION_CH]


# --- files --------------------------------------------------------------------------------------------------
def test_shared_plan_file_gets_a_precheck_and_the_report_in_the_thread(door: Door) -> None:
    door.fake.add_file("F0PLANMD01", "plan.md", PLAN_MD.encode(), "text/markdown")
    ts = door.mention("事前チェックをお願いします", files=[{"id": "F0PLANMD01", "name": "plan.md"}])
    [report] = door.replies(MENTION_CH, ts)
    text = block_text(report.body["blocks"])
    assert "事前チェック" in text and "外部依存性" in text
    assert any(mark in text for mark in ("✅", "⚠️", "❌"))
    assert door.fake.calls_to("files.info", lambda c: c.body.get("file") == "F0PLANMD01")
    download = door.fake.calls_to("download", lambda c: "/F0PLANMD01/" in c.path)
    assert download and download[0].headers["authorization"] == f"Bearer {TOKEN}"
    [done] = door.fake.wait_for("files.completeUploadExternal", lambda c: c.body.get("thread_ts") == ts)
    assert done.body["channel_id"] == MENTION_CH
    uploaded = [c.raw.decode() for c in door.fake.calls_to("upload") if b"\xe5\xa4\x96\xe9\x83\xa8" in c.raw]
    assert len(done.body["files"]) == 2 and len(uploaded) >= 2  # Markdown and HTML reports with 外部…


def test_unsupported_file_gets_a_polite_message(door: Door) -> None:
    door.fake.add_file("F0PHOTO001", "photo.png", b"\x89PNG", "image/png")
    ts = door.mention("これを見てください", files=[{"id": "F0PHOTO001", "name": "photo.png"}])
    [reply] = door.replies(MENTION_CH, ts)
    assert "photo.png" in reply.body["text"] and ".docx" in reply.body["text"]
    assert not door.fake.calls_to("download", lambda c: "/F0PHOTO001/" in c.path)


# --- security and retries --------------------------------------------------------------------------------------
def test_bad_signature_and_stale_timestamp_are_rejected_and_never_answered(door: Door) -> None:
    bad_ts, old_ts = door.fake.next_ts(), door.fake.next_ts()

    def dm_body(ts: str) -> bytes:
        event = {"type": "message", "channel_type": "im", "channel": DM, "user": STAFF, "text": "地場産業とは？", "ts": ts}
        return json.dumps({"type": "event_callback", "team_id": TEAM_ID, "event": event,
                           "event_id": f"Ev{next(_event_ids):08d}"}).encode()

    assert door.post(dm_body(bad_ts), "application/json", secret="not-the-secret").status_code == 401
    stale = int(time.time()) - 6 * 60
    assert door.post(dm_body(old_ts), "application/json", timestamp=stale).status_code == 401
    door.barrier()
    for ts in (bad_ts, old_ts):
        assert not door.fake.calls_to("chat.postMessage", lambda c, ts=ts: c.body.get("thread_ts") == ts)
        assert not door.fake.calls_to("reactions.add", for_thread(ts))


def test_slack_retries_and_duplicate_deliveries_are_not_answered_twice(door: Door) -> None:
    ts = door.fake.next_ts()
    event = {"type": "message", "channel_type": "im", "channel": DM, "user": STAFF,
             "text": "地場産業成長プランの要件は？", "ts": ts, "event_ts": ts}
    assert door.event(event, event_id="Ev0RETRY001").status_code == 200
    door.replies(DM, ts)
    retry = door.event(event, event_id="Ev0RETRY001", headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert retry.status_code == 200
    assert door.event(event, event_id="Ev0RETRY001").status_code == 200  # the same delivery again
    unseen = door.fake.next_ts()  # a retry is acknowledged without processing, even of an unseen event
    door.event({**event, "ts": unseen, "event_ts": unseen}, headers={"X-Slack-Retry-Num": "2"})
    door.barrier()
    assert len(door.fake.calls_to("chat.postMessage", lambda c: c.body.get("thread_ts") == ts)) == 1
    assert not door.fake.calls_to("reactions.add", for_thread(unseen))


def test_shared_plan_file_with_measures_asked_gets_matching_measures(door: Door) -> None:
    door.fake.add_file("F0PLANMD02", "plan.md", PLAN_MD.encode(), "text/markdown")
    ts = door.mention("この計画に合う支援施策は？", files=[{"id": "F0PLANMD02", "name": "plan.md"}])
    [report] = door.replies(MENTION_CH, ts)
    text = block_text(report.body["blocks"])
    assert "計画案に合う支援施策" in text and "*1. " in text
    [done] = door.fake.wait_for("files.completeUploadExternal", lambda c: c.body.get("thread_ts") == ts)
    assert "match-report.md" in [f["title"] for f in done.body["files"]]
