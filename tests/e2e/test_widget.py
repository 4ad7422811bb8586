"""The embeddable widget in real Chromium (Debian's /usr/bin/chromium via Playwright) against the real app.

Screenshots are saved under artifacts/screenshots/ (gitignored) for a person to look at.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bot.messages import DISCLAIMER
from bot.web.app import create_app
from bot.web.server import serve_in_thread

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
SHOTS = REPO / "artifacts" / "screenshots"
QUESTION = "よろず支援拠点では何を相談できますか？"
OPEN = "支援施策の相談窓口を開く"
TITLE = "みらい市 事業者相談窓口"
HOSTILE_CSS = "* { color: red !important; font-size: 40px !important } button { display: none !important }"
COUNT_UPDATES = """() => {
  const log = document.querySelector('madoguchi-widget').shadowRoot.querySelector('.mw-log');
  window.__mwUpdates = 0;
  new MutationObserver(records => {
    for (const r of records) for (const n of r.addedNodes)
      if (n.classList && n.classList.contains('mw-msg-bot')) window.__mwUpdates += 1;
  }).observe(log, {childList: true});
}"""


@dataclass
class LiveDesk:
    """The served app and its URL."""

    url: str
    app: Any


# --- fixtures ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium (skipped, with the reason, when it is not installed)."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (scripts/test-deps.sh installs chromium and fonts-ipafont-gothic)")
    sync_api = pytest.importorskip("playwright.sync_api")
    sync_api.expect.set_options(timeout=30_000)
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def live(indexed_settings) -> Iterator[LiveDesk]:  # type: ignore[no-untyped-def]
    """The desk's app (demo page, widget, API) on a loopback port."""
    app = create_app(indexed_settings)
    with serve_in_thread(app) as url:
        yield LiveDesk(url, app)


@pytest.fixture()
def new_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """Open pages in fresh browser contexts (own sessionStorage), Japanese locale; closed after the test."""
    contexts: list[Any] = []

    def make(width: int = 1280, height: int = 860) -> Any:
        context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": height})
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@dataclass
class HostSite:
    """A municipality's own site on another loopback origin; set ``html`` to what it serves."""

    url: str
    html: str = ""

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return self.url.rstrip("/")


