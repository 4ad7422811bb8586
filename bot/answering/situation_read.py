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
from retrieval.questions import fold
from retrieval.schema import Measure

# the asker speaks of itself: first person, its family business, its own town's office
OWN_WORDS = (
    r"うち(の(?!地元|地域)|は|で|が|、)|ウチの|当社|弊社|わが社|我が社|自社|当店|当館|当組合|私(の|は|が|たち|ども)|わたし|自分(の|が|は)|僕|ぼく|"
    r"おれ|俺|(父|親父|おやじ|母|祖父)(が|の)|家業|(市|町|村|県)(で|として)[^。？?]{0,25}(たい|考え|予定|検討)"
)
# a self-introduction ending its first sentence (「板金工場です。」「食品メーカーです、」「町役場の企画課です。」
# 「従業員30人の町工場。」)
SELF_INTRO = (
    r"^[^。？?]{0,28}(の者|担当|課|係|室|店|屋|工場|工房|メーカー|会社|企業|法人|組合|農家|蔵|旅館|宿|民宿|事業者|業者|商店|製作所)"
    r"(です(が|けど|けれど)?|なんです(が|けど)?|でして|をやって(い)?ます|を営んで(い)?ます|を経営して(い)?ます)[。、]|^[^。？?、]{0,12}(従業員|社員)[0-9０-９]+人の[^。？?]{1,15}[。、]"
)
# a public body's staff introducing its office (「町役場です。」「県庁のものです」「市役所の企画課の者ですが」「（町）」「村の担当です」)
PUBLIC_INTRO = (
    r"^[^。？?]{0,6}(役場|役所|県庁|都庁|道庁|府庁|自治体)(の[^。？?]{0,8}(課|係|室|部|担当|職員|者|もの))?"
    r"(です|でして|で働|に勤め|(勤め|勤務)(です|でして|の者))"
    r"|^[（(](県|市|町|村|区)[）)]|^[^。？?]{0,4}(県|市|町|村)の(担当|職員|者|もの)(です|ですが|でして)"
)
# a public body's own project money (「町の事業費で」「村の事業として」「県・市の事業として」)
PUBLIC_PROJECT = r"(県|市|町|村|自治体)(・(県|市|町|村))?の(事業費|事業として|単費)"
# an effort of the whole town, which the town itself carries and may fund (「町ぐるみでやるなら」「地域一体で」)
WHOLE_TOWN = r"(町|まち|市|村|地域|県)ぐるみ|(町|まち|市|村|地域)(全体|一体)で|(町|市|村|地域)を挙げて"
# a business introduced by what the asker runs, in any words (「ゲストハウスを一人でやっています。」「小さなパン屋をやってます、」
# 「夫婦で蕎麦を打って20年です」): the first sentence says the asker runs it, whoever the subject would be
RUNS_BUSINESS = (
    r"^[^。？?が]{1,24}を(一人で|ひとりで|個人で|夫婦で|家族で|親子で|細々と|小さく)?(やって(い)?ます|営んで(い)?ます|経営して(い)?ます|"
    r"営業して(い)?ます|切り盛りして(い)?ます|続けて(い)?ます)[。、]|(一人|ひとり|個人|夫婦|家族|親子)で[^。？?]{0,12}(やって|営んで|経営して|切り盛り)"
)
# a business the asker calls one-person or small in plain words (「ひとりで町工場を」「小さなパン屋を」「個人で営む」「零細」):
# a small business, as plan analysis reads 小規模事業者・家族経営
SMALL_SELF = (
    r"(一人|ひとり|個人|夫婦|家族|親子)で[^。？?]{0,12}(やって|営んで|営む|経営|切り盛り)|個人事業|零細|"
    r"(小さな|小さい|ちいさな|ちいさい|ちっちゃな|小規模な)[^。？?、]{0,6}(店|屋|工場|工房|会社|宿|旅館|民宿|農園|農家|商店|食堂|事務所|製作所|"
    r"鉄工所|蔵|酒蔵|喫茶|カフェ|ゲストハウス)"
)
# a support organisation's staff introducing its office (「商工会の職員です」「商工会議所で経営指導員をしています」)
SUPPORT_ORG_SELF = (
    r"^[^。？?]{0,10}(商工会議所|商工会)(の[^。？?]{0,10}(職員|者|もの|担当|指導員))?(です|でして|で働|に勤め|で[^。？?]{0,8}(を|として)し)"
)
# the small businesses such an office speaks of (「小さなお店」「小規模事業者」「個人商店」)
SMALL_FIRMS = r"小規模|零細|個人商店|商店街|(小さな|小さい|ちいさな)[^。？?、]{0,4}(店|事業者|会社|商店|お店)"
# a plea for the state's help in any words (「何か国の助けは？」「国の手だすけってある」「公的なサポートは」)
ASKS_HELP = r"(国|公的|行政|役所)(の|から|が|で)?[^。？?]{0,6}(助け|手助け|手だすけ|たすけ|援助|サポート|後押し|手当て|支え)"
# a question about the policy text or the catalog itself (「政策文書では」「基本的な考え方に」): not the asker's situation
ABOUT_SOURCES = r"政策文書|基本的な考え方|地域未来戦略|カタログ|(文書|資料)(で|に|は)|書かれ|書いて|記載|位置(づ|付)け"
# a question for a process or a meaning (「申請の流れを知りたい」「手続きは」「とは」): answered from the sources, not an overview
ASKS_PROCESS = r"流れ|手続|手順|申請方法|申請の仕方|とは|意味|定義|締め?切|期限|スケジュール"
# a municipality or prefecture that speaks of its own project (「市でドローン配送をやりたい」「町として工業団地を」)
PUBLIC_SELF = r"^(市|町|村|県|区|府|都)(で|として|が|の[^。、？?]{0,8}(役所|役場|職員|担当))"
SMALL_APPLICANT = "small_business"  # the applicant kind of the measures a support office's small firms apply for
OWN_GRANT_NEED = "交付金"  # the need a public body's own-project grant serves (support_measures.yaml needs)
_FLAGS = re.IGNORECASE


