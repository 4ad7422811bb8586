"""Plan analysis: reading a draft plan (parsing, plan type, needs, actors, numbers), matching it to support
measures, pre-checking it against its type's requirements, degrees and reports.

It gets a ``search`` callable and the ``Corpus`` as arguments (``bot.plans.ports``), never the ``Desk``.
"""

from bot.plans.match import match_plan
from bot.plans.match_result import MatchResult
from bot.plans.plan import Plan, as_plan, parse_plan
from bot.plans.ports import Search
from bot.plans.precheck import PrecheckReport, precheck_plan
from bot.plans.suggest import suggest_measures
from bot.plans.terms import plan_terms

__all__ = [
    "MatchResult",
    "Plan",
    "PrecheckReport",
    "Search",
    "as_plan",
    "match_plan",
    "parse_plan",
    "plan_terms",
    "precheck_plan",
    "suggest_measures",
]
