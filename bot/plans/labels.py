"""Display labels shared by plan analysis and its reports: status icons and names, figure field names."""

from __future__ import annotations

ICONS = {"met": "✅", "partial": "⚠️", "missing": "❌", "not_applicable": "➖"}
STATUS_JA = {"met": "充足", "partial": "一部不足", "missing": "不足", "not_applicable": "対象外"}
FIELD_LABELS = {
    "investment_yen": "投資額",
    "employees": "従業員数",
    "sales_yen": "売上高",
    "wage_increase_pct": "賃上げ率",
    "capital_yen": "資本金",
}
