"""Handoff to staff: the consultation API, the staff API, Slack (fake Web API, signed requests), SMTP, CLI, purge."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from conftest import CORPUS, free_port
from fakes.fake_slack import TEAM_ID, FakeSlack, signed_headers

from bot.config import Settings
from bot.web.app import create_app
from bot.web.server import serve_in_thread

SECRET = "consult-signing-secret-0123"
TOKEN = "xoxb-consult-test"
STAFF_CH = "C0STAFF0001"
CITY_B_CH = "C0CITYB0001"
STAFF_KEY = "staff-key-1234567890"
STAFF_USER = "U0STAFF009"
CITY_B = "http://city-b.example.jp"
EMAIL = "yamada.taro@example.jp"
PHONE = "090-1234-5678"


@dataclass
class Mailbox:
    """A local SMTP server (aiosmtpd) that keeps what it receives."""

    port: int = 0
    messages: list[Any] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def wait(self, count: int = 1, timeout: float = 20.0) -> list[Any]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            assert time.monotonic() < deadline, f"no mail arrived (got {len(self.messages)})"
            time.sleep(0.05)
        return self.messages


@dataclass
class Live:
    """The running app, its settings and the fakes at its edges."""

    url: str
    settings: Settings
    slack: FakeSlack
    mail: Mailbox

    def create(self, **body: Any) -> httpx.Response:
        headers = {"Origin": body.pop("origin", self.url), "X-Madoguchi-Client": "widget"}
        return httpx.post(f"{self.url}/v1/consultations", json=body, headers=headers, timeout=30)

    def view(self, cid: str, token: str) -> httpx.Response:
        return httpx.get(f"{self.url}/v1/consultations/{cid}", headers={"Authorization": f"Bearer {token}"}, timeout=30)

    def staff(self, method: str, path: str, key: str = STAFF_KEY, **kwargs: Any) -> httpx.Response:
        return httpx.request(method, f"{self.url}/v1/staff/consultations{path}",
                             headers={"Authorization": f"Bearer {key}"}, timeout=30, **kwargs)

    def slack_post(self, payload: bytes, content_type: str) -> httpx.Response:
        headers = signed_headers(SECRET, payload, content_type=content_type)
        return httpx.post(f"{self.url}/slack/events", content=payload, headers=headers, timeout=30)

    def interact(self, payload: dict[str, Any]) -> httpx.Response:
        return self.slack_post(urlencode({"payload": json.dumps(payload, ensure_ascii=False)}).encode(),
                               "application/x-www-form-urlencoded")

    def staff_post_for(self, question: str) -> Any:
        """The staff-channel post of the consultation with this question."""
        return self.slack.wait_for("chat.postMessage", lambda c: question in str(c.body.get("blocks")))[0]

    def wait_status(self, cid: str, token: str, status: str, replies: int = 1) -> dict[str, Any]:
        deadline = time.monotonic() + 30
        while True:
            body = self.view(cid, token).json()
            if body["status"] == status and len(body["replies"]) >= replies:
                return body
            assert time.monotonic() < deadline, f"consultation stayed {body['status']}"
            time.sleep(0.1)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    from aiosmtpd.controller import Controller

    data = tmp_path_factory.mktemp("consult")
    routes = data / "routes.yaml"
    routes.write_text(f"routes:\n  {CITY_B}:\n    slack_channel: {CITY_B_CH}\n    help_url: {CITY_B}/soudan\n"
                      f"    help_label: B市 商工課に相談\n    contact_note: 平日 9時〜17時\n", encoding="utf-8")
    mailbox = Mailbox(port=free_port())
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    with FakeSlack(token=TOKEN) as slack:
        settings = Settings(
            data_dir=data, corpus_dir=CORPUS, embed_threads=1, _env_file=None,  # type: ignore[call-arg]
            slack_bot_token=TOKEN, slack_signing_secret=SECRET, slack_api_url=slack.api_url,
            handoff_slack_channel=STAFF_CH, handoff_routes_file=routes, staff_api_key=STAFF_KEY,
            smtp_host="127.0.0.1", smtp_port=mailbox.port, smtp_from="madoguchi@city.example.jp",
            allowed_origins=CITY_B, rate_limit="off",
        )
        with serve_in_thread(create_app(settings)) as url:
            yield Live(url, settings, slack, mailbox)
    controller.stop()


def test_a_consultation_reaches_the_staff_channel_with_the_contact_masked(live: Live) -> None:
    question = "工場の増築で使える補助金を個別に相談したいです"
    r = live.create(question=question, name="山田太郎", email=EMAIL, phone=PHONE, consent=True,
                    conversation=[{"role": "user", "content": "増築の補助金は？"}], page_url=f"{live.url}/shop")
    assert r.status_code == 201, r.text
    receipt = r.json()
    assert len(receipt["token"]) >= 40 and "担当者に引き継ぎました" in receipt["message"]
    post = live.staff_post_for(question)
    assert post.body["channel"] == STAFF_CH
    shown = json.dumps(post.body["blocks"], ensure_ascii=False)
    assert "山田太郎" not in shown and EMAIL not in shown and "1234-5678" not in shown
    assert "＊＊＊@example.jp" in shown and "5678" in shown
    labels = [e["text"]["text"] for b in post.body["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert labels == ["回答する", "自分が担当", "連絡先を表示", "対応不要で閉じる"]
    # 連絡先を表示: the full contact goes to the clicking staff member only (ephemeral)
    contact_button = {"action_id": "madoguchi_consult_contact", "value": receipt["id"], "type": "button"}
    assert live.interact(_button_payload(post, contact_button)).status_code == 200
    shown_to = live.slack.wait_for("chat.postEphemeral", lambda c: EMAIL in str(c.body.get("text")))[0]
    assert shown_to.body["user"] == STAFF_USER


def _button_payload(post: Any, action: dict[str, Any]) -> dict[str, Any]:
    ts = post.response["ts"]
    return {"type": "block_actions", "team": {"id": TEAM_ID, "domain": "t"}, "user": {"id": STAFF_USER},
            "api_app_id": "A0MADOGUCH", "token": "legacy", "trigger_id": "trig-1",
            "channel": {"id": post.body["channel"]}, "container": {"type": "message", "message_ts": ts,
                                                                  "channel_id": post.body["channel"]},
            "message": {"ts": ts, "text": post.body.get("text", "")}, "actions": [action]}


def test_a_signed_modal_answer_reaches_the_asker_and_their_mailbox(live: Live) -> None:
    question = "輸出の相談先を教えてください（個別）"
    receipt = live.create(question=question, email=EMAIL, consent=True).json()
    post = live.staff_post_for(question)
    answer_button = {"action_id": "madoguchi_consult_answer", "value": receipt["id"], "type": "button"}
    assert live.interact(_button_payload(post, answer_button)).status_code == 200
    modal = live.slack.wait_for("views.open", lambda c: receipt["id"] in json.dumps(c.body.get("view")))[0]
    view = modal.body["view"]
    submit = {"type": "view_submission", "team": {"id": TEAM_ID}, "user": {"id": STAFF_USER}, "api_app_id": "A0MADOGUCH",
              "token": "legacy", "trigger_id": "trig-2",
              "view": {"id": "V1", "type": "modal", "callback_id": view["callback_id"],
                       "private_metadata": view["private_metadata"],
                       "state": {"values": {"answer": {"text": {"type": "plain_text_input",
                                                                "value": "JETRO の地域事務所にご相談ください。"}},
                                            "faq": {"faq": {"type": "checkboxes", "selected_options": [
                                                {"value": "yes"}]}}}}}}
    assert live.interact(submit).status_code == 200
    seen = live.wait_status(receipt["id"], receipt["token"], "answered")
    assert seen["replies"][0]["text"] == "JETRO の地域事務所にご相談ください。"
    mail = live.mail.wait()[-1]
    assert mail["To"] == EMAIL and "JETRO の地域事務所" in mail.get_content()
    live.slack.wait_for("chat.postMessage", lambda c: c.body.get("thread_ts") == post.response["ts"])


def test_a_reply_in_the_staff_thread_is_the_answer(live: Live) -> None:
    question = "事業承継の相談はどこにすればよいですか（担当者へ）"
    receipt = live.create(question=question).json()
    post = live.staff_post_for(question)
    thread = post.response["ts"]
    ts = live.slack.next_ts()
    event = {"token": "legacy", "team_id": TEAM_ID, "api_app_id": "A0MADOGUCH", "type": "event_callback",
             "event_id": f"Ev{ts.replace('.', '')}", "event_time": int(time.time()),
             "event": {"type": "message", "channel": STAFF_CH, "user": STAFF_USER, "text": "事業承継・引継ぎ支援センターへどうぞ。",
                       "ts": ts, "thread_ts": thread, "channel_type": "channel"}}
    assert live.slack_post(json.dumps(event, ensure_ascii=False).encode(), "application/json").status_code == 200
    seen = live.wait_status(receipt["id"], receipt["token"], "answered")
    assert seen["replies"][0]["text"] == "事業承継・引継ぎ支援センターへどうぞ。"
    live.slack.wait_for("reactions.add", lambda c: c.body.get("timestamp") == ts)


def test_the_token_opens_one_consultation_only(live: Live) -> None:
    a = live.create(question="相談Aです").json()
    b = live.create(question="相談Bです").json()
    assert live.view(a["id"], a["token"]).status_code == 200
    for cid, token in ((a["id"], b["token"]), (b["id"], a["token"]), (a["id"], "not-the-token"), ("0" * 32, a["token"])):
        refused = live.view(cid, token)
        assert refused.status_code == 404
        assert "見つからない" in refused.json()["error"]["message"]


@pytest.mark.parametrize(("body", "words"), [
    ({"question": "   "}, "相談内容を入力"),
    ({"question": "x" * 4001}, "長すぎます"),
    ({"question": "連絡ください", "email": EMAIL}, "同意"),
    ({"question": "連絡ください", "email": "not-an-address", "consent": True}, "メールアドレスの形式"),
    ({"question": "連絡ください", "phone": "12", "consent": True}, "電話番号の形式"),
])
def test_bad_input_gets_a_japanese_error_and_stores_nothing(live: Live, body: dict[str, Any], words: str) -> None:
    before = live.staff("GET", "", params={"limit": 500}).json()
    r = live.create(**body)
    assert r.status_code == 422 and words in r.json()["error"]["message"]
    assert live.staff("GET", "", params={"limit": 500}).json() == before


def test_the_staff_api_needs_its_key_and_answers_like_slack(live: Live) -> None:
    receipt = live.create(question="スタッフAPIで答える相談").json()
    assert live.staff("GET", "", key="wrong").status_code == 401
    assert httpx.get(f"{live.url}/v1/staff/consultations", timeout=30).status_code == 401
    listed = live.staff("GET", "", params={"status": "open"}).json()
    assert receipt["id"] in [c["id"] for c in listed]
    done = live.staff("POST", f"/{receipt['id']}/answer", json={"text": "API からの回答です。", "author": "佐藤"})
    assert done.status_code == 200 and done.json()["status"] == "answered"
    assert live.view(receipt["id"], receipt["token"]).json()["replies"][0]["text"] == "API からの回答です。"
    closed = live.staff("POST", f"/{receipt['id']}/close", json={"reason": "重複"})
    assert closed.json()["status"] == "closed"
    assert live.staff("POST", f"/{'f' * 32}/answer", json={"text": "x"}).status_code == 404


def test_each_site_is_routed_to_its_own_staff_channel_and_window(live: Live) -> None:
    config = httpx.get(f"{live.url}/v1/handoff-config", headers={"Origin": CITY_B}, timeout=30).json()
    assert config["help_url"] == f"{CITY_B}/soudan" and config["help_label"] == "B市 商工課に相談"
    default = httpx.get(f"{live.url}/v1/handoff-config", timeout=30).json()
    assert default["help_url"] == live.settings.help_url
    question = "B市からの相談です"
    assert live.create(question=question, origin=CITY_B).status_code == 201
    assert live.staff_post_for(question).body["channel"] == CITY_B_CH


def test_without_slack_the_cli_answers_and_lists(live: Live) -> None:
    receipt = live.create(question="CLI で答える相談", email=EMAIL, consent=True).json()
    env = {**os.environ, "MADOGUCHI_DATA_DIR": str(live.settings.data_dir), "MADOGUCHI_EMBED_THREADS": "1",
           "SLACK_BOT_TOKEN": "", "MADOGUCHI_SMTP_HOST": ""}
    cli = [sys.executable, "-m", "bot"]
    listed = subprocess.run([*cli, "consultations", "list", "--status", "open", "--json"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    mine = [c for c in json.loads(listed.stdout) if c["id"] == receipt["id"]]
    assert mine and mine[0]["contact"] == "＊＊＊@example.jp"
    assert EMAIL not in listed.stdout
    answered = subprocess.run([*cli, "consultations", "answer", receipt["id"], "窓口の担当者です。お電話します。", "--faq"],
                              env=env, capture_output=True, text=True, timeout=120)
    assert answered.returncode == 0, answered.stderr
    assert live.view(receipt["id"], receipt["token"]).json()["replies"][0]["text"] == "窓口の担当者です。お電話します。"
    missing = subprocess.run([*cli, "consultations", "answer", "0" * 32, "回答"], env=env, capture_output=True,
                             text=True, timeout=120)
    assert missing.returncode != 0 and "相談が見つかりません" in missing.stdout + missing.stderr
    assert "Traceback" not in missing.stdout + missing.stderr


def test_consultations_count_against_the_rate_limit(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, corpus_dir=CORPUS, _env_file=None, rate_limit="2/minute")  # type: ignore[call-arg]
    with serve_in_thread(create_app(settings)) as url:
        codes = [httpx.post(f"{url}/v1/consultations", json={"question": f"相談{i}"}, timeout=30).status_code
                 for i in range(3)]
    assert codes == [201, 201, 429]


def test_assign_and_close_buttons_are_recorded_and_noted_in_the_thread(live: Live) -> None:
    question = "担当と終了のボタンを試す相談"
    receipt = live.create(question=question).json()
    post = live.staff_post_for(question)
    thread = post.response["ts"]
    assign = {"action_id": "madoguchi_consult_assign", "value": receipt["id"], "type": "button"}
    assert live.interact(_button_payload(post, assign)).status_code == 200
    live.slack.wait_for("chat.postMessage", lambda c: c.body.get("thread_ts") == thread and "担当します" in c.body["text"])
    assert live.staff("GET", f"/{receipt['id']}").json()["assignee"] == STAFF_USER
    close = {"action_id": "madoguchi_consult_close", "value": receipt["id"], "type": "button"}
    assert live.interact(_button_payload(post, close)).status_code == 200
    live.slack.wait_for("chat.postMessage", lambda c: c.body.get("thread_ts") == thread and "閉じました" in c.body["text"])
    assert live.wait_status(receipt["id"], receipt["token"], "closed", replies=0)["replies"] == []


def test_an_unreachable_database_is_a_japanese_503_not_a_receipt(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, corpus_dir=CORPUS, _env_file=None, rate_limit="off",  # type: ignore[call-arg]
                        database_url=f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/none")
    with serve_in_thread(create_app(settings)) as url:
        r = httpx.post(f"{url}/v1/consultations", json={"question": "届かない相談"}, timeout=60)
    assert r.status_code == 503 and "データベースに接続できません" in r.json()["error"]["message"]
    assert "token" not in r.json()
