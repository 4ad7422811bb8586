"""Plan reader, third round: table cells, what a pending part is about, a dependence kept for one part only,
infrastructure the plan works on, plain stage gates and market words, hiring versus a product being adopted."""

from __future__ import annotations

from plan_fixtures import Verdict, desk, verdict, vocab  # noqa: F401  (pytest fixtures are used by name)

from bot.desk import Desk

LOCAL_TABLE = """〇〇県 地場産業成長プラン 記載シート（果実加工品）

| 区分 | 記載内容 |
|---|---|
| 推進主体 | 県内食品加工会社P社（従業員85人）が製造する |
| 県の体制 | 県の産業支援機関に事業者向け相談窓口を設置済み。知事による発表の時期は未定 |
"""


def test_a_sentence_inside_a_table_cell_is_its_own_clause(verdict: Verdict) -> None:
    commitment = verdict(LOCAL_TABLE, "local_industry", "自治体のコミットメント")
    # 「未定」 is said of the governor's announcement, not of the help desk already set up in the same cell
    assert commitment.status == "partial", commitment.reason
    assert "相談窓口の設置" in commitment.reason


REGIONAL_CORE = """〇〇市 地域産業クラスター計画（案）
核となるのは、市内への立地を決定したH社（本社：大阪府）の新工場と、市内で試作を進めるI社である。
{pending}
"""


def test_a_pending_support_aimed_at_the_firms_does_not_make_the_firms_pending(verdict: Verdict) -> None:
    aimed = verdict(REGIONAL_CORE.format(pending="重点支援企業への伴走支援の体制は今後検討する。"), "regional_cluster", "実現可能性")
    assert aimed.status == "met", aimed.reason
    pending = verdict(REGIONAL_CORE.format(pending="重点支援企業は今後公募で選ぶ。"), "regional_cluster", "実現可能性")
    assert pending.status == "partial", pending.reason


def test_a_firm_that_decided_to_locate_here_brings_the_localisation_rule(verdict: Verdict) -> None:
    localisation = verdict(REGIONAL_CORE.format(pending=""), "regional_cluster", "現地化")
    assert localisation.status == "missing", localisation.reason  # 立地を決定した域外の H社: the rule applies, nothing is said


BATTERY = """〇〇市 地域産業クラスター計画（蓄電池部材）
全固体電池用の固体電解質とその原料の量産拠点を形成することを目指す。
{supply}
"""


def test_a_dependence_kept_for_one_part_while_another_is_localised_is_partial(verdict: Verdict) -> None:
    kept = verdict(
        BATTERY.format(supply="原料のうち硫化リチウムはI社からの市内調達を目指すが、リチウム原料そのものは当面輸入に依存する。"), "regional_cluster", "外部依存性"
    )
    assert kept.status == "partial", kept.reason
    assert "輸入に依存" in kept.reason and "市内調達" in " ".join(kept.evidence)
    whole = verdict(
        BATTERY.format(supply="ウエハーは全量を海外の親会社から調達し、市内ではモジュールの組立を行う。"), "regional_cluster", "外部依存性"
    )
    assert whole.status == "missing", whole.reason  # 全量: the essential part is wholly from outside


STRATEGIC = """〇〇県 戦略産業クラスター 候補プロジェクト提案
洋上風力の基礎構造物の製造拠点を形成する。
{infra}
"""


def test_infrastructure_is_read_from_what_the_plan_does_about_it(verdict: Verdict) -> None:
    worked_on = verdict(
        STRATEGIC.format(infra="能代港の岸壁延伸と臨港道路の改良について国土交通省港湾局と協議している。"), "strategic_cluster", "インフラ整備との整合性"
    )
    assert worked_on.status == "met", worked_on.reason
    needed = verdict(STRATEGIC.format(infra="岸壁の改修と送電網の増強が必要となる。"), "strategic_cluster", "インフラ整備との整合性")
    assert needed.status == "partial", needed.reason  # a need, not a decision
    subsidy = verdict(
        STRATEGIC.format(infra="経済産業省と、製造拠点整備の補助事業について2025年秋から事前調整中。"), "strategic_cluster", "インフラ整備との整合性"
    )
    assert subsidy.status == "missing", subsidy.reason  # a firm's own plant is the investment, not infrastructure


