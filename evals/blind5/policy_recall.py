"""R@k over the cases whose evidence is the policy's own wording (the catalog restates the facts sheet in its own words)."""

import json
import re
import sys
import unicodedata
from pathlib import Path

SEED = Path(__file__).resolve().parents[2] / "corpus" / "policy"


def _norm(text: str) -> str:
    """NFKC without whitespace, as evidence and policy text are compared."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def main(report: str) -> None:
    """Print R@1 / R@5 / MRR of an `eval --json` report over the policy-evidence ask cases."""
    policy = _norm("".join(p.read_text(encoding="utf-8") for p in SEED.glob("*.md")))
    ranks = []
    for case in json.loads(Path(report).read_text(encoding="utf-8"))["cases"]:
        d = case["details"]
        if case["task"] != "ask" or d["refuse"] or not d["evidence"]:
            continue
        if all(_norm(e) in policy for e in d["evidence"]):
            ranks.append(d["rank"])
    n = len(ranks)
    r1 = sum(r == 1 for r in ranks) / n
    r5 = sum(bool(r and r <= 5) for r in ranks) / n
    mrr = sum(1 / r for r in ranks if r) / n
    print(f"policy-evidence cases n={n}  R@1={r1:.3f}  R@5={r5:.3f}  MRR={mrr:.3f}")


if __name__ == "__main__":
    main(sys.argv[1])
