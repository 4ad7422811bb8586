"""Handoff in real Chromium: a declined question goes to staff in (fake) Slack, their answer comes back to the widget;
the same without Slack through the CLI. Screenshots land in artifacts/screenshots/."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from conftest import CORPUS
from fakes.fake_slack import TEAM_ID, FakeSlack, signed_headers

from bot.web.app import create_app
from bot.web.server import serve_in_thread

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
SHOTS = REPO / "artifacts" / "screenshots"
SECRET = "e2e-handoff-secret-0123"
TOKEN = "xoxb-e2e-handoff"
STAFF_CH = "C0HANDOFF01"
STAFF_USER = "U0STAFFE2E"
OPEN = "支援施策の相談窓口を開く"
OUT_OF_SCOPE = "明日の東京の天気を教えてください"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium (skipped, with the reason, when it is not installed)."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (scripts/test-deps.sh installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    sync_api.expect.set_options(timeout=30_000)
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def live(indexed_settings, tmp_path_factory) -> Iterator[tuple[str, FakeSlack, Any]]:  # type: ignore[no-untyped-def]
    """The app with the Slack door on a fake Slack Web API; its own audit database."""
    with FakeSlack(token=TOKEN) as slack:
        settings = indexed_settings.model_copy(update={
            "slack_bot_token": TOKEN, "slack_signing_secret": SECRET, "slack_api_url": slack.api_url,
            "handoff_slack_channel": STAFF_CH, "database_url": f"sqlite:///{tmp_path_factory.mktemp('e2e-audit')}/a.db",
        })
        with serve_in_thread(create_app(settings)) as url:
            yield url, slack, settings


def expect(target: Any) -> Any:
    """Playwright's auto-waiting ``expect``."""
    from playwright.sync_api import expect as pw_expect

    return pw_expect(target)


def shot(page: Any, name: str) -> None:
    """Save a screenshot for a person to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def hand_off(page: Any, url: str, question: str, email: str | None = None) -> None:
    """Ask an out-of-scope question, open the handoff form from the declined answer and send it."""
    page.goto(url + "/")
    page.get_by_role("button", name=OPEN).click()
    page.locator(".mw-input").fill(question)
    page.locator(".mw-input").press("Enter")
    answer = page.locator(".mw-msg-bot:not(.mw-greeting)").last
    expect(answer.locator(".mw-text")).to_contain_text("資料には記載がありません")
    answer.get_by_role("button", name="担当者に相談する").click()
    form = page.locator(".mw-handoff")
    expect(form).to_be_visible()
    expect(page.get_by_label("相談内容")).to_have_value(question)
    if email:
        page.get_by_label("メールアドレス").fill(email)
        page.get_by_role("button", name="担当者に送る").click()
        expect(form.get_by_role("alert")).to_contain_text("同意")  # contact without consent is not sent
        page.get_by_label("同意します").check()
    shot(page, "20-handoff-form")
    page.get_by_role("button", name="担当者に送る").click()
    expect(page.locator(".mw-msg-handoff").last).to_contain_text("担当者に相談しました")


def test_a_declined_question_is_answered_by_staff_in_slack(browser: Any, live: tuple[str, FakeSlack, Any]) -> None:
    url, slack, _ = live
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 860})
    page = context.new_page()
    hand_off(page, url, OUT_OF_SCOPE, email="e2e@example.jp")
    post = slack.wait_for("chat.postMessage", lambda c: c.body.get("channel") == STAFF_CH)[0]
    blocks = json.dumps(post.body["blocks"], ensure_ascii=False)
    assert OUT_OF_SCOPE in blocks and "e2e@example.jp" not in blocks and "資料には記載がありません" in blocks
    cid = next(e["value"] for b in post.body["blocks"] if b["type"] == "actions" for e in b["elements"])
    submission = {"type": "view_submission", "team": {"id": TEAM_ID}, "user": {"id": STAFF_USER}, "token": "legacy",
                  "api_app_id": "A0MADOGUCH", "view": {"id": "V1", "type": "modal", "callback_id": "madoguchi_consult_modal",
                  "private_metadata": cid, "state": {"values": {"answer": {"text": {
                      "type": "plain_text_input", "value": "天気は気象庁の予報をご覧ください。窓口では支援施策をご案内します。"}}}}}}
    body = urlencode({"payload": json.dumps(submission, ensure_ascii=False)}).encode()
    signed = signed_headers(SECRET, body, content_type="application/x-www-form-urlencoded")
    assert httpx.post(f"{url}/slack/events", content=body, headers=signed, timeout=30).status_code == 200

    reply = page.locator(".mw-msg-staff")
    expect(reply).to_contain_text("担当者からの回答")
    expect(reply).to_contain_text("気象庁の予報")
    shot(page, "21-staff-reply")
    page.reload()  # the panel stays open across a reload (sessionStorage); the reply is there again
    expect(page.locator(".mw-msg-staff")).to_contain_text("気象庁の予報")
    later = context.new_page()  # the next visit from the same browser
    later.goto(url + "/")
    later.get_by_role("button", name=OPEN).click()
    expect(later.locator(".mw-msg-staff")).to_contain_text("気象庁の予報")
    other = browser.new_context(locale="ja-JP").new_page()  # another browser never sees it
    other.goto(url + "/")
    other.get_by_role("button", name=OPEN).click()
    time.sleep(1)
    assert other.locator(".mw-msg-staff").count() == 0
    context.close()


def test_without_slack_the_cli_answers_and_the_widget_shows_it(browser: Any, live: tuple[str, FakeSlack, Any]) -> None:
    url, _, settings = live
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    question = "ペットの飼い方を教えてください"
    hand_off(page, url, question)
    cid = page.locator(".mw-msg-handoff").last.get_attribute("data-consultation")
    env = {**os.environ, "MADOGUCHI_DATA_DIR": str(settings.data_dir), "MADOGUCHI_CORPUS_DIR": str(CORPUS),
           "MADOGUCHI_DATABASE_URL": settings.database_url, "SLACK_BOT_TOKEN": "", "MADOGUCHI_EMBED_THREADS": "1"}
    done = subprocess.run([sys.executable, "-m", "bot", "consultations", "answer", str(cid),
                           "担当課からお電話でご案内します。"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    expect(page.locator(".mw-msg-staff")).to_contain_text("お電話でご案内します")
    shot(page, "22-cli-reply")
    context.close()