def test_a_subsidy_programme_under_discussion_with_ministries_is_the_budget_measure(verdict: Verdict) -> None:
    feasible = verdict(
        STRATEGIC.format(infra="厚生労働省・経済産業省と、製造拠点整備の補助事業について2025年秋から事前調整中。"), "strategic_cluster", "実現可能性"
    )
    assert feasible.status == "met", feasible.reason


def test_continue_review_or_stop_decided_at_a_date_is_a_stage_gate(verdict: Verdict) -> None:
    plan = (
        "〇〇市 地域産業クラスター計画\n"
        "KPIは、固体電解質の市内生産量（2030年度 年3,000トン）、市内調達額、雇用者数とし、2028年度末にH社の稼働状況を確認して、"
        "第2期の支援内容を継続・見直し・中止のいずれとするか判断する。\n"
    )
    ebpm = verdict(plan, "regional_cluster", "EBPMメルクマール")
    assert ebpm.status == "met", ebpm.reason


def test_popularity_abroad_is_a_market_need(verdict: Verdict) -> None:
    plan = (
        "〇〇市 地場産業成長プラン（南部鉄器）\n"
        "カラーポットを中心に欧州・中国での人気が高く、出荷額に占める輸出の割合は約4割に達している。\n"
        "IH対応鉄瓶など、従来品より単価を2〜3割高く設定できる新商品を開発する。\n"
    )
    promise = verdict(plan, "local_industry", "有望度")
    assert promise.status == "met", promise.reason


def test_a_product_being_adopted_is_not_hiring(verdict: Verdict) -> None:
    plan = (
        "〇〇市 地域産業クラスター計画\n"
        "H社の固体電解質は国内自動車メーカー2社への採用が内定しており、2030年には国内シェア5割を見込む。\n"
        "H社の工場では約250人の雇用を見込む。\n"
    )
    spread = verdict(plan, "regional_cluster", "域内への波及")
    assert not any("採用が内定" in e for e in spread.evidence), spread.evidence
    assert any("250人の雇用" in e for e in spread.evidence), spread.evidence


def test_what_the_franchisor_decides_is_not_the_plans_own_product(verdict: Verdict) -> None:
    plan = (
        "△△市 店舗展開プラン\n"
        "大手チェーンL社とのフランチャイズ契約により市内に5店舗を出店する。商品の構成と仕入れはすべてL社本部が決め、"
        "売上はL社本部の販売計画に従う。\n"
    )
    promise = verdict(plan, "local_industry", "有望度")
    assert promise.status == "missing", promise.reason


# --- what the evidence quotes ----------------------------------------------------------------------------------

CITRUS = """〇〇町 稼げる農業プラン
目指す数字は次のとおりです。
・工場の売上：令和11年度に3億円
・工場で新たに15人を雇い、パートの時給を毎年40円以上上げる
・参加農家1戸あたりの手取りを、今の1.5倍にする
"""


def test_each_clear_word_of_an_aspect_is_quoted_once(verdict: Verdict) -> None:
    spread = verdict(CITRUS, "local_industry", "域内への波及")
    assert any("15人を雇い" in e for e in spread.evidence), spread.evidence
    assert any("手取り" in e for e in spread.evidence), spread.evidence  # another word of the same aspect, its own sentence


FIRST_IN_JAPAN = """〇〇県 地域産業クラスター計画
・地元企業：株式会社〇〇電機（従業員350名）が中心となり、モジュールを量産する。
{tech}
"""


