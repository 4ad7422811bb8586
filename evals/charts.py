"""Report charts rendered by matplotlib (Agg) as inline base64 PNG; Japanese labels when a CJK font exists."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from evals.compare import LOWER_IS_BETTER, lookup

CJK_FONT_FILES = (
    Path("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"),
    Path("/usr/share/fonts/truetype/fonts-japanese-gothic.ttf"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)
CJK_FAMILIES = ("IPAGothic", "IPAexGothic", "Noto Sans CJK JP", "Noto Sans JP", "TakaoGothic", "VL Gothic")
CHART_KEYS = (
    "ask.retrieval.recall@1",
    "ask.retrieval.recall@5",
    "ask.retrieval.recall@10",
    "ask.retrieval.mrr@10",
    "ask.answer.fact_recall",
    "ask.answer.citation_validity",
    "ask.answer.refusal_accuracy",
    "ask.answer.false_refusal_rate",
    "match.recall@5",
    "match.mrr",
    "precheck.accuracy",
)
COMPARE_KEYS = ("recall@1", "recall@5", "recall@10", "mrr@10", "fact_recall", "false_refusal_rate")
BLUE, GREY, COLORS = "#2b6cb0", "#a0aec0", ("#2b6cb0", "#dd6b20", "#38a169", "#805ad5", "#d53f8c")


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Register and return a Japanese-capable font family, or None (charts then use ASCII labels)."""
    from matplotlib import font_manager

    for path in CJK_FONT_FILES:
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
            return str(font_manager.FontProperties(fname=str(path)).get_name())
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in installed), None)


@contextmanager
def _style() -> Iterator[None]:
    """Agg backend and the CJK font (when one exists) for everything drawn inside."""
    import matplotlib

    matplotlib.use("Agg")
    font = cjk_font()
    rc: Any = {"font.family": [font, "DejaVu Sans"]} if font else {}
    with matplotlib.rc_context(rc):
        yield


def _png(fig: Any) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight", facecolor="white")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _label(key: str) -> str:
    return key.removeprefix("ask.").replace("retrieval.", "").replace("answer.", "")


def metrics_chart(report: Mapping[str, Any], baseline: Mapping[str, Any] | None = None) -> str | None:
    """Horizontal bars of every measured 0–1 metric (baseline beside it when given), as a data URI."""
    keys = [k for k in CHART_KEYS if isinstance(lookup(report, k), int | float)]
    if not keys:
        return None
    with _style():
        return _draw_metrics(keys, report, baseline, cjk_font() is not None)


def _draw_metrics(keys: Sequence[str], report: Mapping[str, Any], baseline: Mapping[str, Any] | None, japanese: bool) -> str:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8.5, 0.45 * len(keys) + 1.4), dpi=110)
    ax = fig.add_subplot()
    rows = list(range(len(keys)))[::-1]
    height = 0.38 if baseline else 0.6
    current = [float(lookup(report, k)) for k in keys]
    bars = ax.barh([r + (height / 2 if baseline else 0) for r in rows], current, height=height, color=BLUE,
                   label="今回" if japanese else "current")
    if baseline:
        before = [float(lookup(baseline, k) or 0.0) for k in keys]
        ax.barh([r - height / 2 for r in rows], before, height=height, color=GREY, label="ベースライン" if japanese else "baseline")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=2, fontsize=8, frameon=False)
    for bar, value in zip(bars, current, strict=True):
        ax.text(min(value + 0.01, 1.02), bar.get_y() + bar.get_height() / 2, f"{value:.3f}", va="center", fontsize=8)
    names = [_label(k) + (" ↓" if k in LOWER_IS_BETTER else "") for k in keys]
    ax.set_yticks(rows, names, fontsize=9)
    ax.set_xlim(0, 1.1)
    ax.grid(axis="x", alpha=0.3)
    ax.set_title("指標（高いほど良い。↓ は低いほど良い）" if japanese else "Metrics (higher is better; ↓ lower is better)", fontsize=11)
    return _png(fig)


def retrievers_chart(retrievers: Mapping[str, Mapping[str, Any]], keys: Sequence[str] = COMPARE_KEYS) -> str | None:
    """Grouped bars: one group per metric, one bar per retriever, as a data URI."""
    if not retrievers:
        return None
    with _style():
        return _draw_retrievers(retrievers, keys, cjk_font() is not None)


def _draw_retrievers(retrievers: Mapping[str, Mapping[str, Any]], keys: Sequence[str], japanese: bool) -> str:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 4.2), dpi=110)
    ax = fig.add_subplot()
    names = list(retrievers)
    width = 0.8 / len(names)
    for i, name in enumerate(names):
        block = retrievers[name]
        values = [float(ask_value(block, k) or 0.0) for k in keys]
        xs = [j + (i - (len(names) - 1) / 2) * width for j in range(len(keys))]
        ax.bar(xs, values, width=width, label=name, color=COLORS[i % len(COLORS)])
    ax.set_xticks(range(len(keys)), [k + (" ↓" if k == "false_refusal_rate" else "") for k in keys], fontsize=9, rotation=15)
    ax.set_ylim(0, 1.05)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, ncol=len(names))
    ax.set_title("検索方式の比較（ask）" if japanese else "Retriever comparison (ask)", fontsize=11)
    return _png(fig)


def ask_value(block: Mapping[str, Any], key: str) -> Any:
    """A metric of an ask block by its bare name (``recall@5``, ``fact_recall``, ``p50``)."""
    for group in ("retrieval", "answer", "latency_ms"):
        if key in (block.get(group) or {}):
            return block[group][key]
    return None