@pytest.fixture()
def host_site() -> Iterator[Callable[[], HostSite]]:
    """Start sites on other loopback origins (stopped after the test)."""
    servers: list[ThreadingHTTPServer] = []

    def start() -> HostSite:
        site = HostSite(url="")

        class Page(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                body = site.html.encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        site.url = f"http://127.0.0.1:{server.server_address[1]}/"
        return site

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


# --- helpers --------------------------------------------------------------------------------------------
def expect(target: Any) -> Any:
    """Playwright's auto-waiting ``expect``."""
    from playwright.sync_api import expect as pw_expect

    return pw_expect(target)


def screenshot(page: Any, name: str) -> None:
    """Save a screenshot under artifacts/screenshots/."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def last_answer(page: Any) -> Any:
    """The latest answer bubble (not the greeting)."""
    return page.locator(".mw-msg-bot:not(.mw-greeting)").last


def ask_and_wait(page: Any, question: str) -> Any:
    """Type a question, send it with Enter and wait until the answer is complete (its rating buttons appear)."""
    page.locator(".mw-input").fill(question)
    page.locator(".mw-input").press("Enter")
    answer = last_answer(page)
    expect(answer.get_by_role("button", name="役に立った")).to_be_visible()
    return answer


def embed_page(desk_url: str) -> str:
    """A municipality page on another origin that embeds the widget with the one script tag."""
    return (
        '<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>よその市</title></head>'
        "<body><h1>よその市 商工観光課</h1><p>事業者向けの情報です。</p>"
        f'<script src="{desk_url}/widget.js" data-title="よその市 相談窓口" data-audience="public" async></script>'
        "</body></html>"
    )


# --- tests --------------------------------------------------------------------------------------------------
def test_ask_stream_cite_rate_and_reload(live: LiveDesk, new_page: Callable[..., Any]) -> None:
    page = new_page()
    page.goto(live.url + "/")
    launcher = page.get_by_role("button", name=OPEN)
    expect(launcher).to_be_visible()
    screenshot(page, "01-demo-page")

    launcher.click()
    dialog = page.get_by_role("dialog", name=TITLE)
    expect(dialog).to_be_visible()
    expect(dialog.get_by_text(DISCLAIMER)).to_be_visible()
    expect(dialog.get_by_role("link", name="担当窓口に相談する")).to_have_attribute("href", live.app.state.settings.help_url)
    expect(page.locator(".mw-input")).to_be_focused()
    expect(dialog.locator(".mw-suggestion")).to_have_count(4)
    screenshot(page, "02-widget-open")

    page.evaluate(COUNT_UPDATES)
    with page.expect_response(lambda r: r.url.endswith("/v1/ask")) as asked:
        answer = ask_and_wait(page, QUESTION)
    assert asked.value.headers["content-type"].startswith("text/event-stream")
    assert page.evaluate("window.__mwUpdates") >= 3  # the answer grew piece by piece as deltas arrived
    expect(answer.locator(".mw-text")).to_contain_text("よろず支援拠点")
    assert "出典:" not in answer.locator(".mw-text").inner_text()  # sources are chips, not a text list
    chips = answer.locator(".mw-chip")
    assert chips.count() >= 1
    screenshot(page, "03-answer")

    chips.first.click()
    expect(chips.first).to_have_attribute("aria-expanded", "true")
    detail = answer.locator(".mw-cite").first
    expect(detail).to_be_visible()
    expect(detail.locator(".mw-quote").first).not_to_be_empty()
    expect(detail).to_contain_text("時点")
    expect(detail.get_by_role("link", name="発行元のページを開く（新しいタブ）")).to_have_attribute("href", re.compile(r"^https?://.+"))
    screenshot(page, "04-citation-open")

    # the citation opens its passage on the desk's own page of the document, highlighted and scrolled to
    quote = detail.locator(".mw-quote").first.inner_text()
    with page.context.expect_page() as opened:
        detail.get_by_role("link", name="引用箇所を開く（新しいタブ）").click()
    source = opened.value
    source.wait_for_load_state()
    lit = source.locator("section.hl")
    expect(lit).to_have_count(1)
    expect(lit).to_contain_text(quote[:15])
    assert source.evaluate("location.hash") == "#" + str(lit.get_attribute("id"))
    assert source.evaluate("getComputedStyle(document.querySelector('section.hl')).backgroundColor") != "rgba(0, 0, 0, 0)"
    screenshot(source, "04b-passage")
    source.close()

    with page.expect_response(lambda r: r.url.endswith("/v1/feedback")) as rated:
        answer.get_by_role("button", name="役に立った").click()
    expect(answer.get_by_text("ご意見ありがとうございました。")).to_be_visible()
    expect(answer.locator(".mw-cite").first).to_be_visible()  # rating did not fold the open source away
    answer_id = page.evaluate(
        "() => { const s = JSON.parse(Object.entries(sessionStorage).find(([k]) => k.startsWith('madoguchi'))[1]);"
        " return s.messages.filter(m => m.role === 'assistant').pop().answerId; }"
    )
    assert rated.value.status == 200
    live.app.state.audit.flush()
    stored = live.app.state.audit.feedback(answer_id)
    assert [(f["rating"], f["channel"]) for f in stored] == [("up", "widget")]
    screenshot(page, "05-feedback")

    page.reload()
    expect(page.get_by_role("dialog", name=TITLE)).to_be_visible()  # still open, same conversation
    expect(page.locator(".mw-msg-user")).to_have_count(1)
    expect(page.locator(".mw-msg-user")).to_contain_text(QUESTION)
    kept = last_answer(page)
    expect(kept.locator(".mw-text")).to_contain_text("よろず支援拠点")
    expect(kept.get_by_role("button", name="役に立った")).to_have_attribute("aria-pressed", "true")
    screenshot(page, "06-after-reload")

    follow_up = page.locator(".mw-suggestion").first
    expect(follow_up).to_be_visible()
    with page.expect_request(lambda r: r.url.endswith("/v1/ask")) as sent:
        follow_up.click()
    body = sent.value.post_data_json
    assert body["audience"] == "public" and body["stream"] is True
    assert [t["role"] for t in body["history"]] == ["user", "assistant"]
    assert body["history"][0]["content"] == QUESTION
    expect(last_answer(page).get_by_role("button", name="役に立った")).to_be_visible()
    expect(page.locator(".mw-msg-user")).to_have_count(2)


def test_host_page_css_does_not_reach_the_widget(live: LiveDesk, new_page: Callable[..., Any]) -> None:
    page = new_page()
    page.goto(live.url + "/")
    page.add_style_tag(content=HOSTILE_CSS)
    expect(page.locator(".card button").first).to_be_hidden()  # the hostile rules do hit the host page
    launcher = page.get_by_role("button", name=OPEN)
    expect(launcher).to_be_visible()
    color, size = launcher.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).fontSize]")
    assert (color, size) == ("rgb(255, 255, 255)", "16px")
    launcher.click()
    answer = ask_and_wait(page, QUESTION)
    text_color, text_size = answer.locator(".mw-text").evaluate(
        "e => [getComputedStyle(e).color, getComputedStyle(e).fontSize]")
    assert text_color != "rgb(255, 0, 0)" and text_size == "15px"
    expect(page.locator(".mw-send")).to_be_visible()
    screenshot(page, "07-hostile-host-css")


def test_widget_css_does_not_reach_the_host_page(live: LiveDesk, new_page: Callable[..., Any]) -> None:
    page = new_page()
    page.goto(live.url + "/")
    page.get_by_role("button", name=OPEN).click()
    expect(page.get_by_role("dialog", name=TITLE)).to_be_visible()
    assert not page.evaluate("[...document.styleSheets].some(s => (s.href || '').includes('widget.css'))")
    host_button = page.locator(".card button").first
    background = host_button.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background == "rgb(11, 93, 30)"  # the municipality's own green, untouched by the widget's styles


def test_a_360px_phone_screen(live: LiveDesk, new_page: Callable[..., Any]) -> None:
    page = new_page(360, 740)
    page.goto(live.url + "/")
    launcher = page.get_by_role("button", name=OPEN)
    box = launcher.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360
    launcher.click()
    panel = page.get_by_role("dialog", name=TITLE)
    expect(panel).to_be_visible()
    panel_box = panel.bounding_box()
    assert panel_box and panel_box["x"] >= 0 and panel_box["width"] <= 360
    with page.expect_response(lambda r: r.url.endswith("/v1/ask")):
        page.locator(".mw-suggestion").first.click()
    answer = last_answer(page)
    expect(answer.get_by_role("button", name="役に立った")).to_be_visible()
    answer.locator(".mw-chip").first.click()
    expect(answer.locator(".mw-cite").first).to_be_visible()
    overflow = page.evaluate(
        "() => { const l = document.querySelector('madoguchi-widget').shadowRoot.querySelector('.mw-log');"
        " return l.scrollWidth - l.clientWidth; }")
    assert overflow <= 0  # nothing sticks out sideways
    send = page.locator(".mw-send").bounding_box()
    assert send and send["x"] + send["width"] <= 360
    screenshot(page, "08-phone-360px")


def test_keyboard_only_use_and_escape(live: LiveDesk, new_page: Callable[..., Any]) -> None:
    page = new_page()
    page.goto(live.url + "/")
    launcher = page.get_by_role("button", name=OPEN)
    expect(launcher).to_have_attribute("aria-expanded", "false")
    launcher.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".mw-input")).to_be_focused()
    log = page.get_by_role("log")
    expect(log).to_have_attribute("aria-live", "polite")
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    answer = last_answer(page)
    expect(answer.get_by_role("button", name="役に立った")).to_be_visible()
    chip = answer.locator(".mw-chip").first
    chip.focus()
    page.keyboard.press("Enter")
    expect(chip).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name=TITLE)).to_be_hidden()
    expect(launcher).to_be_focused()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    screenshot(page, "09-closed-with-escape")


def test_an_out_of_scope_question_points_to_the_human_window(live: LiveDesk, new_page: Callable[..., Any]) -> None:
    page = new_page()
    page.goto(live.url + "/")
    page.get_by_role("button", name=OPEN).click()
    answer = ask_and_wait(page, "明日の東京の天気を教えてください")
    expect(answer.locator(".mw-text")).to_contain_text("資料には記載がありません")
    expect(answer.locator(".mw-chip")).to_have_count(0)
    expect(answer.get_by_role("link", name="担当窓口に相談する")).to_have_attribute("href", live.app.state.settings.help_url)
    screenshot(page, "12-out-of-scope")


def test_markup_in_a_question_is_shown_as_text(live: LiveDesk, new_page: Callable[..., Any]) -> None:
    page = new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(live.url + "/")
    page.get_by_role("button", name=OPEN).click()
    question = '<img src=x onerror="alert(1)">よろず支援拠点とは？'
    ask_and_wait(page, question)
    expect(page.locator(".mw-msg-user").last).to_contain_text(question)
    assert page.locator(".mw-msg-user img").count() == 0 and dialogs == []


def test_a_site_not_on_the_allowlist_is_refused(live: LiveDesk, new_page: Callable[..., Any],
                                                host_site: Callable[[], HostSite]) -> None:
    site = host_site()
    site.html = embed_page(live.url)
    page = new_page()
    statuses: list[int] = []
    page.on("response", lambda r: statuses.append(r.status) if "/v1/ask" in r.url else None)
    page.goto(site.url)
    page.get_by_role("button", name=OPEN).click()  # the script itself loads on any site
    page.locator(".mw-input").fill(QUESTION)
    page.locator(".mw-input").press("Enter")
    expect(last_answer(page).get_by_role("alert")).to_contain_text("通信できませんでした")
    assert 200 not in statuses
    screenshot(page, "10-disallowed-origin")


def test_a_site_on_the_allowlist_can_use_the_widget(indexed_settings, new_page: Callable[..., Any],  # type: ignore[no-untyped-def]
                                                    host_site: Callable[[], HostSite]) -> None:
    site = host_site()
    app = create_app(indexed_settings.model_copy(update={"allowed_origins": site.origin}))
    with serve_in_thread(app) as url:
        site.html = embed_page(url)
        page = new_page()
        page.goto(site.url)
        page.get_by_role("button", name=OPEN).click()
        dialog = page.get_by_role("dialog", name="よその市 相談窓口")
        expect(dialog).to_be_visible()
        expect(dialog.locator(".mw-suggestion")).to_have_count(4)  # the config was fetched across origins
        answer = ask_and_wait(page, QUESTION)
        expect(answer.locator(".mw-text")).to_contain_text("よろず支援拠点")
        expect(answer.locator(".mw-chip").first).to_be_visible()
        screenshot(page, "11-allowed-other-origin")


def test_a_vague_need_is_asked_back_with_choice_buttons(live: LiveDesk, new_page: Callable[..., Any]) -> None:
    page = new_page()
    page.goto(live.url + "/")
    page.get_by_role("button", name=OPEN).click()
    answer = ask_and_wait(page, "従業員3人の和菓子屋です。使える支援はありますか？")
    expect(answer.locator(".mw-text")).to_contain_text("お選びください")
    choices = page.get_by_role("group", name="近いものをお選びください")
    expect(choices).to_be_visible()
    assert choices.get_by_role("button").count() >= 5  # every choice, not the first four follow-ups
    screenshot(page, "14-clarify-choices")
    choices.get_by_role("button", name="販路を広げたい").click()
    expect(page.locator(".mw-msg-bot:not(.mw-greeting)")).to_have_count(2)
    overview = ask_done(page)
    expect(overview.locator(".mw-text")).to_contain_text("持続化補助金")
    expect(page.get_by_role("group", name="近いものをお選びください")).to_have_count(0)
    screenshot(page, "15-clarify-overview")


def ask_done(page: Any) -> Any:
    """The latest answer once it is complete (its rating buttons appear)."""
    answer = last_answer(page)
    expect(answer.get_by_role("button", name="役に立った")).to_be_visible()
    return answer
