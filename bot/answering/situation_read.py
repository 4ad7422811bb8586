"""Whether a question that asks no fit in so many words still tells the desk the asker's own situation and need.

「従業員30人の町工場。新しいNC機械を入れたい。1000万くらいの話です」「うちの店、あとをつぐ人がいないんです。国の
手だすけってあるんですか」: the asker speaks of itself (its size, its business, its town) and plan analysis reads
a need; at a consultation desk that is the question of what fits, not a question of the policy text to decline.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from retrieval import regex as rx
from retrieval.clarify import Statements
from retrieval.questions import fold
from retrieval.schema import Measure

_FLAGS = re.IGNORECASE


def _found(patterns: Sequence[str], text: str) -> re.Match[str] | None:
    """The first match of any of ``patterns`` (corpus/clarify.yaml situation.statements) in ``text``, or None."""
    return next((m for p in patterns if (m := rx.search(p, text))), None)


def describes_need(rules: Statements, text: str, reading: Any | None, fact_asks: Sequence[str] = ()) -> bool:
    """True when the asker tells its own situation (first person, a self-introduction, a stated staff count) or asks
    for the state's help in any words, and plan
    analysis reads at least one need in it — and the question neither asks a fact of a support it designates
    (``fact_asks``: 上限・補助率) nor asks about the policy text itself or for a process or a meaning."""
    if reading is None or not getattr(reading, "needs", None):
        return False
    text = re.sub(r"\s+", "", fold(text))  # 「ひとりで 小さな 店を やってます」: kana questions space their words
    if any(rx.search(p, text, _FLAGS) for p in fact_asks) or _found(rules.about_sources, text) or _found(rules.asks_process, text):
        return False
    figures: Mapping[str, Sequence[Any]] = getattr(reading, "figures", {}) or {}
    return (bool(figures.get("employees")) or any(_found(p, text) for p in (rules.own_words, rules.self_intro, rules.runs_business, rules.asks_help))
            or speaks_as_public_body(rules, text))


def speaks_as_public_body(rules: Statements, text: str) -> bool:
    """True when the asker writes as a municipality's or prefecture's staff (its office in its first words, 「（町）」)
    or of its own project money (「町の事業費で」)."""
    text = re.sub(r"\s+", "", fold(text))
    return any(_found(p, text) for p in (rules.public_self, rules.public_intro, rules.public_project))


def own_project_grants(
    rules: Statements, measures: Sequence[Measure], text: str, public_body: bool, public_applicants: Collection[str],
) -> list[str]:
    """The grants a municipality or prefecture may use for its own project (the catalog's measures serving the
    ``own_grant_need`` need that only public bodies apply for: 地域未来交付金), when the asker writes as one (``public_body``:
    its self-introduction, 「町役場の企画課です」; or 「市で…したい」, 「町の事業費で」), or speaks of an effort of the whole town
    (「町ぐるみでやるなら」: the town carries it); else the measures applied for through the asker's own office
    (:func:`own_window_measures`), if any. A consultant names it beside the measure
    that fits the project itself."""
    if not (public_body or speaks_as_public_body(rules, text) or _found(rules.whole_town, fold(text))):
        return own_window_measures(rules, measures, text)
    public = set(public_applicants)
    return [m.id for m in measures if rules.own_grant_need in m.needs and m.applicants and set(m.applicants) <= public]


def own_window_measures(rules: Statements, measures: Sequence[Measure], text: str) -> list[str]:
    """The small businesses' measures applied for through the asker's own office, when a 商工会 or 商工会議所 speaks of
    supporting small businesses (「商工会の職員です。…小さなお店の経営を支える…」 → 持続化補助金, whose window it is)."""
    text = re.sub(r"\s+", "", fold(text))
    office = _found(rules.support_org_self, text)
    if not office or not _found(rules.small_firms, text):
        return []
    word = office.group(1)
    return [m.id for m in measures if word in (m.contact or "") and rules.small_applicant in m.applicants]


def stated_small_size(rules: Statements, text: str) -> str:
    """The words in which the asker calls its own business one-person or small (``small_self``), or ""."""
    found = _found(rules.small_self, re.sub(r"\s+", "", fold(text)))
    return found.group(0) if found else ""
