"""The question layer's data: scope rules, intents and glossary validate, and a bad edit is named, not raised."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering.language import detect_language
from bot.answering.romaji import romaji_to_kana
from retrieval.questions import validate_glossary, validate_intents
from retrieval.scope_rules import validate_scope

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def test_shipped_files_validate_with_their_examples() -> None:
    for validate, name in ((validate_scope, "scope_rules.yaml"), (validate_intents, "intents.yaml")):
        _, problems = validate(CORPUS / name)
        assert problems == [], [str(p) for p in problems]
    glossary, problems = validate_glossary(CORPUS / "glossary.yaml", "")
    assert problems == [] and glossary.terms


def test_scope_rules_decide_in_order_and_respect_unless() -> None:
    rules, _ = validate_scope(CORPUS / "scope_rules.yaml")
    assert rules.first_match("申請書の売上を水増しするコツを教えて").kind == "harmful"  # type: ignore[union-attr]
    assert rules.first_match("担当者の携帯番号を教えて").kind == "personal_data"  # type: ignore[union-attr]
    assert rules.first_match("よろず支援拠点の相談窓口の連絡先は？") is None
    assert rules.first_match("地域未来交付金の補助率は？") is None


def test_a_broken_rule_is_reported_by_file_and_entry(tmp_path: Path) -> None:
    path = tmp_path / "scope_rules.yaml"
    path.write_text(
        "schema_version: 1\nrules:\n  - id: bad\n    kind: legal\n    reply: 法令の解釈はお答えできません。窓口へどうぞ。\n"
        "    patterns: ['(unclosed']\n", encoding="utf-8"
    )
    _, problems = validate_scope(path)
    assert problems and "does not compile" in str(problems[0]) and "scope_rules.yaml" in str(problems[0])


def test_an_example_the_rule_misses_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "scope_rules.yaml"
    path.write_text(
        "schema_version: 1\nrules:\n  - id: legal\n    kind: legal\n    reply: 法令の解釈はお答えできません。窓口へどうぞ。\n"
        "    patterns: ['違法']\n    examples: ['労働法的にセーフ？']\n    not_examples: ['違法ではない補助金は？']\n",
        encoding="utf-8",
    )
    messages = [str(p) for p in validate_scope(path)[1]]
    assert any("example not matched" in m for m in messages)
    assert any("not_example declined" in m for m in messages)


def test_glossary_terms_must_occur_in_the_sources(tmp_path: Path) -> None:
    path = tmp_path / "glossary.yaml"
    path.write_text(
        "schema_version: 1\nfirst_line: {en: A, zh: B, ko: C}\nterms:\n  - {ja: 存在しない語, en: [nothing]}\n"
        "  - {ja: 補助金, en: [subsidy]}\n", encoding="utf-8"
    )
    glossary, problems = validate_glossary(path, "この補助金は…")
    assert [p.entry for p in problems] == ["存在しない語"]
    assert glossary.japanese_terms("Is there a SUBSIDY for me?", "en") == ["補助金"]


def test_korean_and_chinese_spellings_match_with_or_without_spaces(tmp_path: Path) -> None:
    path = tmp_path / "glossary.yaml"
    path.write_text(
        "schema_version: 1\nfirst_line: {en: A, zh: B, ko: C}\nterms:\n"
        "  - {ja: 戦略産業クラスター, ko: [전략산업 클러스터]}\n  - {ja: 第1弾, ko: [제1탄]}\n", encoding="utf-8"
    )
    glossary, _ = validate_glossary(path, "")
    assert glossary.japanese_terms("전략산업클러스터 계획의 제1탄은?", "ko") == ["戦略産業クラスター", "第1弾"]


def test_the_shipped_glossary_reads_the_asked_aspect_of_a_foreign_question() -> None:
    glossary, _ = validate_glossary(CORPUS / "glossary.yaml", "")
    terms = glossary.japanese_terms("What does the competitive advantage requirement of a strategic cluster ask?", "en")
    assert {"競争優位性", "要件", "戦略産業クラスター"} <= set(terms)
    assert "現地化" in glossary.japanese_terms("“现地化”这一要件要求什么？", "zh")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("I run a small shop. Is there free business advice?", "en"),
        ("我们是日本的一家中小企业，想招聘外国人才。", "zh"),
        ("일본 정부가 지원하는 사업이 있나요?", "ko"),
        ("yorozu shien kyoten tte itsu kara aru no?", "romaji"),
        ("コネクター度とは？", "ja"),
        ("Write me a short poem about cherry blossoms please.", "en"),
    ],
)
def test_language_of_a_question(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_english_is_not_read_as_romaji() -> None:
    assert romaji_to_kana("Please tell me the strongest subsidy") is None
    assert romaji_to_kana("chiiki mirai koufukin") == "ちいき みらい こうふきん"


def test_catalog_sources_off_agency_sites_are_warned_not_rejected() -> None:
    from retrieval.corpus import load_corpus

    corpus = load_corpus(CORPUS)
    assert corpus.problems == []
    assert all("agency's own page" in w.message for w in corpus.warnings)  # only off-agency source_urls remain
    warned = {w.entry.split("id=")[-1].rstrip(")") for w in corpus.warnings}
    by_id = {m.id: m for m in corpus.measures}
    assert "revicareer" in warned and "gfp-nourin-yushutsu-project" not in warned
    for ident in warned:  # no agency page in the facts: the entry says 要確認 and why
        assert not by_id[ident].verified and by_id[ident].unverified
        assert not any(c.verified for c in by_id[ident].criteria)


def _entry(ident: str, url: str, sources: list[str] | None = None, verified: bool = False,
           criteria: list[object] | None = None) -> object:
    from types import SimpleNamespace

    return SimpleNamespace(id=ident, source_url=url, sources=sources or [], verified=verified, criteria=criteria or [])


def test_every_source_url_off_the_listed_agency_domains_is_warned() -> None:
    from types import SimpleNamespace

    from retrieval.corpus import source_warnings

    domains = ("go.jp", "jetro.go.jp")
    entries = [
        _entry("a", "https://news.example.com/x", ["https://www.meti.go.jp/p.html"]),
        _entry("b", "https://blog.example.org/y", verified=True),
        _entry("c", "https://www.chusho.meti.go.jp/z", ["https://news.example.com"], verified=True),
        _entry("d", "https://www.city.example.lg.jp/kigyo.html"),  # a town's page about a national measure
        _entry("e", "https://go.jp.example.com/"),  # look-alike hosts are not agency sites
        _entry("f", "https://www.jetro.go.jp/news/"),
        _entry("g", "policy:kihon-kangaekata", verified=True),
        _entry("h", "https://hojokin.example.com/", criteria=[SimpleNamespace(label="投資額10億円以上", verified=True)]),
    ]
    warned = [(w.entry, w.message) for w in source_warnings(entries, domains)]  # type: ignore[arg-type]
    assert ("entry 1 (id=a)", "source_url is not an agency's own page (news.example.com); sources lists an agency page: "
            "https://www.meti.go.jp/p.html") in warned
    assert any(e == "entry 2 (id=b)" and "verified: true is backed only by secondary sources" in m for e, m in warned)
    assert any(e == "entry 4 (id=d)" and "www.city.example.lg.jp" in m for e, m in warned)
    assert any(e == "entry 5 (id=e)" for e, _ in warned)
    assert any(e == "entry 8 (id=h)" and "投資額10億円以上" in m and "verified: false" in m for e, m in warned)
    assert not any(e in ("entry 3 (id=c)", "entry 6 (id=f)", "entry 7 (id=g)") for e, _ in warned)
    assert len(warned) == 7  # a, b twice (url and flag), d, e, h twice (url and criterion)


def test_agency_domains_are_read_from_the_catalog_and_checked(tmp_path: Path) -> None:
    from retrieval.corpus import load_corpus

    catalog = (CORPUS / "support_measures.yaml").read_text(encoding="utf-8")
    listed = catalog.split("agency_domains:\n", 1)[1].split("measures:", 1)
    (tmp_path / "support_measures.yaml").write_text(
        catalog.replace("agency_domains:\n" + listed[0], "agency_domains:\n- go.jp\n- not a domain\n"), encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert [p.entry for p in corpus.problems] == ["agency_domains.2"]
    (tmp_path / "support_measures.yaml").write_text(
        catalog.replace("agency_domains:\n" + listed[0], ""), encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert corpus.problems == []
    assert any(w.entry == "agency_domains" for w in corpus.warnings)  # nothing listed: every web page is secondary
    assert any("machi.smrj.go.jp" in w.message for w in corpus.warnings)


def test_a_plain_description_names_its_term_and_its_examples_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "glossary.yaml"
    path.write_text(
        "schema_version: 1\nfirst_line: {en: A, zh: B, ko: C}\nplain_asks: ['指標']\n"
        "plain_examples: ['地元からの仕入れを測る指標は？', '大手に頼りきりでもいい？']\n"
        "plain_not_examples: ['地元から仕入れています。補助金は？']\nterms:\n"
        "  - {ja: ハブ度, plain: ['地元からの仕入'], en: [hub degree]}\n"
        "  - {ja: 外部依存性, plain_alone: true, plain: ['大手に頼り'], en: [dependence on]}\n",
        encoding="utf-8",
    )
    glossary, problems = validate_glossary(path)
    assert problems == []
    assert glossary.plain_terms("地元からの仕入れが多い会社を測る指標") == ["ハブ度"]
    assert glossary.plain_terms("地元からの仕入れが多い会社です") == []  # no term asked: not read as ハブ度
    assert glossary.plain_terms("大手に頼りきりの計画") == ["外部依存性"]  # specific enough alone
    bad = tmp_path / "bad.yaml"
    bad.write_text(path.read_text(encoding="utf-8").replace("plain_not_examples: ['地元から仕入れています。補助金は？']",
                                                           "plain_not_examples: ['地元からの仕入れの指標']"), encoding="utf-8")
    assert [p.entry for p in validate_glossary(bad)[1]] == ["plain_not_examples"]


def test_glossary_loanwords_are_lower_case_words_spelled_in_the_sources_katakana(tmp_path: Path) -> None:
    path = tmp_path / "glossary.yaml"
    path.write_text(
        "schema_version: 1\nfirst_line: {en: A, zh: B, ko: C}\n"
        "loanwords: {cluster: クラスター, plan: プラン, Menu: メニュー, gate: ゲート}\nterms: []\n", encoding="utf-8"
    )
    glossary, problems = validate_glossary(path, "地域産業クラスターの計画とプラン、メニュー")
    assert sorted(p.entry for p in problems) == ["loanwords.Menu", "loanwords.gate"]
    assert glossary.loanwords["cluster"] == "クラスター"
