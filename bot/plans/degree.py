"""コネクター度 / ハブ度 of a firm, by the policy's formula, from figures given directly or found in a plan."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.plans.numbers import find_amounts, format_yen, nfkc
from bot.plans.terms import Sentence, actors
from retrieval import regex as rx
from retrieval.errors import Code, DeskError

if TYPE_CHECKING:
    from bot.plans.plan import Plan

SECTION = "2. 地域産業クラスター"
CONNECTOR_RULE = "コネクター度:企業の域外販売額/企業が所在する都道府県の域外販売額"
HUB_RULE = "ハブ度:企業の域内仕入額/企業が所在する都道府県の域内仕入額"
_PREF_BEFORE = re.compile(r"(?:都道府県|県全体|道全体|府全体|都全体|全県|県内全体|県計|県の|道の|府の|都の|所在する)[^、。]{0,6}$")
_TERMS = {"outside": ("域外販売額",), "inside": ("域内仕入額", "域内調達額")}
_FIELD_KEYS = {
    "outside": ("outside_sales", "firm_outside_sales", "域外販売額"),
    "inside": ("inside_purchases", "firm_inside_purchases", "域内仕入額"),
    "pref_outside": ("pref_outside_sales", "prefecture_outside_sales", "都道府県の域外販売額", "県の域外販売額"),
    "pref_inside": ("pref_inside_purchases", "prefecture_inside_purchases", "都道府県の域内仕入額", "県の域内仕入額"),
}


@dataclass
class Degree:
    """A firm's コネクター度 and/or ハブ度 with the figures, the formula and where the figures came from."""

    firm: str = "企業"
    outside_sales: float | None = None
    pref_outside_sales: float | None = None
    inside_purchases: float | None = None
    pref_inside_purchases: float | None = None
    evidence: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def connector(self) -> float | None:
        """企業の域外販売額 / 都道府県の域外販売額."""
        return _ratio(self.outside_sales, self.pref_outside_sales)

    @property
    def hub(self) -> float | None:
        """企業の域内仕入額 / 都道府県の域内仕入額."""
        return _ratio(self.inside_purchases, self.pref_inside_purchases)

    def lines(self) -> list[str]:
        """Japanese lines: each degree with its calculation."""
        out: list[str] = []
        if self.connector is not None:
            out.append(
                f"コネクター度 = {format_yen(self.outside_sales or 0)} ÷ {format_yen(self.pref_outside_sales or 0)}"
                f" = {self.connector:.4f}（{self.connector:.2%}）"
            )
        if self.hub is not None:
            out.append(
                f"ハブ度 = {format_yen(self.inside_purchases or 0)} ÷ {format_yen(self.pref_inside_purchases or 0)}"
                f" = {self.hub:.4f}（{self.hub:.2%}）"
            )
        return out

    def to_json(self) -> dict[str, Any]:
        """The degrees with inputs, formula and citation."""
        return {
            "firm": self.firm,
            "connector": None if self.connector is None else round(self.connector, 6),
            "hub": None if self.hub is None else round(self.hub, 6),
            "outside_sales_yen": self.outside_sales,
            "pref_outside_sales_yen": self.pref_outside_sales,
            "inside_purchases_yen": self.inside_purchases,
            "pref_inside_purchases_yen": self.pref_inside_purchases,
            "formula": {"connector": CONNECTOR_RULE, "hub": HUB_RULE},
            "section": SECTION,
            "evidence": list(self.evidence),
            "notes": list(self.notes),
        }


def _ratio(part: float | None, whole: float | None) -> float | None:
    if part is None or whole is None or whole <= 0:
        return None
    return part / whole


