"""Block Kit for answers and plan reports: sources, buttons, Slack's size limits."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bot import messages
from bot.answering.answer import Answer, Citation
from bot.slack.blocks import (
    ACTION_DOWN,
    ACTION_ESCALATE,
    ACTION_UP,
    SECTION_LIMIT,
    answer_blocks,
    answer_fallback,
    plan_blocks,
    sections,
    strip_sources,
)

ANSWER_TEXT = """資料（(2)地場産業成長プランの概要 > (要件)）には次のとおり記載されています。
・【外部依存性】特定の者(大企業・フランチャイザー等)に過度に依存する計画となっていないか。 [1]
・相談は無料 [2]

出典:
[1] 基本的な考え方 — 3. 地場産業支援 > (要件)（2026-03 時点）
[2] よろず支援拠点 — 国の支援施策カタログ（2025-03 時点） https://yorozu.smrj.go.jp/"""


def _answer() -> Answer:
    return Answer(
        text=ANSWER_TEXT,
        citations=[
            Citation(n=1, chunk_id="a", title="基本的な考え方", section="3. 地場産業支援 > (要件)", as_of="2026-03", quote="q"),
            Citation(n=2, chunk_id="b", title="よろず支援拠点", section="国の支援施策カタログ", as_of="2025-03",
                     url="https://yorozu.smrj.go.jp/", quote="q", verified=False),
            Citation(n=1, chunk_id="a", title="基本的な考え方", section="3. 地場産業支援 > (要件)", as_of="2026-03", quote="q2"),
        ],
    )


def _elements(blocks: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [b for b in blocks if b["type"] == kind]


def test_answer_blocks_show_text_sources_disclaimer_and_buttons() -> None:
    answer = _answer()
    blocks = answer_blocks(answer, "外部依存性とは？")
    body = blocks[0]["text"]["text"]
    assert "過度に依存" in body and "出典:" not in body and "&gt; (要件)" in body
    source_block = next(b for b in _elements(blocks, "context") if "出典" in b["elements"][0]["text"])
    lines = [e["text"] for e in source_block["elements"][1:]]
    assert lines == [
        "[1] 基本的な考え方 — 3. 地場産業支援 &gt; (要件)（2026-03 時点）",
        f"[2] <https://yorozu.smrj.go.jp/|よろず支援拠点> — 国の支援施策カタログ（2025-03 時点） _{messages.UNVERIFIED}_",
    ]
    assert any(messages.DISCLAIMER in b["elements"][0]["text"] for b in _elements(blocks, "context"))
    actions = blocks[-1]
    assert [e["action_id"] for e in actions["elements"]] == [ACTION_UP, ACTION_DOWN, ACTION_ESCALATE]
    assert actions["elements"][0]["value"] == answer.answer_id
    assert json.loads(actions["elements"][2]["value"]) == {"a": answer.answer_id, "q": "外部依存性とは？"}


def test_escalation_button_value_stays_within_slack_limit() -> None:
    blocks = answer_blocks(_answer(), "長い質問" * 1000)
    assert len(blocks[-1]["elements"][2]["value"]) <= 2000


def test_refusal_has_no_sources_but_keeps_the_escalation_button() -> None:
    refusal = Answer(text=messages.REFUSE_OUT_OF_SCOPE, refused=True)
    blocks = answer_blocks(refusal, "天気は？")
    assert not any("出典" in b["elements"][0]["text"] for b in _elements(blocks, "context"))
    assert blocks[-1]["elements"][2]["action_id"] == ACTION_ESCALATE
    assert answer_fallback(refusal) == messages.REFUSE_OUT_OF_SCOPE


def test_long_text_is_split_into_sections_under_the_limit() -> None:
    text = "\n".join("あ" * 1000 for _ in range(7)) + "\n" + "い" * 7000
    parts = sections(text)
    assert all(len(p["text"]["text"]) <= SECTION_LIMIT for p in parts)
    assert "".join(p["text"]["text"].replace("\n", "") for p in parts) == text.replace("\n", "")


def test_strip_sources_keeps_text_without_a_sources_list() -> None:
    assert strip_sources("本文のみ。\n") == "本文のみ。"
    assert strip_sources(ANSWER_TEXT).endswith("相談は無料 [2]")
    assert strip_sources("本文 [1]\n\n**出典：**\n[1] 資料") == "本文 [1]"
    assert strip_sources("出典が示すとおり") == "出典が示すとおり"


@dataclass
class Item:
    label: str
    status: str
    evidence: list[str] = field(default_factory=list)
    rule: str = ""
    section: str = ""
    suggestion: str = ""
    kind: str = "requirement"


@dataclass
class Report:
    items: list[Item]
    answer_id: str = "rep-1"
    plan_type_name: str = "地場産業成長プラン"

    def summary(self) -> str:
        return "要件 3 件中: ✅ 1 ⚠️ 1 ❌ 1"


def test_precheck_blocks_mark_each_item_and_suggest_only_for_gaps() -> None:
    report = Report([
        Item("有望度", "met", ["新商品を年5件"], "市場ニーズを特定", "(要件)", "書き足す"),
        Item("外部依存性", "partial", ["共同ブランド"], "過度に依存しないか", "(要件)", "依存先を書く"),
        Item("EBPMメルクマール", "missing", [], "KPIの設定", "(要件)", "KPIを設定する"),
        Item("目標", "met", ["18億円"], "", "", "", kind="content_item"),
    ])
    blocks = plan_blocks("precheck", report, "plan.md")
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert "要件 3 件中" in texts[0] and "地場産業成長プラン" in texts[0]
    met = next(t for t in texts if "有望度" in t)
    partial = next(t for t in texts if "外部依存性" in t)
    missing = next(t for t in texts if "EBPM" in t)
    assert met.startswith("✅") and "提案" not in met
    assert partial.startswith("⚠️") and "提案: 依存先を書く" in partial and "共同ブランド" in partial
    assert missing.startswith("❌") and "KPIを設定する" in missing
    assert "*要件*" in texts and "*記載項目*" in texts
    assert blocks[0]["type"] == "header" and "plan.md" in blocks[0]["text"]["text"]
    assert blocks[-1]["elements"][0]["value"] == "rep-1"
    assert len(blocks) <= 50


def test_precheck_blocks_never_exceed_fifty() -> None:
    report = Report([Item(f"項目{i}", "missing") for i in range(80)])
    blocks = plan_blocks("precheck", report, "plan.md")
    assert len(blocks) <= 50
    assert any("ほか 40 件" in b["elements"][0]["text"] for b in blocks if b["type"] == "context")


@dataclass
class Measure:
    name: str
    url: str = ""


@dataclass
class Match:
    measure: Measure
    score: float
    reasons: list[str]
    caveats: list[str]


@dataclass
class MatchResult:
    results: list[Match]
    answer_id: str = "m-1"


def test_match_blocks_rank_measures_with_reasons_and_caveats() -> None:
    result = MatchResult([
        Match(Measure("よろず支援拠点", "https://yorozu.smrj.go.jp/"), 8.0, ["販路拡大の相談"], ["要確認"]),
        Match(Measure("JETRO <海外展開>"), 5.5, ["輸出"], []),
    ])
    blocks = plan_blocks("match", result, "plan.md")
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert texts[0].startswith("*1. <https://yorozu.smrj.go.jp/|よろず支援拠点>*")
    assert "• 販路拡大の相談" in texts[0] and "⚠️ 要確認" in texts[0]
    assert texts[1].startswith("*2. JETRO &lt;海外展開&gt;*")
