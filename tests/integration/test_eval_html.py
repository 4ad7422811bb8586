"""The HTML eval report opened in a real Chromium: charts decode, every case has a row, the failure filter works."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from evals import report_html, runner
from evals.dataset import AskCase, Suite
from evals.targets import DeskTarget

CHROMIUM = "/usr/bin/chromium"
CASES = [
    AskCase(id="b-conn", question="コネクター度はどうやって計算するのですか？", evidence=("コネクター度",), must_include=("域外販売額",), refuse=False),
    AskCase(id="b-miss", question="コネクター度はどうやって計算するのですか？", evidence=("存在しない根拠",), must_include=("存在しない事実",), refuse=False),
    AskCase(id="b-weather", question="明日の熊本市の天気を教えてください。", evidence=(), must_include=(), refuse=True),
]


@pytest.mark.e2e
def test_report_renders_in_chromium(desk: Any, tmp_path: Path) -> None:
    if not shutil.which(CHROMIUM):
        pytest.skip("Chromium is missing (apt-get install -y chromium fonts-ipafont-gothic)")
    from playwright.sync_api import sync_playwright

    report = runner.run(DeskTarget(desk), Suite(ask=list(CASES)), compare=("hybrid", "bm25"))
    path = tmp_path / "report.html"
    report_html.write(path, report)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 2000})
        page.goto(path.as_uri())
        images = page.evaluate("Array.from(document.images).map(i => [i.alt, i.naturalWidth])")
        assert [alt for alt, _ in images] == ["指標の棒グラフ", "検索方式の比較グラフ"]
        assert all(width > 300 for _, width in images)  # real decoded pictures, not broken icons
        assert page.locator("tr.case").count() == 3
        assert "辞退すべき質問" in page.locator("#case-b-weather").inner_text()
        page.get_by_role("button", name="不合格のみ").click()
        visible = page.evaluate("Array.from(document.querySelectorAll('tr.case')).filter(r => r.offsetParent !== null).map(r => r.id)")
        assert visible == ["case-b-miss"]
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        browser.close()
