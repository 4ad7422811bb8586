"""Reading a question in another script or language: romaji and kana spellings, English, Chinese, Korean.

Language detection uses ``langdetect`` (seeded, so it is deterministic); the glossary (``corpus/glossary.yaml``)
turns the terms of a foreign question into the sources' Japanese terms for the search.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import jaconv

from bot.answering.reading import kana_written, read_kana_words, read_terms
from bot.answering.romaji import read_romaji_words, romaji_to_kana
from retrieval.generations import keep_only
from retrieval.index import LoadedIndex
from retrieval.questions import Glossary

# kana, not the middle dot 「・」 (U+30FB), which Chinese text writes too (「中坚・中小企业」)
_KANA = re.compile(r"[\u3041-\u309f\u30a1-\u30fa\u30fc-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_EN_WORDS = re.compile(
    r"\b(the|is|are|a|an|i|me|my|our|we|you|your|what|how|does|do|there|and|of|to|in|on|for|with|about|can|which|who|if"
    r"|please|write|tell|show|give|it|this|that|be|have|has)\b",
    re.I,
)
# simplified-only characters (no Japanese text writes them: 补 is 補, 县 is 県, 经营 is 経営)
_SIMPLIFIED = re.compile("[们吗么这个没为对说业电产过请问钱应该还级继帮哪补贴额资规长经营实发开关门时间书务图县乡镇环网络]")


ROMAJI_SHARE = 0.8  # share of the words that read as kana with no Latin letter left over
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


def _romaji_share(text: str) -> float:
    """The share of a question's words that are whole romaji syllables (「keisan」 yes, 「what」 no)."""
    words = _WORD.findall(text)
    if not words:
        return 0.0
    clean = sum(1 for w in words if not re.search(r"[A-Za-z]", jaconv.alphabet2kana(w.lower().replace("-", "ー"))))
    return clean / len(words)


@dataclass
class Reading:
    """How the desk read a question: its language and the Japanese text it searches with."""

    lang: str  # "ja" | "romaji" | "en" | "zh" | "ko"
    query: str
    asked: str | None = None  # a foreign question as asked: what the multilingual dense channel embeds


@lru_cache(maxsize=1)
def _detector_seeded() -> bool:
    from langdetect import DetectorFactory

    DetectorFactory.seed = 0
    return True


_JAPANESE_RUN = re.compile(r"[\u3041-\u30ff\u4e00-\u9fff々ー・]{2,}")
LATIN_SHARE = 0.6  # share of a question's letters that are Latin for it to be English despite a kanji term


def _mostly_latin(text: str) -> bool:
    """True when most letters are Latin and the Latin words are English (「… the basic cap (持続化補助金)?」)."""
    letters = [ch for ch in text if ch.isalpha()]
    latin = sum(1 for ch in letters if ch.isascii())
    return bool(letters) and latin / len(letters) >= LATIN_SHARE and len(_EN_WORDS.findall(text)) >= 2


def with_loanwords(text: str, loanwords: Mapping[str, str]) -> str:
    """An ASCII question with its English loanwords (cluster, plan) spelled as the romaji of the sources' katakana
    (kurasuta-, puran), so 「chiiki sangyo cluster keikaku」 reads as romaji; any other text unchanged."""
    if not loanwords or not text.isascii():
        return text
    return re.sub(r"[A-Za-z]+", lambda m: _loan_romaji(loanwords.get(m.group(0).lower())) or m.group(0), text)


def _loan_romaji(kata: str | None) -> str | None:
    return jaconv.kata2alphabet(kata) if kata else None


SIMPLIFIED_MIN = 2  # simplified-only characters for a question with a little kana to read as Chinese
KANA_SHARE_ZH = 0.25  # a Chinese question quoting a Japanese name (「よろず支援拠点」) holds few kana


def _chinese_with_japanese_names(text: str) -> bool:
    """True for Chinese that quotes a Japanese name: simplified-only characters, and kana a small share of the letters."""
    if len(_SIMPLIFIED.findall(text)) < SIMPLIFIED_MIN:
        return False
    letters = [ch for ch in text if _HAN.match(ch) or _KANA.match(ch)]
    return bool(letters) and len(_KANA.findall(text)) / len(letters) < KANA_SHARE_ZH


def detect_language(text: str) -> str:
    """'ja', 'romaji', 'en', 'zh' or 'ko' (kana means Japanese unless the text is Chinese quoting a Japanese name;
    Hangul Korean; otherwise langdetect decides)."""
    if _KANA.search(text):
        return "zh" if _chinese_with_japanese_names(text) else "ja"
    if _HANGUL.search(text):
        return "ko"
    if _HAN.search(text):
        if _mostly_latin(text):  # 「What is the subsidy rate of … (持続化補助金)?」: English naming a Japanese term
            return "en"
        if _SIMPLIFIED.search(text):
            return "zh"
        _detector_seeded()
        from langdetect import LangDetectException, detect

        try:
            return "zh" if detect(text).startswith("zh") else "ja"
        except LangDetectException:
            return "ja"
    if text.isascii() and re.search(r"[A-Za-z]", text):
        if romaji_to_kana(text) is not None and _romaji_share(text) >= ROMAJI_SHARE:
            return "romaji"  # 「konekutaa-do to habu-do tte…」: Japanese words, whatever "to" and "do" are in English
        return "en"
    return "ja"