def parse_yen(value: str | float | int | None, what: str) -> float | None:
    """An amount from a CLI or structured value: 120億円, 1.2兆, 4,000百万円 or a plain number of yen."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = nfkc(value).strip().replace(" ", "")
    if re.fullmatch(r"[\d,]+(?:\.\d+)?", text):
        return float(text.replace(",", ""))
    found = find_amounts(text if text.endswith("円") else text + "円")
    if not found or found[0].end < len(nfkc(text if text.endswith("円") else text + "円")):
        raise DeskError(Code.INVALID_INPUT, f"{what}「{value}」を金額として読めません。", "例: 120億円、1.2兆円、4,000百万円")
    return found[0].value


def compute(
    firm_outside_sales: str | float | None,
    pref_outside_sales: str | float | None,
    firm_inside_purchases: str | float | None = None,
    pref_inside_purchases: str | float | None = None,
    firm: str = "企業",
) -> Degree:
    """コネクター度 (and ハブ度 when both purchase figures are given); raises ``DeskError`` on bad figures."""
    degree = Degree(
        firm=firm,
        outside_sales=parse_yen(firm_outside_sales, "企業の域外販売額"),
        pref_outside_sales=parse_yen(pref_outside_sales, "都道府県の域外販売額"),
        inside_purchases=parse_yen(firm_inside_purchases, "企業の域内仕入額"),
        pref_inside_purchases=parse_yen(pref_inside_purchases, "都道府県の域内仕入額"),
    )
    for part, whole, name in (
        (degree.outside_sales, degree.pref_outside_sales, "域外販売額"),
        (degree.inside_purchases, degree.pref_inside_purchases, "域内仕入額"),
    ):
        if (part is None) != (whole is None):
            raise DeskError(Code.INVALID_INPUT, f"{name}は、企業の額と都道府県の額の両方を指定してください。")
        if whole is not None and whole <= 0:
            raise DeskError(Code.INVALID_INPUT, f"都道府県の{name}は 0 より大きい額を指定してください。")
        if part is not None and part < 0:
            raise DeskError(Code.INVALID_INPUT, f"企業の{name}に負の額は指定できません。")
        if part is not None and whole is not None and part > whole:
            degree.notes.append(f"企業の{name}が都道府県の{name}を上回っています。数値の単位や対象年度を確認してください。")
    if degree.connector is None and degree.hub is None:
        raise DeskError(Code.INVALID_INPUT, "域外販売額（企業と都道府県）か域内仕入額（企業と都道府県）を指定してください。")
    return degree


def _field(data: Mapping[str, Any], which: str) -> Any:
    for key in _FIELD_KEYS[which]:
        if key in data and data[key] not in (None, ""):
            return data[key]
    return None


def _from_fields(fields: Mapping[str, Any]) -> list[Degree]:
    pref_out, pref_in = _field(fields, "pref_outside"), _field(fields, "pref_inside")
    firms: list[Mapping[str, Any]] = [fields]
    for key in ("core_companies", "companies", "firms", "重点支援企業", "核となる企業"):
        value = fields.get(key)
        if isinstance(value, list):
            firms += [f for f in value if isinstance(f, Mapping)]
    out: list[Degree] = []
    for firm in firms:
        outside, inside = _field(firm, "outside"), _field(firm, "inside")
        p_out = _field(firm, "pref_outside") or pref_out
        p_in = _field(firm, "pref_inside") or pref_in
        if (outside is not None and p_out is not None) or (inside is not None and p_in is not None):
            try:
                out.append(
                    compute(
                        outside if p_out is not None else None,
                        p_out if outside is not None else None,
                        inside if p_in is not None else None,
                        p_in if inside is not None else None,
                        firm=str(firm.get("name") or firm.get("名称") or "企業"),
                    )
                )
            except DeskError as exc:
                out.append(Degree(firm=str(firm.get("name") or "企業"), notes=[exc.message]))
    return out


def _from_text(sentences: Sequence[Sentence], patterns: Sequence[str]) -> list[Degree]:
    firms: dict[str, Degree] = {}
    pref: dict[str, float] = {}
    for s in sentences:
        for which, terms in _TERMS.items():
            for term in terms:
                for m in rx.finditer(re.escape(term), s.norm):
                    amounts = [a for a in find_amounts(s.norm[m.end() : m.end() + 20]) if a.start <= 8]
                    if not amounts:
                        continue
                    value = amounts[0].value
                    if _PREF_BEFORE.search(s.norm[max(0, m.start() - 16) : m.start()]):
                        pref[which] = value
                        continue
                    names = actors(Sentence("", s.norm[: m.start()], s.index, s.shown[: m.start()]), patterns)
                    firm = names[-1] if names else "企業"
                    degree = firms.setdefault(firm, Degree(firm=firm))
                    if which == "outside" and degree.outside_sales is None:
                        degree.outside_sales = value
                    elif which == "inside" and degree.inside_purchases is None:
                        degree.inside_purchases = value
                    if s.text not in degree.evidence:
                        degree.evidence.append(s.text)
    out: list[Degree] = []
    for degree in firms.values():
        degree.pref_outside_sales = pref.get("outside") if degree.outside_sales is not None else None
        degree.pref_inside_purchases = pref.get("inside") if degree.inside_purchases is not None else None
        if degree.connector is not None or degree.hub is not None:
            out.append(degree)
    return out


def degrees_from_plan(plan: Plan, sentences: Sequence[Sentence], patterns: Sequence[str] = ()) -> list[Degree]:
    """Degrees for every firm whose 域外販売額 / 域内仕入額 the plan gives together with the prefecture's."""
    found = _from_fields(plan.fields) if plan.fields else []
    return found or _from_text(sentences, patterns)
