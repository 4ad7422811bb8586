"""The usage report as one self-contained HTML page with charts (matplotlib Agg, inline SVG data URIs)."""

from __future__ import annotations

import base64
import io
import logging
from datetime import date
from pathlib import Path
from typing import Any

from bot.audit.usage_report import UsageReport

log = logging.getLogger("madoguchi.report")
TEMPLATE = Path(__file__).resolve().parent / "usage_report.html"
JAPANESE_FONTS = (
    Path("/usr/share/fonts/opentype/ipafont-gothic/ipagp.ttf"),  # proportional IPA P Gothic reads better
    Path("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"),
    Path("/usr/share/fonts/truetype/fonts-japanese-gothic.ttf"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)
PALETTE = ("#2563eb", "#16a34a", "#f59e0b", "#db2777", "#7c3aed", "#0891b2", "#64748b", "#dc2626")


def _font_family() -> list[str]:
    """Register the first Japanese font found and return the family list to use (DejaVu as fallback)."""
    from matplotlib import font_manager

    for path in JAPANESE_FONTS:
        if path.is_file():
            try:
                font_manager.fontManager.addfont(str(path))
                return [font_manager.FontProperties(fname=str(path)).get_name(), "DejaVu Sans"]
            except Exception as exc:  # a broken font file must not stop the report
                log.warning("font %s not usable: %s", path, exc)
    log.warning("no Japanese font found; chart labels may show boxes (apt-get install fonts-ipafont-gothic)")
    return ["DejaVu Sans"]


def _svg(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _label(day: date) -> str:
    return f"{day.month}/{day.day}"


def _ticks(ax: Any, days: list[date]) -> None:
    step = max(1, len(days) // 12)
    ticks = list(range(len(days) - 1, -1, -step))[::-1]  # the last day is always labelled
    ax.set_xticks(ticks)
    ax.set_xticklabels([_label(days[i]) for i in ticks], rotation=0, fontsize=8)


def charts(report: UsageReport) -> dict[str, str]:
    """The report's charts as ``data:`` URIs: questions per day by channel, refusal rate per day."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    days = list(report.per_day)
    out: dict[str, str] = {}
    with matplotlib.rc_context({"font.family": _font_family(), "svg.hashsalt": "madoguchi", "axes.spines.top": False,
                                "axes.spines.right": False}):
        fig = Figure(figsize=(9, 3.2), dpi=100)
        ax = fig.subplots()
        bottom = [0] * len(days)
        for i, channel in enumerate(report.channels):
            values = [report.per_day[d].get(channel, 0) for d in days]
            ax.bar(range(len(days)), values, bottom=bottom, label=channel, color=PALETTE[i % len(PALETTE)], width=0.8)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        ax.set_title("日別・チャネル別の質問数")
        ax.set_ylabel("件数")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        _ticks(ax, days)
        if report.channels:
            ax.legend(loc="upper left", fontsize=8, frameon=False, ncols=min(6, len(report.channels)))
        out["per_day"] = _svg(fig)

        fig = Figure(figsize=(9, 2.8), dpi=100)
        ax = fig.subplots()
        points = [(i, r / n * 100) for i, (r, n) in enumerate(report.refused_per_day.values()) if n]
        ax.plot([x for x, _ in points], [y for _, y in points], marker="o", color="#dc2626", linewidth=1.5, markersize=4)
        ax.set_ylim(0, 100)
        ax.set_title("日別の回答辞退率（質問に対する割合）")
        ax.set_ylabel("%")
        _ticks(ax, days)
        ax.grid(axis="y", alpha=0.3)
        out["refusals"] = _svg(fig)
    return out


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def render_html(report: UsageReport, title: str = "madoguchi 利用状況レポート") -> str:
    """The whole report as one HTML page (no external files; user text is escaped)."""
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["pct"] = _pct
    template = env.from_string(TEMPLATE.read_text(encoding="utf-8"))
    return template.render(title=title, r=report, charts=charts(report), days=list(report.per_day))


def write_html(report: UsageReport, path: Path) -> Path:
    """Write the HTML report to ``path`` (parents created) and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report), encoding="utf-8")
    return path
