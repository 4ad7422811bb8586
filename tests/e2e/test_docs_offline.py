"""/docs and /redoc render in real Chromium with every request off the desk blocked (no CDN, works offline)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.web.app import create_app
from bot.web.server import serve_in_thread

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="module")
def page_offline(indexed_settings: Any) -> Iterator[tuple[Any, str, list[str]]]:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (scripts/test-deps.sh installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with serve_in_thread(create_app(indexed_settings.model_copy(update={"rate_limit": "off"}))) as url:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            context = browser.new_context()
            blocked: list[str] = []

            def gate(route: Any) -> None:
                if route.request.url.startswith(url):
                    route.continue_()
                else:  # the network is off: anything not served by the desk fails
                    blocked.append(route.request.url)
                    route.abort("internetdisconnected")

            context.route("**/*", gate)
            yield context.new_page(), url, blocked
            browser.close()


def test_swagger_ui_renders_offline(page_offline: tuple[Any, str, list[str]]) -> None:
    page, url, blocked = page_offline
    page.goto(f"{url}/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=30_000)
    assert "madoguchi" in page.inner_text(".swagger-ui .info .title")
    page.get_by_text("/v1/ask", exact=True).first.wait_for(timeout=30_000)
    assert blocked == []


def test_redoc_renders_offline(page_offline: tuple[Any, str, list[str]]) -> None:
    page, url, blocked = page_offline
    page.goto(f"{url}/redoc")
    page.wait_for_selector("h1:has-text('madoguchi')", timeout=60_000)
    assert page.get_by_text("/v1/chat/completions").count() > 0
    assert blocked == []


def test_the_demo_page_links_to_working_docs(page_offline: tuple[Any, str, list[str]]) -> None:
    page, url, blocked = page_offline
    page.goto(f"{url}/")
    page.click("text=API ドキュメント")
    page.wait_for_selector(".swagger-ui .info .title", timeout=30_000)
    assert blocked == []
