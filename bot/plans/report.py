"""Rendering plan analysis: the pre-check checklist (Markdown, HTML) and the measure suggestions (Markdown)."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape

from bot import messages
from bot.plans.degree import CONNECTOR_RULE, HUB_RULE, SECTION
from bot.plans.labels import FIELD_LABELS, ICONS, STATUS_JA
from bot.plans.match_result import MatchResult
from bot.plans.precheck import PrecheckReport

POLICY_TITLE = "「戦略産業クラスター計画」及び「地域産業成長プラン」の基本的な考え方(案)"
GROUPS = (("requirement", "要件"), ("content_item", "記載項目"))


def _icons() -> tuple[dict[str, str], dict[str, str]]:
    return ICONS, STATUS_JA


def _md_escape(text: str) -> str:
    """Keep plan text from turning into Markdown structure (headings, lists, HTML)."""
    return text.replace("\\", "\\\\").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def precheck_markdown(report: PrecheckReport) -> str:
    """The checklist as Markdown: type and confidence, summary, then each item with evidence and rule."""
    icons, status_ja = _icons()
    title = report.title or report.source_name or "計画案"
    lines = [f"# 計画の事前チェック: {_md_escape(title)}", "", report.type_note(), ""]
    if report.low_confidence:
        lines += ["> ⚠️ 計画類型の推定の確度が低いため、結果は参考としてご覧ください（`--plan-type` で指定できます）。", ""]
        lines += [f"> 候補: {_choices(report.choices)}", ""] if report.choices else []
    lines += [f"**{report.summary()}**", ""]
    for kind, name in GROUPS:
        items = [i for i in report.items if i.kind == kind]
        if not items:
            continue
        lines += [f"## {name}", ""]
        for item in items:
            lines.append(f"### {icons[item.status]} {item.label} — {status_ja[item.status]}（{item.status}）")
            lines.append("")
            if item.reason:
                lines += [_md_escape(item.reason), ""]
            if item.evidence:
                lines.append("計画の記載:")
                lines += [f"> 「{_md_escape(q)}」" for q in item.evidence]
                lines.append("")
            lines.append(f"政策文書の基準: 「{item.rule}」（{POLICY_TITLE} {item.section}）")
            lines.append("")
            if item.suggestion:
                lines += [f"- 追記の提案: {item.suggestion}", ""]
    if report.degrees:
        lines += ["## コネクター度・ハブ度", ""]
        for degree in report.degrees:
            lines.append(f"### {_md_escape(degree.firm)}")
            lines += [f"- {line}" for line in degree.lines()]
            lines += [f"- ⚠️ {note}" for note in degree.notes]
            lines += [f"> 「{_md_escape(q)}」" for q in degree.evidence]
            lines.append(f"- 式: {CONNECTOR_RULE} ／ {HUB_RULE}（{POLICY_TITLE} {SECTION}）")
            lines.append("")
    lines += ["---", messages.DISCLAIMER, f"answer_id: {report.answer_id}"]
    return "\n".join(lines).rstrip() + "\n"


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(loader=PackageLoader("bot.plans", "templates"), autoescape=select_autoescape(["html"]))


def precheck_html(report: PrecheckReport) -> str:
    """The checklist as one self-contained HTML page (every plan-derived string escaped)."""
    icons, status_ja = _icons()
    groups = [
        {"name": name, "items": [i for i in report.items if i.kind == kind]}
        for kind, name in GROUPS
        if any(i.kind == kind for i in report.items)
    ]
    return _env().get_template("precheck.html").render(
        report=report,
        title=report.title or report.source_name or "計画案",
        type_note=report.type_note(),
        summary=report.summary(),
        groups=groups,
        icons=icons,
        status_ja=status_ja,
        policy_title=POLICY_TITLE,
        connector_rule=CONNECTOR_RULE,
        hub_rule=HUB_RULE,
        degree_section=SECTION,
        disclaimer=messages.DISCLAIMER,
    )


def _choices(choices: list[dict[str, object]]) -> str:
    return " ／ ".join(f"{c['name']}（{c['id']}）" for c in choices)


def match_markdown(result: MatchResult) -> str:
    """The suggested measures as Markdown: each with score, reasons, caveats, 要確認 and sources."""
    lines = [f"# 計画に合う支援施策: {_md_escape(result.title or '計画案')}", "", result.type_note, ""]
    if result.low_confidence and result.choices:
        lines += [f"> ⚠️ 類型が確かでないため、類型向けかどうかは施策の順位に入れていません。候補: {_choices(result.choices)}", ""]
    if result.needs:
        lines += ["計画から読み取ったニーズ: " + "、".join(f"{n.tag}（『{'』『'.join(n.words[:3])}』）" for n in result.needs), ""]
    if result.figures:

        shown = [f"{FIELD_LABELS[fs[0].field]}: " + "、".join(f.shown() for f in fs) for fs in result.figure_groups()]
        lines += ["計画の数値: " + " ／ ".join(shown), ""]
    if not result.results:
        lines += ["計画に合う支援施策を見つけられませんでした。" + messages.WHERE_TO_ASK, ""]
    for rank, r in enumerate(result.results, start=1):
        m = r.measure
        lines += [f"## {rank}. {m.name}（スコア {r.score:.1f}）", ""]
        lines += [f"- {_md_escape(reason)}" for reason in r.reasons]
        if r.caveats:
            lines += ["", "確認が必要な点:"] + [f"- {_md_escape(c)}" for c in r.caveats]
        if r.unverified:
            lines += ["", f"{messages.UNVERIFIED}:"] + [f"- {u}" for u in r.unverified]
        lines += ["", "出典:"]
        for c in r.citations:
            url = f" {c['url']}" if c.get("url") else ""
            when = f"{c['as_of']}時点" if c.get("as_of") else "時点不明"
            lines.append(f"- {c['title']}（{c['section']}）{url}（{when}）")
        lines.append("")
    if result.excluded:
        lines += ["## ニーズには合うが、計画の数値・分野・担い手では対象外の施策", ""]
        for r in result.excluded:
            missed = [c for c in r.caveats if "満たしません" in c]
            lines += [f"- {r.measure.name}: " + " ／ ".join(_md_escape(c) for c in missed)]
        lines.append("")
    if result.promises and not (result.low_confidence and result.choices):
        lines += [f"## 政策文書が{result.plan_type_name}に示していること", ""]
        for section in dict.fromkeys(p["section"] for p in result.promises):
            lines += [f"- 「{p['quote']}」" for p in result.promises if p["section"] == section]
            lines += [f"  （出典: {POLICY_TITLE} {section}）", ""]
    lines += ["---", messages.DISCLAIMER, f"answer_id: {result.answer_id}"]
    return "\n".join(lines).rstrip() + "\n"


def plan_markdown(result: MatchResult | PrecheckReport) -> str:
    """A match result or a pre-check report as Markdown."""
    return match_markdown(result) if isinstance(result, MatchResult) else precheck_markdown(result)
