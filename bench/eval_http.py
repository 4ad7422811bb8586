"""Evaluator figures over HTTP vs. in-process on a desk with default settings (30/minute per IP).

Runs the shipped suites three ways and prints one row each: in-process; over HTTP with the evaluator key
(``MADOGUCHI_EVAL_API_KEY``, its own quota); over HTTP without it and without waiting (``max_wait=0``), where
the 429s become errors. Needs an index (``madoguchi ingest``). Usage: ``python -m bench.eval_http`` from the
repository root (run as a module: ``bench/http.py`` would shadow the standard library's ``http``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

KEY = "bench-evaluator-key"


def row(label: str, report: dict[str, Any]) -> str:
    """One table row of the figures an evaluator reads."""
    ask = report["ask"]
    errors = sum(int(report[b].get("errors") or 0) for b in ("ask", "match", "precheck"))
    return (f"| {label} | {ask['retrieval']['recall@5']} | {ask['answer']['fact_recall']} | "
            f"{ask['answer']['refusal_accuracy']} | {report['match']['recall@5']} | {report['precheck']['accuracy']} | {errors} |")


def main() -> None:
    """Run the three evaluations and print the table."""
    from bot.config import get_settings
    from bot.desk import Desk
    from bot.web.app import create_app
    from bot.web.server import serve_in_thread
    from evals import runner
    from evals.dataset import load
    from evals.targets import DeskTarget, HttpTarget

    suite = load(sorted((REPO / "evals" / "datasets").glob("*.jsonl")))
    settings = get_settings().model_copy(update={"rate_limit": "30/minute", "eval_api_key": KEY})
    desk = Desk(settings)
    desk.ready()
    lines = ["| run | recall@5 | fact_recall | refusal_accuracy | match recall@5 | precheck accuracy | errors |",
             "|---|---|---|---|---|---|---|"]
    lines.append(row("in-process", runner.run(DeskTarget(desk), suite)))
    with serve_in_thread(create_app(settings, desk)) as url:
        keyed = HttpTarget(url, corpus=lambda: desk.corpus, api_key=KEY)
        lines.append(row("HTTP, evaluator key", runner.run(keyed, suite)) + f" (429s: {keyed.stats.throttled})")
        public = HttpTarget(url, corpus=lambda: desk.corpus, max_wait=0)
        lines.append(row("HTTP, no key, no wait", runner.run(public, suite)) + f" (429s: {public.stats.throttled})")
    print(f"{len(suite.ask)} ask, {len(suite.match)} match, {len(suite.precheck)} precheck cases; public limit 30/minute")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