def describes_need(text: str, reading: Any | None, fact_asks: Sequence[str] = ()) -> bool:
    """True when the asker tells its own situation (first person, a self-introduction, a stated staff count) or asks
    for the state's help in any words, and plan
    analysis reads at least one need in it — and the question neither asks a fact of a support it designates
    (``fact_asks``: 上限・補助率) nor asks about the policy text itself or for a process or a meaning."""
    if reading is None or not getattr(reading, "needs", None):
        return False
    text = re.sub(r"\s+", "", fold(text))  # 「ひとりで 小さな 店を やってます」: kana questions space their words
    if any(rx.search(p, text, _FLAGS) for p in fact_asks) or rx.search(ABOUT_SOURCES, text) or rx.search(ASKS_PROCESS, text):
        return False
    figures: Mapping[str, Sequence[Any]] = getattr(reading, "figures", {}) or {}
    return (bool(figures.get("employees")) or bool(rx.search(OWN_WORDS, text)) or bool(rx.search(SELF_INTRO, text))
            or bool(rx.search(RUNS_BUSINESS, text)) or bool(rx.search(ASKS_HELP, text)) or speaks_as_public_body(text))


def speaks_as_public_body(text: str) -> bool:
    """True when the asker writes as a municipality's or prefecture's staff (its office in its first words, 「（町）」)
    or of its own project money (「町の事業費で」)."""
    text = re.sub(r"\s+", "", fold(text))
    return bool(rx.search(PUBLIC_SELF, text) or rx.search(PUBLIC_INTRO, text) or rx.search(PUBLIC_PROJECT, text))


def own_project_grants(
    measures: Sequence[Measure], text: str, public_body: bool, public_applicants: Collection[str],
) -> list[str]:
    """The grants a municipality or prefecture may use for its own project (the catalog's measures serving the
    ``OWN_GRANT_NEED`` need that only public bodies apply for: 地域未来交付金), when the asker writes as one (``public_body``:
    its self-introduction, 「町役場の企画課です」; or 「市で…したい」, 「町の事業費で」), or speaks of an effort of the whole town
    (「町ぐるみでやるなら」: the town carries it); else the measures applied for through the asker's own office
    (:func:`own_window_measures`), if any. A consultant names it beside the measure
    that fits the project itself."""
    if not (public_body or speaks_as_public_body(text) or rx.search(WHOLE_TOWN, fold(text))):
        return own_window_measures(measures, text)
    public = set(public_applicants)
    return [m.id for m in measures if OWN_GRANT_NEED in m.needs and m.applicants and set(m.applicants) <= public]


def own_window_measures(measures: Sequence[Measure], text: str) -> list[str]:
    """The small businesses' measures applied for through the asker's own office, when a 商工会 or 商工会議所 speaks of
    supporting small businesses (「商工会の職員です。…小さなお店の経営を支える…」 → 持続化補助金, whose window it is)."""
    text = re.sub(r"\s+", "", fold(text))
    office = rx.search(SUPPORT_ORG_SELF, text)
    if not office or not rx.search(SMALL_FIRMS, text):
        return []
    word = office.group(1)
    return [m.id for m in measures if word in (m.contact or "") and SMALL_APPLICANT in m.applicants]


def stated_small_size(text: str) -> str:
    """The words in which the asker calls its own business one-person or small (``SMALL_SELF``), or ""."""
    found = rx.search(SMALL_SELF, re.sub(r"\s+", "", fold(text)))
    return found.group(0) if found else ""
