"""Why a support measure is not for a plan: its criteria against the plan's figures, the applicant kinds it is not for,
and a level of local government other than the plan's."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

from bot.plans.needs import Figure
from retrieval.chunk import APPLICANT_NAMES
from retrieval.schema import Criterion, Measure

_OPS: dict[str, Callable[[float, float], bool]] = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}


def criterion_status(c: Criterion, figures: Mapping[str, list[Figure]]) -> tuple[str, Figure | None]:
    """Whether the plan's figures meet a criterion ("met", "missed" or "unknown") and the figure that shows it."""
    values = figures.get(c.field, [])
    if not values:
        return "unknown", None
    compare = _OPS[c.op]
    passing = sorted((f for f in values if compare(f.value, c.value)), key=lambda f: f.value, reverse=c.op in ("<=", "<"))
    if passing:
        return "met", passing[0]  # the figure nearest the threshold: the tightest evidence
    return "missed", values[0]


SIZE_FIELDS = ("sales_yen",)  # criteria that state a firm size themselves (「売上高10億円以上100億円未満の中小企業」)
COUNTED_SIZE = "従業員"  # how detect_applicants words a size class read from an employee count (「従業員350人」)


def size_criterion_met(measure: Measure, figures: Mapping[str, list[Figure]]) -> bool:
    """True when a figure of the plan meets a size criterion of the measure (売上高 …) and no stated criterion fails."""
    statuses = [(c.field, criterion_status(c, figures)[0]) for c in measure.criteria]
    return not any(s == "missed" for _, s in statuses) and any(f in SIZE_FIELDS and s == "met" for f, s in statuses)


# a group the plan names (商店街振興組合, 事業協同組合) is made of the plan's own firms: as small as they are
GROUPS_OF_THE_FIRMS = frozenset({"business_group"})


def ruled_out_by_kind(
    measure: Measure, applicants: Mapping[str, list[str]], vocab: Mapping[str, Any],
    figures: Mapping[str, list[Figure]] | None = None,
) -> str:
    """Why the plan's applicant kinds rule the measure out (``measure_limits[id].not_for``), or "".

    「従業員5人以下の家族経営」 only: the plan's firms are small businesses — an SME measure with a 20億円 investment floor
    (``not_for: [small_business]``) is not for them, although a small business is an SME for other measures. A size
    read from the employee count alone (従業員350人 → 中堅) is a guess — an SME may have more staff by the capital
    test — so it does not rule out a measure whose own size criterion the plan's figures meet (売上高60億円 and
    「売上高10億円以上100億円未満」).
    """
    limits = (vocab.get("measure_limits") or {}).get(measure.id) or {}
    excluded = [a for a in limits.get("not_for", []) if a in applicants]
    if not excluded:
        return ""
    counted = all(w.startswith(COUNTED_SIZE) for a in excluded for w in applicants[a])
    if counted and figures is not None and size_criterion_met(measure, figures):
        return ""
    shown = {w for a in excluded for w in applicants[a]}
    others = [a for a in measure.applicants if a in applicants and a not in excluded and a not in GROUPS_OF_THE_FIRMS
              and set(applicants[a]) - shown]
    if others:  # the plan also names firms of a kind the measure is for (「従業員190人の中小企業者」)
        return ""
    who = "・".join(APPLICANT_NAMES.get(a, a) for a in excluded)
    why = limits.get("reason", "")
    return f"計画の担い手は{who}（『{'』『'.join(sorted(shown)[:2])}』）だけです。{why}"


PUBLIC_BODIES = frozenset({"prefecture", "municipality"})  # applicant kinds that are levels of local government


def other_public_level(measure: Measure, applicants: Mapping[str, list[str]]) -> str:
    """Why a measure only another level of local government applies for is not for the plan's public body (a town's
    tourism plan and a grant only prefectures apply for, for another plan type), or "" — when the plan names no public
    body, or also names one the measure is for. Applied only when the plan's type is not the measure's either: a
    prefecture's plan may name only its towns (「県・町の財政負担」)."""
    kinds = set(measure.applicants)
    read = set(applicants) & PUBLIC_BODIES
    if not kinds or not kinds <= PUBLIC_BODIES or not read or kinds & read:
        return ""
    shown = sorted({w for a in read for w in applicants[a]})[:2]
    who = "・".join(APPLICANT_NAMES.get(a, a) for a in measure.applicants)
    return f"計画の担い手は『{'』『'.join(shown)}』です。この施策に申請できるのは{who}です。"