def test_a_conditional_aspect_is_quoted_when_stated_and_never_lacking(verdict: Verdict) -> None:
    stated = verdict(FIRST_IN_JAPAN.format(tech="銀焼結による接合技術を用いたモジュールの量産は国内で初めてとなる。"), "regional_cluster", "実現可能性")
    plain = verdict(FIRST_IN_JAPAN.format(tech=""), "regional_cluster", "実現可能性")
    assert stated.status == plain.status == "met", (stated.reason, plain.reason)
    assert any("国内で初めて" in e for e in stated.evidence) and "先進技術" in stated.reason


def test_a_kpi_in_words_is_quoted_before_a_dated_target_alone(verdict: Verdict) -> None:
    plan = (
        "〇〇県 地域産業クラスター計画\n"
        "本計画では、令和11年度に国内シェア首位（35%）を目指す。\n"
        "受注額、県内発注額、雇用数、賃金の4つの数字を毎年度末に確認し、外部の有識者を交えた会議で評価する。"
        "3年目の評価で県内発注額が24億円に届かない場合は、補助の継続を見直す。\n"
    )
    ebpm = verdict(plan, "regional_cluster", "EBPMメルクマール")
    assert ebpm.status == "met", ebpm.reason
    assert any("毎年度末に確認" in e for e in ebpm.evidence), ebpm.evidence


# --- plain words ------------------------------------------------------------------------------------------------


def test_talks_with_ministries_in_plain_words(verdict: Verdict) -> None:
    head = "戦略産業クラスター 候補プロジェクト\n"
    assert verdict(head + "国の予算で支えてもらう部分について、経済産業省と昨年から話し合いを始めている。", "strategic_cluster", "実現可能性").status == "met"
    assert verdict(head + "国の補助の活用について、経産省の担当課とすでに相談している。", "strategic_cluster", "実現可能性").status == "met"
    # a wish to start is not a start
    assert verdict(head + "関係省庁とは年度内に予算について意見交換を始めたい。", "strategic_cluster", "実現可能性").status == "missing"


def test_jobs_and_pay_in_plain_words(verdict: Verdict) -> None:
    head = "戦略産業クラスター 候補プロジェクト\n"
    assert verdict(head + "工場で地元の若者を300人雇い、給料は県内の平均より2割高くする。", "strategic_cluster", "地域における良質な雇用の創出・維持").status == "met"


def test_stage_gates_in_plain_words(verdict: Verdict) -> None:
    head = "〇〇県 地域産業クラスター計画\nKPIは令和10年度に付加価値額50億円とする。"
    for gate in ("中間年度に達成率が5割未満なら第2期の支援を縮小する。", "2年ごとに外部委員会で評価し、続けるかやめるかを決める。",
                 "3年目に目標を下回っていれば、支援の打ち切りも含めて判断する。"):
        assert verdict(head + gate, "regional_cluster", "EBPMメルクマール").status == "met", gate
    assert verdict(head + "毎年度、進捗を確認する。", "regional_cluster", "EBPMメルクマール").status == "partial"


def test_accompanying_support_in_plain_words(verdict: Verdict) -> None:
    plan = "〇〇県 地域産業クラスター計画\n知事が記者会見で計画を発表した。県と信用金庫で専任のチームをつくり、5年間、四半期ごとに各社を訪問して経営を支える。"
    assert verdict(plan, "regional_cluster", "自治体のコミットメント").status == "met"


def test_a_wish_at_the_end_of_a_sentence_still_weakens_it(verdict: Verdict) -> None:
    # the end of a sentence is not a clause break: 「…始めたい。」 keeps its 「たい。」
    assert verdict("戦略産業クラスター 候補\n関係省庁と予算措置の事前調整を始めたい。", "strategic_cluster", "実現可能性").status == "missing"


