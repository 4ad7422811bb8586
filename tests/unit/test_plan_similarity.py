"""The pre-check's dense fallback: a requirement none of whose words the plan uses, judged by a sentence close in meaning."""

from __future__ import annotations

from plan_fixtures import desk, item  # noqa: F401  (pytest fixtures are used by name)

from bot.desk import Desk
from bot.plans.precheck import CheckItem, precheck_plan

HEAD = "戦略産業クラスター 候補プロジェクト\n"
JOBS = "地域における良質な雇用の創出・維持"


def _jobs(desk: Desk, text: str, *, dense: bool) -> CheckItem:
    report = precheck_plan(
        HEAD + text, corpus=desk.corpus, vocab=desk.vocab, plan_type="strategic_cluster", embed=desk.embedder.embed if dense else None
    )
    return item(report, JOBS)


def test_a_paraphrase_of_the_rule_is_partial_and_says_it_rests_on_similarity(desk: Desk) -> None:
    text = "地域の経済を発展させるため、働く人の待遇を良くし、働きやすい職場にする。"  # no word of the requirement's vocabulary
    assert _jobs(desk, text, dense=False).status == "missing"
    judged = _jobs(desk, text, dense=True)
    assert judged.status == "partial", judged.reason
    assert "類似度による判定" in judged.reason and judged.evidence == [text]


def test_a_deferred_paraphrase_is_no_evidence(desk: Desk) -> None:
    deferred = _jobs(desk, "地域の経済を発展させるため、働く人の待遇を良くし、働きやすい職場にすることを今後検討する。", dense=True)
    assert deferred.status == "missing", deferred.reason


def test_an_unrelated_sentence_does_not_lift_a_missing_requirement(desk: Desk) -> None:
    unrelated = _jobs(desk, "港の近くに新しい物流倉庫を建て、部品の保管と出荷をまとめて行う。", dense=True)
    assert unrelated.status == "missing", unrelated.reason


def test_the_desk_precheck_uses_the_dense_fallback(desk: Desk) -> None:
    text = "地域の経済を発展させるため、働く人の待遇を良くし、働きやすい職場にする。"
    judged = item(desk.precheck(HEAD + text, plan_type="strategic_cluster"), JOBS)
    assert judged.status == "partial" and "類似度による判定" in judged.reason, judged.reason