# an upper-case word (EBPM, KPI) or a name with capitals (REVICareer): searched as it is when the sources use it
_ACRONYM = re.compile(r"(?<![A-Za-z])(?:[A-Z][A-Z&]+|[A-Z]{2,}[a-z]+[A-Za-z]*)(?![A-Za-z])")
_ACRONYMS: dict[str, frozenset[str]] = {}


def source_acronyms(index: LoadedIndex, text: str) -> list[str]:
    """The upper-case words of a question (EBPM, KPI, TSMC) and names with capitals (REVICareer) that the sources use
    as they are."""
    if index.generation not in _ACRONYMS:
        keep_only(_ACRONYMS, index.generation)  # one generation is served at a time
        _ACRONYMS[index.generation] = frozenset(w for c in index.chunks for w in _ACRONYM.findall(c.text))
    known = _ACRONYMS[index.generation]
    return [w for w in _ACRONYM.findall(text) if w in known]


_QUOTED = re.compile(r"[「『“\"]([^」』”\"]{2,40})[」』”\"]")
_BODIES: dict[str, str] = {}


def quoted_source_terms(index: LoadedIndex, text: str) -> list[str]:
    """The spans a foreign question quotes (「大規模成長投資補助金」) that the sources use as they are: the name of a
    measure or term asked about, searched as written whatever script the rest of the question is in."""
    if index.generation not in _BODIES:
        keep_only(_BODIES, index.generation)  # one generation is served at a time
        _BODIES[index.generation] = "\n".join(c.text for c in index.chunks)
    bodies = _BODIES[index.generation]
    return [span.strip() for span in _QUOTED.findall(text) if len(span.strip()) >= 2 and span.strip() in bodies]


_LEAD_TAG = re.compile(r"^\s*[【\[［〈《〔]([^】\]］〉》〕]{1,12})[】\]］〉》〕]\s*")


def without_message_tags(index: LoadedIndex, text: str) -> str:
    """A question less the message tags it opens with (【確認】, [質問], 【至急】): a bracketed span the sources do not
    write in brackets is the asker's register, not a term; a policy label (【EBPMメルクマール】) stays."""
    if index.generation not in _BODIES:
        keep_only(_BODIES, index.generation)  # one generation is served at a time
        _BODIES[index.generation] = "\n".join(c.text for c in index.chunks)
    bodies = _BODIES[index.generation]
    while (tag := _LEAD_TAG.match(text)) and f"【{tag.group(1)}】" not in bodies and text[tag.end():].strip():
        text = text[tag.end():]
    return without_hearsay(text)


# 「「X」という言葉を白書で見ました。」「ニュースで聞いた「X」って」: where the asker met a quoted term is no part of
# what is asked; the quoted term stays
_HEARSAY = re.compile(
    r"^(\s*[「『][^」』]{2,30}[」』])(?:という|って|との)?(?:言葉|用語|単語|名前|表現|話)?(?:を|は|が)?"
    r"[^。？?！!「『]{0,20}?(?:見|聞|読|目にし|耳にし|見かけ)(?:ました|た|まして|て)[。、,]\s*"
)


def without_hearsay(text: str) -> str:
    """A question less the clause saying where the asker met the quoted term it asks about (its quote kept)."""
    m = _HEARSAY.match(text)
    return f"{m.group(1)} {text[m.end():]}" if m and text[m.end():].strip() else text


def read_question(
    index: LoadedIndex, text: str, glossary: Glossary, vocabulary: Mapping[str, str] | None = None
) -> Reading:
    """The question's language and the Japanese query to search with (unchanged for ordinary Japanese).

    ``vocabulary`` (reading → word, :func:`bot.answering.reading.vocabulary_readings`) reads romaji words that are
    not terms of the sources (tsugasetai → 継ぐ), so a romaji situation question shows its need."""
    loaned = with_loanwords(text, glossary.loanwords)
    lang = "romaji" if loaned != text and detect_language(loaned) == "romaji" else detect_language(text)
    if lang == "romaji":
        kana = romaji_to_kana(loaned) or romaji_to_kana(text) or text
        if vocabulary is not None:
            return Reading("romaji", read_romaji_words(index, kana, vocabulary))
        return Reading("romaji", read_terms(index, kana.replace(" ", "")))
    if lang in ("en", "zh", "ko"):
        terms = [*glossary.japanese_terms(text, lang), *source_acronyms(index, text)]
        if lang != "zh":  # 「Tell me about 地域未来交付金」: a Japanese term written as it is (Chinese text is not one)
            terms += _JAPANESE_RUN.findall(text)
        terms += quoted_source_terms(index, text)  # 「大規模成長投資補助金」 quoted in a Chinese question
        return Reading(lang, " ".join(dict.fromkeys(terms)), asked=text)
    query = read_terms(index, text)
    if vocabulary is not None and kana_written(text):  # 「けいえいの てつだい」: the rest of its kana words read too
        query = read_kana_words(query, vocabulary)
    described = glossary.plain_terms(query)  # 「外とどれだけ商売してるかを測る指標」: the term it describes (コネクター度)
    return Reading("ja", f"{query} {' '.join(described)}" if described else query)