def test_a_kana_name_ends_at_its_particle_and_plain_role_verbs_count(verdict: Verdict) -> None:
    head = "〇〇村 地場産業成長プラン\n"
    runs = verdict(head + "村の農家5軒でつくる合同会社さとやまが加工場を動かし、自分たちで売る。", "local_industry", "実現可能性")
    assert runs.status == "met" and "『合同会社さとやま』" in runs.reason, runs.reason
    leads = verdict(head + "事業は、地元の酒蔵「山川酒造」（従業員12名）が引っ張る。", "local_industry", "実現可能性")
    assert leads.status == "met", leads.reason
    kana = verdict(head + "株式会社はなが、直売所の運営を任される。", "local_industry", "実現可能性")
    assert "『株式会社はな』" in kana.reason, kana.reason


def test_buyers_words_and_tastings_are_market_need(verdict: Verdict) -> None:
    plan = "〇〇村 地場産業成長プラン\nゆずのジャムとポン酢をつくる。東京のスーパー2社が「置きたい」と言っている。今は生のまま農協に安く出している。"
    assert verdict(plan, "local_industry", "有望度").status == "met"


def test_a_comparison_in_the_next_sentence_about_the_same_figure(verdict: Verdict) -> None:
    head = "〇〇県 地域産業クラスター計画\n"
    follows = head + "従業員1人あたりの付加価値額を1,500万円に高める。これは県内製造業の平均の1.6倍、全国の同業平均の1.3倍である。"
    assert verdict(follows, "regional_cluster", "費用対効果").status == "met"
    elsewhere = head + "付加価値額を50億円にする。\n平均賃金は全国平均を下回る。"  # another sentence, about wages
    assert verdict(elsewhere, "regional_cluster", "費用対効果").status == "partial"


def test_local_sourcing_of_essential_parts_in_plain_words(verdict: Verdict) -> None:
    plan = "〇〇県 地域産業クラスター計画\nモーターの部品は、県内の協力工場5社で作る。"
    assert verdict(plan, "regional_cluster", "外部依存性").status == "met"


def test_help_desk_announcement_and_local_purchases_in_plain_words(verdict: Verdict) -> None:
    head = "〇〇町 地場産業成長プラン\n"
    desk_and_mayor = head + "町役場の産業課に、事業者がいつでも相談できる担当者を置く。町長が町議会でプランを説明する。"
    assert verdict(desk_and_mayor, "local_industry", "自治体のコミットメント").status == "met"
    newsletter = head + "商工会の中に相談の受付を設け、町長が広報誌でプランを紹介する。"
    assert verdict(newsletter, "local_industry", "自治体のコミットメント").status == "met"
    buys = head + "町内の農家から買う梅を年2,000万円分にし、加工場で新たに8人を雇う。"
    assert verdict(buys, "local_industry", "域内への波及").status == "met"


def test_world_class_in_plain_words(verdict: Verdict) -> None:
    head = "戦略産業クラスター 候補プロジェクト\n"
    assert verdict(head + "この会社の技術は、世界でも同じものを作れる会社が3社しかない。", "strategic_cluster", "競争優位性").status == "met"
    assert verdict(head + "アメリカやヨーロッパの大手メーカーにも部品を納めている。", "strategic_cluster", "競争優位性").status == "met"


def test_spreading_sales_in_plain_words_after_todays_dependence(verdict: Verdict) -> None:
    head = "〇〇町 地場産業成長プラン\n"
    spread = head + "今は製品のすべてを大手商社1社に卸している。プランでは自社のネットショップと道の駅でも売り、商社への出荷を6割までに下げる。"
    assert verdict(spread, "local_industry", "外部依存性").status == "met"
    kept = head + "現在、生産は全量を海外の1工場に委託している。今後もこの体制を続ける。"
    assert verdict(kept, "local_industry", "外部依存性").status == "missing"


# --- plan type -----------------------------------------------------------------------------------------------------

