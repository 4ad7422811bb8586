"""Optional LLM judge: faithfulness and answer relevancy, prompted in Japanese; reported, never gated."""

from __future__ import annotations

import json
import re
import string
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot.config import Settings
from evals.dataset import AskCase
from evals.targets import AskRun
from retrieval.errors import Code, DeskError

PROMPTS = Path(__file__).resolve().parent / "templates" / "judge.toml"
ASPECTS = ("faithfulness", "answer_relevancy")
MAX_CONTEXT_CHARS = 6000
_JSON_OBJECT = re.compile(r"\{.*\}", re.DOTALL)


def load_prompts(path: Path = PROMPTS) -> dict[str, dict[str, str]]:
    """The judge prompts (one system and one user template per aspect)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {aspect: {"system": data[aspect]["system"].strip(), "user": data[aspect]["user"].strip()} for aspect in ASPECTS}


def fill(template: str, **fields: str) -> str:
    """Fill a prompt template; a field the template names but the caller did not give is an error."""
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    missing = names - fields.keys()
    if missing:
        raise KeyError(f"prompt template needs {sorted(missing)}")
    return template.format(**{k: v for k, v in fields.items() if k in names})


def parse_score(text: str) -> tuple[float, str]:
    """Score (clipped to 0–1) and reason from the judge's JSON reply; ``ValueError`` when unreadable."""
    found = _JSON_OBJECT.search(text or "")
    if not found:
        raise ValueError(f"judge reply is not JSON: {text[:80]!r}")
    data = json.loads(found.group(0))
    score = float(data["score"])
    return max(0.0, min(1.0, score)), str(data.get("reason", ""))


def context_of(run: AskRun) -> str:
    """The retrieved chunks the answer was composed from, numbered, capped in length."""
    parts = [f"[{i}] {h.text}" for i, h in enumerate(run.answer_hits, start=1)]
    return "\n\n".join(parts)[:MAX_CONTEXT_CHARS]


class Judge:
    """Scores answers with an OpenAI-compatible chat model (``settings.llm_base_url`` + ``llm_model``)."""

    def __init__(self, settings: Settings, client: Any = None) -> None:
        if not settings.llm_enabled:
            raise DeskError(
                Code.CONFIG, "--judge には LLM の接続先が必要です。",
                "MADOGUCHI_LLM_BASE_URL と MADOGUCHI_LLM_MODEL を設定してください。",
            )
        if client is None:
            from openai import OpenAI

            client = OpenAI(
                base_url=settings.llm_base_url, api_key=settings.llm_api_key or "not-needed",
                timeout=settings.llm_timeout, max_retries=1,
            )
        self.client = client
        self.model = str(settings.llm_model)
        self.prompts = load_prompts()

    def score(self, aspect: str, **fields: str) -> tuple[float, str]:
        """Ask the model for one aspect's score of one answer."""
        prompt = self.prompts[aspect]
        reply = self.client.chat.completions.create(
            model=self.model,
            temperature=0,
            max_tokens=300,
            messages=[{"role": "system", "content": prompt["system"]}, {"role": "user", "content": fill(prompt["user"], **fields)}],
        )
        return parse_score(reply.choices[0].message.content or "")

    def score_all(
        self, cases: Sequence[AskCase], runs: Sequence[AskRun], entries: Sequence[dict[str, Any]], tick: Callable[[str], None]
    ) -> dict[str, Any]:
        """Score every answered case; store per-case scores in the entries and return the means."""
        totals: dict[str, list[float]] = {aspect: [] for aspect in ASPECTS}
        errors = 0
        for case, run, entry in zip(cases, runs, entries, strict=True):
            if case.refuse or run.refused or run.error or not run.answer:
                tick("judge")
                continue
            fields = {"question": case.question, "answer": run.answer, "context": context_of(run)}
            scores: dict[str, Any] = {}
            for aspect in ASPECTS:
                try:
                    value, reason = self.score(aspect, **fields)
                except Exception as exc:  # the judge is optional: a bad reply is counted, not fatal
                    errors += 1
                    scores[aspect] = None
                    scores[f"{aspect}_error"] = f"{type(exc).__name__}: {str(exc)[:200]}"
                    continue
                totals[aspect].append(value)
                scores[aspect] = round(value, 4)
                scores[f"{aspect}_reason"] = reason
            entry["details"]["judge"] = scores
            tick("judge")
        means = {a: (round(sum(v) / len(v), 4) if v else None) for a, v in totals.items()}
        return {**means, "n": max(len(v) for v in totals.values()), "errors": errors, "model": self.model}
