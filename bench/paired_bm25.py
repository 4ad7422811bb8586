"""Paired comparison: madoguchi's hybrid retriever against a plain LangChain ``BM25Retriever`` over
500-character chunks with character-bigram preprocessing, on the same answerable questions.

    .venv/bin/python bench/paired_bm25.py [-d evals/datasets/qa.jsonl ...] [--json out.json]

Per question: the reciprocal rank of the first relevant chunk in the top 10 (a chunk is relevant when it holds
every evidence string, as in the eval runner; 0 when none). Prints R@1 and MRR of both, the paired MRR
difference with a bootstrap 95 % CI (10,000 resamples, fixed seed) and wins / ties / losses. Asserts nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402

from bot.answering.conversation import parse_history  # noqa: E402
from bot.desk import Desk  # noqa: E402
from evals.dataset import load  # noqa: E402
from evals.metrics import first_relevant_rank  # noqa: E402
from retrieval.tokenize import bigram_tokens  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEPTH = 10
CHUNK_CHARS = 500


def baseline(desk: Desk) -> object:
    """LangChain BM25Retriever over the same sources, split into 500-character chunks, bigram-tokenized."""
    from langchain_community.retrievers import BM25Retriever
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_CHARS, chunk_overlap=0, separators=["\n\n", "\n", "。", ""])
    texts: list[str] = []
    for doc in desk.corpus.documents:
        texts += splitter.split_text(doc.text)
    texts += [c.text for c in desk.corpus.chunks() if c.kind == "measure"]  # one catalog entry is under 500 chars
    return BM25Retriever.from_texts(texts, preprocess_func=bigram_tokens, k=DEPTH)


def reciprocal(rank: int | None) -> float:
    """1/rank, 0 for a miss."""
    return 1.0 / rank if rank else 0.0


def bootstrap_ci(diffs: list[float], n: int = 10_000, seed: int = 7) -> tuple[float, float]:
    """95 % percentile bootstrap CI of the mean of paired differences."""
    rng = random.Random(seed)
    means = sorted(sum(rng.choice(diffs) for _ in diffs) / len(diffs) for _ in range(n))
    return means[int(0.025 * n)], means[int(0.975 * n) - 1]


def main() -> None:
    """Run both retrievers on the answerable questions and print the paired comparison."""
    parser = argparse.ArgumentParser()
    parser.add_argument("-d", "--dataset", action="append", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    files = args.dataset or sorted((REPO / "evals" / "datasets").glob("qa*.jsonl"))
    cases = [c for c in load(files).ask if not c.refuse and c.evidence]
    desk = Desk()
    bm25 = baseline(desk)
    rows = []
    for case in cases:
        turns = parse_history(list(case.history), desk.settings.max_history_turns, desk.settings.max_question_chars)
        query = desk.follow_up_query(case.question, turns) if case.history else case.question
        ours = first_relevant_rank([h.chunk.text for h in desk.search(query, k=DEPTH)], case.evidence, DEPTH)
        docs = bm25.invoke(query)  # type: ignore[attr-defined]
        theirs = first_relevant_rank([d.page_content for d in docs], case.evidence, DEPTH)
        rows.append({"id": case.id, "ours": reciprocal(ours), "bm25": reciprocal(theirs)})
    diffs = [r["ours"] - r["bm25"] for r in rows]
    low, high = bootstrap_ci(diffs)
    n = len(rows)
    summary = {
        "datasets": [str(f) for f in files],
        "n": n,
        "madoguchi": {"R@1": round(sum(r["ours"] == 1.0 for r in rows) / n, 4), "MRR@10": round(sum(r["ours"] for r in rows) / n, 4)},
        "bm25_500_bigram": {"R@1": round(sum(r["bm25"] == 1.0 for r in rows) / n, 4), "MRR@10": round(sum(r["bm25"] for r in rows) / n, 4)},
        "mrr_diff": round(sum(diffs) / n, 4),
        "ci95": [round(low, 4), round(high, 4)],
        "wins": sum(d > 0 for d in diffs),
        "ties": sum(d == 0 for d in diffs),
        "losses": sum(d < 0 for d in diffs),
    }
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    if args.json:
        args.json.write_text(json.dumps({**summary, "rows": rows}, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
