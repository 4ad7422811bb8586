"""Audit-log benchmark: what recording an answer costs the request's own thread, and how many commits the
writer thread makes per answer, on real answers of the desk (the 113 evaluation questions, shipped corpus).

    .venv-runtime/bin/python bench/audit.py [--rounds 20] [--gap-ms 14]

``--gap-ms`` spaces the answers as one client would at c = 1 (the writer then sees them one by one). Prints a
table; asserts nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from bench.harness import install_note, pct, questions  # noqa: E402
from bot.audit.log import AuditLog  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.desk import Desk  # noqa: E402
from bot.events import DeskEvent  # noqa: E402
from retrieval.embed import get_embedder  # noqa: E402
from retrieval.ingest import ingest  # noqa: E402
from retrieval.store import Store  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def answered_events(workdir: Path) -> tuple[Settings, list[DeskEvent]]:
    """The events the desk emits for the evaluation questions (shipped corpus, extractive answers)."""
    corpus = workdir / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    settings = Settings(data_dir=workdir / "data", corpus_dir=corpus, cache_size=0, _env_file=None)  # type: ignore[call-arg]
    ingest(Store(path=settings.chroma_dir), settings.index_dir, corpus, get_embedder(settings.embedder, threads=1))
    desk = Desk(settings)
    events: list[DeskEvent] = []
    desk.listeners.append(events.append)
    for question in questions():
        desk.ask(question)
    return settings, events


def measure(settings: Settings, events: list[DeskEvent], rounds: int, gap: float) -> dict[str, float]:
    """Listener milliseconds on the calling thread (p50 / p95), commits per answer, writer seconds per answer."""
    audit = AuditLog(settings)
    commits = 0
    write = audit.store.write

    def counted(rows: list[object]) -> None:
        nonlocal commits
        commits += 1
        write(rows)  # type: ignore[arg-type]

    audit.store.write = counted  # type: ignore[method-assign,assignment]
    audit.listener(events[0])
    audit.flush()
    commits = 0
    times: list[float] = []
    n = 0
    for r in range(rounds):
        for e in events:
            event = DeskEvent(**{**e.__dict__, "answer_id": f"{e.answer_id[:40]}-{r}"})
            start = time.perf_counter()
            audit.listener(event)
            times.append((time.perf_counter() - start) * 1000)
            n += 1
            if gap:
                time.sleep(gap)
    assert audit.flush(60)
    stored = audit.count_answers() - 1
    audit.close()
    return {"p50": pct(times, 50), "p95": pct(times, 95), "commits": commits / n, "answers": n, "stored": stored}


def main() -> None:
    """Build the shipped index, collect real answer events, and time the audit log on them."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--gap-ms", type=float, default=14.0)
    args = parser.parse_args()
    console = Console(width=150)
    with tempfile.TemporaryDirectory() as tmp:
        settings, events = answered_events(Path(tmp))
        load = os.getloadavg()[0]
        fig = measure(settings, events, args.rounds, args.gap_ms / 1000)
    table = Table(title=f"Audit log, {fig['answers']:.0f} answers {args.gap_ms:g} ms apart; load average "
                        f"{load:.2f} → {os.getloadavg()[0]:.2f}")
    for col in ("listener on the request thread p50 (ms)", "p95 (ms)", "commits per answer", "answers stored"):
        table.add_column(col)
    table.add_row(f"{fig['p50']:.3f}", f"{fig['p95']:.3f}", f"{fig['commits']:.2f}", f"{fig['stored']:.0f}")
    console.print(table)
    console.print(install_note())


if __name__ == "__main__":
    main()
