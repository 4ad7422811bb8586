"""What the question asks moves ranking: a passage stating the kind of fact asked, or under the section kind named."""

from __future__ import annotations

from retrieval.questions import SectionKind
from retrieval.structure import ANSWERS_ASKED, IN_ASKED_SECTION, asked_factor, shapes
from retrieval.types import Chunk

DATE_ANSWERS = [r"[0-9]+年|[0-9]+月|頃|公表(を踏まえ|の?後)"]
SCHEDULE = SectionKind(id="schedule", headings=[r"^[(（]スケジュール[)）]$"], names=["スケジュール|日程"])


def _policy(section: str, body: str, n: int) -> Chunk:
    return Chunk(id=f"p{n}", doc_id="d", kind="policy", title="t", section=section, text=f"{section}\n{body}", body=body)


CHUNKS = [
    _policy("1. 補助制度 > (枠組み)", "市は、申請を受け付けて内容を確認する。", 0),
    _policy("1. 補助制度 > (枠組み)", "市は、審査結果の公表後に交付決定を行う。", 1),
    _policy("1. 補助制度 > (スケジュール)", "受付は随時行う。", 2),
    Chunk(id="measure:x", doc_id="support_measures", kind="measure", title="補助制度", section="カタログ > 補助制度",
          text="補助制度 / 補助(市)\n締切: 2027年3月", body="締切: 2027年3月"),
]


def test_a_passage_stating_the_asked_kind_of_fact_leads_its_sibling() -> None:
    sibling, timed, *_ = shapes(CHUNKS)
    assert asked_factor(timed, DATE_ANSWERS, None) == ANSWERS_ASKED
    assert asked_factor(sibling, DATE_ANSWERS, None) == 1.0


def test_a_passage_under_the_named_section_kind_leads() -> None:
    framework, _, schedule, _ = shapes(CHUNKS)
    assert asked_factor(schedule, [], SCHEDULE) == IN_ASKED_SECTION
    assert asked_factor(framework, [], SCHEDULE) == 1.0


def test_both_signals_multiply_and_catalog_entries_never_move() -> None:
    *_, catalog = shapes(CHUNKS)
    timed_schedule = shapes([_policy("2. 交付 > (スケジュール)", "2027年4月頃に開始する。", 9)])[0]
    assert asked_factor(timed_schedule, DATE_ANSWERS, SCHEDULE) == ANSWERS_ASKED * IN_ASKED_SECTION
    assert asked_factor(catalog, DATE_ANSWERS, SCHEDULE) == 1.0  # the catalog has its own rule (asks_fact)


def test_nothing_asked_moves_nothing() -> None:
    assert all(asked_factor(shape, [], None) == 1.0 for shape in shapes(CHUNKS))