def test_with_no_type_word_the_placeholder_is_the_type_the_plan_speaks_to(desk: Desk) -> None:
    plan = "〇〇村 お茶の仕事を守るプラン\n茶の生産者35戸で紅茶をつくり、東京の雑貨店10店で売る。村長が議会で説明し、役場に担当者を置く。"
    report = desk.precheck(plan)  # once refused as 「計画として読み取れる内容が見つかりません」
    assert report.guess.undetermined and report.low_confidence
    assert report.plan_type == "local_industry"
    assert "判定できませんでした" in report.type_note() and "要件に当たる記載が最も多い類型" in report.type_note()


def test_plain_cues_point_to_a_type(desk: Desk) -> None:
    regional = "〇〇県 ポンプ部品の産業を育てる計画\n中核企業の株式会社みなと精機は海外に輸出している。県内の協力企業への発注を増やす。"
    local = "〇〇町 みかん加工品で稼ぐプラン\n町内の農家から規格外みかんを買い、果汁にして首都圏のホテルに売る。"
    assert desk.precheck(regional).plan_type == "regional_cluster"
    assert desk.precheck(local).plan_type == "local_industry"


def test_localisation_in_plain_words(verdict: Verdict) -> None:
    head = "〇〇県 地域産業クラスター計画\n"
    plan = head + "県外の大手メーカーの工場を誘致する。働く人は5年で8割を県内から雇い、もうけの一部は県内の設備に再び投資してもらう。"
    assert verdict(plan, "regional_cluster", "現地化").status == "met"
    assert verdict(head + "東京の会社の工場を呼び込む。", "regional_cluster", "現地化").status == "missing"  # the rule applies
    assert verdict(head + "観光客を呼び込む。", "regional_cluster", "現地化").status == "not_applicable"


def test_strategic_requirements_in_plain_words(verdict: Verdict) -> None:
    head = "戦略産業クラスター 候補プロジェクト\n"
    assert verdict(head + "A社が新しい工場に約800億円をかける。", "strategic_cluster", "投資との整合性").status == "met"
    assert verdict(head + "A社は新しい設備を入れる。", "strategic_cluster", "投資との整合性").status == "partial"  # no amount
    assert verdict(head + "国が重点を置く17の分野のうち、半導体にあたる。", "strategic_cluster", "成長戦略本部での検討との整合性").status == "met"
    in_step = head + "工場の稼働に間に合うよう、県が工業用水の管を新しく引き、道路も広げる。"
    assert verdict(in_step, "strategic_cluster", "インフラ整備との整合性").status == "met"


def test_a_target_dated_from_now_is_a_kpi_unless_the_plan_says_its_kpis_are_not_set(verdict: Verdict) -> None:
    head = "〇〇町 地場産業成長プラン\n"
    relative = head + "5年後に売上を2億円にする。3年目に1億円に届かなければ売り方を変える。"
    assert verdict(relative, "local_industry", "EBPMメルクマール").status == "met"
    assert verdict(head + "5年前から売上は2億円である。", "local_industry", "EBPMメルクマール").status == "missing"
    later = head + "管理職を5年以内に7割地元採用者とする。\n\n■KPI・ステージゲート\n今後、町と事務局で検討のうえ設定する。"
    assert verdict(later, "local_industry", "EBPMメルクマール").status == "missing"


def test_figures_in_plain_words(vocab: dict) -> None:  # type: ignore[type-arg]
    from bot.plans.needs import detect_figures
    from bot.plans.terms import split_sentences

    def read(text: str) -> dict[str, list[float]]:
        return {k: [f.value for f in v] for k, v in detect_figures(split_sentences(text), vocab).items() if v}

    assert read("設備に1億8千万円をかける。") == {"investment_yen": [180_000_000.0]}
    assert read("働く人は120人。") == {"employees": [120.0]}
    assert read("給料を毎年3%上げる。") == {"wage_increase_pct": [3.0]}
    assert read("時間をかけて3年で育てる。") == {}
