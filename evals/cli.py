"""``madoguchi eval``: run eval suites on the desk (or a running desk over HTTP), write reports, gate on floors."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bot.cli.kit import err_console, handle_errors, settings
from evals import compare, runner
from evals.dataset import DatasetError, Suite, load
from retrieval.errors import Code, DeskError
from retrieval.search import MODES

SHIPPED = Path(__file__).resolve().parent / "datasets"
THRESHOLDS = Path(__file__).resolve().parent / "thresholds.toml"
COMPARE_COLUMNS = ("recall@1", "recall@5", "recall@10", "mrr@10", "fact_recall", "citation_validity",
                   "refusal_accuracy", "false_refusal_rate", "p50")
WORST_SHOWN = 15
ERRORS_EXIT = 4  # some cases errored: the figures are incomplete


def _fmt(value: Any, key: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and any(t in key for t in ("latency", "p50", "p95")):
        return f"{value:.1f}"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain Markdown table (copy-paste friendly, no terminal width games)."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(_fmt(v, f"{row[0]} {h}") for h, v in zip(headers, row, strict=True)) + " |"
              for row in rows]
    return "\n".join(lines)


def summary_table(report: Mapping[str, Any]) -> str:
    """Every count and metric of a report, one row each."""
    return markdown_table(["metric", "value"], [(k, compare.lookup(report, k)) for k in (*compare.COUNT_KEYS, *compare.METRIC_KEYS)])


def indexed_table(report: Mapping[str, Any]) -> str:
    """Retrieval over the cases whose evidence is in the indexed text (all questions, Japanese ones); '' without it."""
    rows = runner.indexed_rows(report)
    return markdown_table(["questions", *runner.INDEXED_COLUMNS], rows) if rows else ""


def retrievers_table(retrievers: Mapping[str, Mapping[str, Any]]) -> str:
    """One row per retriever variant with the ask metrics."""
    from evals.charts import ask_value

    rows = [[name, *(ask_value(block, c) for c in COMPARE_COLUMNS)] for name, block in retrievers.items()]
    return markdown_table(["retriever", *COMPARE_COLUMNS[:-1], "p50"], rows)


def diff_text(delta: Mapping[str, Any]) -> str:
    """The baseline diff: per-metric table, then the flipped cases."""
    rows = [
        (r["metric"], r["baseline"], r["current"],
         "" if r["delta"] is None else f"{r['delta']:+.4f}" + (" ↑" if r["better"] else " ↓" if r["better"] is False else ""))
        for r in delta["metrics"]
    ]
    out = [markdown_table(["metric", "baseline", "current", "delta"], rows)]
    if delta["flipped"]:
        out.append("合否が変わったケース:")
        out += [f"  {f['id']} ({f['task']}): {'合格' if f['baseline'] else '不合格'} → {'合格' if f['current'] else '不合格'}"
                for f in delta["flipped"]]
    else:
        out.append("合否が変わったケースはありません。")
    if delta["new_cases"]:
        out.append(f"新しいケース: {', '.join(delta['new_cases'])}")
    if delta["removed_cases"]:
        out.append(f"なくなったケース: {', '.join(delta['removed_cases'])}")
    return "\n".join(out)


def failing_text(report: Mapping[str, Any], limit: int = WORST_SHOWN) -> str:
    """The failing cases, worst first (retrieval misses, then refusals, then missing facts)."""
    order = ["error", "retrieval_miss", "not_refused", "refused", "measures_missing", "status_mismatch", "missing_facts",
             "invalid_citations"]
    failing = [c for c in report.get("cases", []) if c.get("passed") is False]
    failing.sort(key=lambda c: min((order.index(r) for r in c["details"].get("reasons", []) if r in order), default=len(order)))
    lines = [f"不合格 {len(failing)} 件" + (f"（上位 {limit} 件）:" if len(failing) > limit else ":")] if failing else []
    for case in failing[:limit]:
        d = case["details"]
        why = ", ".join(runner.REASONS_JA.get(r, r) for r in d.get("reasons", []))
        extra = ""
        if d.get("error"):
            extra = f" {d['error']}"
        elif case["task"] == "ask":
            missing = [f for f, ok in d.get("facts", {}).items() if not ok]
            extra = f" 順位={d.get('rank') or '—'}" + (f" 未検出={missing}" if missing else "")
        elif case["task"] == "match":
            extra = " " + ", ".join(p for p, rank in (d.get("expected") or {}).items() if rank is None)
        elif d.get("mismatches"):
            extra = " " + ", ".join(f"{k}: {v['expected']}→{v['actual']}" for k, v in d["mismatches"].items())
        lines.append(f"  {case['id']}: {why}{extra}")
    return "\n".join(lines)


def _load_suite(paths: Sequence[Path]) -> Suite:
    try:
        suite = load(paths)
    except DatasetError as exc:
        for problem in exc.problems:
            err_console.print(problem, highlight=False, markup=False, soft_wrap=True)
        err_console.print(f"データセットに {len(exc.problems)} 件の問題があります。", highlight=False)
        raise typer.Exit(2) from None
    for warning in suite.warnings:
        err_console.print(f"注意: {warning}", highlight=False, markup=False, soft_wrap=True)
    return suite


def _target(endpoint: str | None, api_key: str | None = None, max_retries: int = 5, max_wait: float = 120.0) -> Any:
    from evals.targets import DeskTarget, HttpTarget

    if endpoint:
        if not endpoint.startswith(("http://", "https://")):
            raise DeskError(Code.INVALID_INPUT, f"--endpoint は http:// または https:// で始まる URL です: {endpoint}")

        def corpus() -> Any:
            from retrieval.corpus import load_corpus

            return load_corpus(settings().corpus_dir)

        return HttpTarget(endpoint, corpus=corpus, api_key=api_key, max_retries=max_retries, max_wait=max_wait)
    from bot.desk import Desk

    desk = Desk()
    desk.ready()
    return DeskTarget(desk)


def _write_json(path: Path, report: Mapping[str, Any]) -> None:
    text = json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n"
    if str(path) == "-":
        sys.stdout.write(text)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def eval_command(
    dataset: Annotated[list[Path] | None, typer.Option("--dataset", "-d", help="評価データ（JSONL）。複数可。既定: 同梱の evals/datasets/*.jsonl")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="JSON レポートの出力先（- で標準出力）")] = None,
    html_out: Annotated[Path | None, typer.Option("--html", help="HTML レポートの出力先")] = None,
    retriever: Annotated[str, typer.Option("--retriever", help="hybrid | bm25 | bigram | dense")] = "hybrid",
    compare_retrievers: Annotated[bool, typer.Option("--compare-retrievers", help="すべての検索方式で ask を実行して比較する")] = False,
    baseline: Annotated[Path | None, typer.Option("--baseline", help="比較する以前の JSON レポート")] = None,
    fail_under: Annotated[list[str] | None, typer.Option("--fail-under", help="KEY=VALUE: 指標が下回ったら終了コード 1（例 recall@5=0.95）")] = None,
    thresholds: Annotated[Path | None, typer.Option("--thresholds", help="下限・上限を書いた TOML（例 evals/thresholds.toml）")] = None,
    endpoint: Annotated[str | None, typer.Option("--endpoint", help="起動中の窓口の URL（例 http://127.0.0.1:8000）")] = None,
    judge: Annotated[bool, typer.Option("--judge", help="LLM による faithfulness / answer relevancy も測る（参考値）")] = False,
    api_key: Annotated[str | None, typer.Option("--api-key", envvar="MADOGUCHI_EVAL_API_KEY",
                                                help="評価者キー（X-API-Key で送信。窓口の MADOGUCHI_EVAL_API_KEY と同じ値で専用の上限になる）")] = None,
    max_retries: Annotated[int, typer.Option("--max-retries", min=0, help="429 を受けたときの再試行回数（Retry-After に従って待つ）")] = 5,
    max_wait: Annotated[float, typer.Option("--max-wait", min=0, help="1 回に待つ最長秒数。Retry-After がこれより長ければエラーにする")] = 120.0,
) -> None:
    """評価データで窓口を評価し、検索・回答・施策提案・事前チェックの指標を出す。

    エラー（429 の再試行切れ、接続失敗など）になったケースは不合格ではなくエラーとして数え、指標から除き、
    1 件でもあれば終了コード 4 で終わる。--fail-under / --thresholds を下回ると終了コード 1。
    """
    if retriever not in MODES:
        raise DeskError(Code.INVALID_INPUT, f"--retriever は {' / '.join(MODES)} のいずれかです。")
    if endpoint and (compare_retrievers or retriever != "hybrid"):
        raise DeskError(Code.INVALID_INPUT, "--endpoint では検索方式を選べません（--retriever / --compare-retrievers は使えません）。")
    paths = list(dataset or sorted(SHIPPED.glob("*.jsonl")))
    suite = _load_suite(paths)
    limits = compare.parse_fail_under(fail_under or [])
    for key, _ in limits:
        compare.check_known(key)
    if thresholds is not None:
        limits += compare.load_thresholds(thresholds)
    base = compare.load_report(baseline) if baseline else None
    target = _target(endpoint, api_key, max_retries, max_wait)
    scorer = None
    if judge:
        from evals.judge import Judge

        scorer = Judge(settings())
    variants = MODES if compare_retrievers else ()
    with Progress(
        TextColumn("[bold]評価中[/] {task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err_console, transient=True,
    ) as bar:
        task = bar.add_task("", total=runner.total_steps(suite, variants, retriever, judge))
        report = runner.run(target, suite, mode=retriever, compare=variants, judge=scorer,
                            tick=lambda kind: bar.update(task, advance=1, description=kind))
    delta = compare.diff(base, report) if base else None
    if delta:
        report["baseline"] = {"path": str(baseline), **delta}
    if json_out:
        _write_json(json_out, report)
    if html_out:
        from evals.report_html import write

        write(html_out, report, base, delta)
    out = sys.stderr if json_out is not None and str(json_out) == "-" else sys.stdout
    print(summary_table(report), file=out)
    indexed = indexed_table(report)
    if indexed:
        print("\n根拠が索引にあるケースだけの検索指標（left_out: 根拠がどのチャンクにもなく除いた件数）:\n" + indexed, file=out)
    if report.get("retrievers"):
        print("\n検索方式の比較（ask）:\n" + retrievers_table(report["retrievers"]), file=out)
    if delta:
        print(f"\nベースライン {baseline} との差:\n" + diff_text(delta), file=out)
    worst = failing_text(report)
    if worst:
        print("\n" + worst, file=out)
    for block in ("match", "precheck"):
        if report[block].get("supported") is False:
            print(f"\n{block}: {report[block]['reason']}", file=out)
    errors = errors_text(report, getattr(target, "stats", None))
    if errors:
        print("\n" + errors, file=out)
    failures = compare.check_limits(report, limits)
    for failure in failures:
        err_console.print(f"[bold red]基準未達:[/] {failure}", highlight=False)
    if error_count(report):
        err_console.print("[bold red]エラーになったケースがあります。[/] 指標はそれらを除いて計算しました（信頼できません）。",
                          highlight=False)
        raise typer.Exit(ERRORS_EXIT)
    if failures:
        raise typer.Exit(1)


def error_count(report: Mapping[str, Any]) -> int:
    """Cases that errored (not scored) across the ask, match and pre-check blocks."""
    return sum(int(report.get(block, {}).get("errors") or 0) for block in ("ask", "match", "precheck"))


def errors_text(report: Mapping[str, Any], stats: Any = None) -> str:
    """What went wrong talking to the desk: errored cases (by message) and the 429s seen; empty when nothing did."""
    count = error_count(report)
    lines: list[str] = []
    throttled = getattr(stats, "throttled", 0)
    if throttled:
        lines.append(f"429（回数制限）を {throttled} 回受け、{stats.retries} 回再試行しました（待機 {stats.waited:.0f} 秒）。")
    if count:
        messages: dict[str, int] = {}
        for case in report.get("cases", []):
            message = case.get("details", {}).get("error")
            if message:
                message = re.sub(r"\d+秒", "N秒", message)  # one line per kind of error, not per wait time
                messages[message] = messages.get(message, 0) + 1
        lines.append(f"エラー {count} 件（指標から除外）:")
        lines += [f"  {n} 件: {message}" for message, n in sorted(messages.items(), key=lambda kv: -kv[1])]
        if throttled:
            lines.append("  → 評価者キー（--api-key / MADOGUCHI_EVAL_API_KEY）を使うか、--max-retries / --max-wait を増やしてください。")
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    """Add the ``eval`` command to the madoguchi CLI."""
    app.command("eval", short_help="評価データで窓口を評価する")(handle_errors(eval_command))
