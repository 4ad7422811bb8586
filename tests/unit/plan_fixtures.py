"""Fixtures and helpers shared by the plan-analysis unit tests (a desk over the shipped corpus, its vocabulary)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import pytest

from bot.config import Settings
from bot.desk import Desk
from bot.plans import PrecheckReport, plan_terms
from bot.plans.terms import Sentence, norm

REPO = Path(__file__).resolve().parent.parent.parent
CORPUS = REPO / "corpus"


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Desk:
    """A desk over the shipped corpus; pre-check reads the catalogs, not the search index."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), corpus_dir=CORPUS, _env_file=None)  # type: ignore[call-arg]
    return Desk(settings)


@pytest.fixture(scope="module")
def vocab() -> dict[str, Any]:
    """The shipped plan-analysis vocabulary."""
    return plan_terms(CORPUS)


def sentence(text: str) -> Sentence:
    """One plan sentence as the reader sees it."""
    return Sentence(text=text, norm=norm(text), index=0)


def item(report: PrecheckReport, label: str) -> Any:
    """The requirement item with ``label``."""
    return next(i for i in report.items if i.label == label and i.kind == "requirement")


class Verdict(Protocol):
    """Pre-check a plan as the given plan type and return the requirement item with ``label``."""

    def __call__(self, plan: str, plan_type: str, label: str) -> Any: ...


@pytest.fixture(scope="module")
def verdict(desk: Desk) -> Verdict:
    """The arrange step every reader test shares: pre-check ``plan`` as ``plan_type`` and take one requirement's item."""

    def judge(plan: str, plan_type: str, label: str) -> Any:
        return item(desk.precheck(plan, plan_type), label)

    return judge


SECTIONS = {"local_industry": "3. 地場産業支援", "regional_cluster": "2. 地域産業クラスター"}


def score_in(measure_id: str, text: str, vocab: dict[str, Any], plan_type: str = "local_industry") -> Any:
    """``score_measure`` of one catalog measure for a plan text of ``plan_type`` (no retrieval ranks)."""
    from bot.plans.match import score_measure
    from bot.plans.needs import detect_applicants, detect_figures, detect_needs
    from bot.plans.terms import split_sentences
    from retrieval.corpus import load_corpus

    measure = next(m for m in load_corpus(CORPUS).measures if m.id == measure_id)
    sentences = split_sentences(text)
    figures = detect_figures(sentences, vocab)
    return score_measure(
        measure, plan_type=plan_type, plan_section=SECTIONS[plan_type], needs=detect_needs(sentences, vocab),
        applicants=detect_applicants(sentences, vocab, figures), figures=figures, ranks=[], plan_norm=norm(text),
        vocab=vocab, policy=("政策文書", ""), sentences=sentences,
    )
