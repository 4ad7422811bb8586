"""Fixed Japanese phrases of the desk (the only text it writes that is not quoted from a source)."""

from __future__ import annotations

WHERE_TO_ASK = (
    "ご不明な点は、ワンストップ相談窓口（各府省庁の地方支分部局等の支援窓口）、"
    "お近くのよろず支援拠点、または地域の経済産業局にご相談ください。"
)
NOT_IN_SOURCES = "資料には記載がありません。"
REFUSE_OUT_OF_SCOPE = (
    NOT_IN_SOURCES
    + "このご質問には、登録されている資料（地域未来戦略の基本的な考え方・国の支援施策カタログ）からはお答えできません。"
    + WHERE_TO_ASK
)
REFUSE_UNKNOWABLE = (
    NOT_IN_SOURCES
    + "採択の可否や将来の配分額・相場などは、資料からはお答えできません（審査や予算で決まるものです）。"
    + WHERE_TO_ASK
)
REFUSE_KIND_UNSTATED = (  # format(kinds=…): the asked figure is in no passage about the asked thing
    NOT_IN_SOURCES
    + "お尋ねの{kinds}は、登録されている資料（地域未来戦略の基本的な考え方・国の支援施策カタログ）には示されていません。"
    + WHERE_TO_ASK
)
REFUSE_UNSTATED = REFUSE_KIND_UNSTATED.format(kinds="件数・数")  # a count no top hit states
REFUSE_INSTRUCTIONS = (
    "そのご依頼にはお応えできません。この窓口の設定や指示の内容は開示・変更できません。"
    "地域未来戦略や国の支援施策についてのご質問をどうぞ。"
)
UNVERIFIED = "要確認"
# the kinds of fact a question can ask (corpus/intents.yaml fact_kinds), named in 「…は資料に記載が見当たりません」
KIND_NAMES = {"amount": "金額", "rate": "補助率・割合", "date": "日付・時期", "people": "人数", "count": "件数・数",
              "year_ordinal": "年次(何年目か)", "score": "点数", "threshold": "数値基準",
              "contact": "住所・連絡先"}
KIND_NOT_STATED = "※お尋ねの{kinds}は、引用した資料には記載が見当たりません。所管機関にご確認ください。"
PAST_DATE = "（この日付は既に過ぎています）"
UNVERIFIED_NOTE = "（要確認：この施策の情報には公式資料で確認できていない事項があります。申請前に所管機関へご確認ください）"
SOURCES_HEADING = "出典:"
DISCLAIMER = "この回答は公開資料に基づく参考情報です。正式な判断は各窓口にご確認ください。"
LLM_FALLBACK_NOTE = "生成に失敗したため資料の該当箇所を表示します。"


def lead_for(section: str, is_measure: bool, title: str) -> str:
    """The one-line conclusion: where in the sources the answer stands."""
    if is_measure:
        return f"「{title}」について、支援施策カタログには次の記載があります。"
    short = " > ".join(section.split(" > ")[-2:]) if section else title
    return f"資料（{short}）には次のとおり記載されています。"
SITUATION_LEAD = "ご状況に合いそうな国の支援策を{n}つ挙げます（支援施策カタログの記載のとおりです）。"
SITUATION_CLOSE = (
    "どれが使えるかは、規模や要件、公募の時期で変わります。" + WHERE_TO_ASK
)
LIST_LEAD = "資料（{section}）には、次の{n}項目が挙げられています（全{n}項目）。"
ENTRY_LIST_LEAD = "「{title}」について、支援施策カタログのお尋ねの項目に当たる記載は次の{n}件です（全件）。"
INLINE_LIST_LEAD = "資料（{section}）には、例として次の{n}つが挙げられています（資料に挙がっている例の全部）。"
