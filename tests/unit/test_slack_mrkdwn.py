"""Markdown → Slack mrkdwn: what a staff member sees in Slack must read as formatted text, not raw Markdown."""

from __future__ import annotations

from bot.slack.mrkdwn import escape, link, to_mrkdwn, truncate


def test_bold_italic_strike_and_headings() -> None:
    assert to_mrkdwn("**重要** な点") == "*重要* な点"
    assert to_mrkdwn("__重要__") == "*重要*"
    assert to_mrkdwn("これは *強調* です") == "これは _強調_ です"
    assert to_mrkdwn("~~旧制度~~") == "~旧制度~"
    assert to_mrkdwn("## 要件\n本文") == "*要件*\n本文"


def test_lists_become_bullets_and_numbered_lists_stay() -> None:
    md = "- 有望度\n* 実現可能性\n  + 外部依存性\n1. 第一\n2. 第二"
    assert to_mrkdwn(md) == "• 有望度\n• 実現可能性\n  • 外部依存性\n1. 第一\n2. 第二"


def test_links_become_slack_links_and_unsafe_links_lose_their_url() -> None:
    assert to_mrkdwn("[よろず支援拠点](https://yorozu.smrj.go.jp/)") == "<https://yorozu.smrj.go.jp/|よろず支援拠点>"
    assert to_mrkdwn("[押して](javascript:alert(1))") == "押して"
    assert link("https://example.jp/a b", "A|B") == "<https://example.jp/a%20b|A｜B>"


def test_special_characters_are_escaped_outside_and_inside_code() -> None:
    assert to_mrkdwn("売上 < 10億 & 雇用 > 100") == "売上 &lt; 10億 &amp; 雇用 &gt; 100"
    assert to_mrkdwn("<!channel> に通知") == "&lt;!channel&gt; に通知"  # no mass mention from an answer
    assert to_mrkdwn("`a<b` と\n```\nx > y\n```") == "`a&lt;b` と\n```\nx &gt; y\n```"
    assert to_mrkdwn("`**そのまま**`") == "`**そのまま**`"  # code is not formatted
    assert escape("&lt;") == "&amp;lt;"


def test_desk_answer_text_survives_unchanged_apart_from_escaping() -> None:
    text = "資料（(2)地場産業成長プランの概要 > (要件)）には次のとおり記載されています。\n・【外部依存性】過度に依存 [1]"
    assert to_mrkdwn(text) == text.replace(">", "&gt;")


def test_truncate_marks_the_cut() -> None:
    assert truncate("あいうえお", 10) == "あいうえお"
    assert truncate("あいうえお", 3) == "あい…"
