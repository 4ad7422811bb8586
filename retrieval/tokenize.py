"""Tokenizers for the lexical channels: Sudachi normalized forms and character bigrams."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from retrieval.normalize import normalize

# Parts of speech that carry no content for search.
_DROP_POS = {"助詞", "助動詞", "補助記号", "記号", "空白"}
# Words that frame a question rather than say what it is about.
STOPWORDS = frozenset(
    """
    する ある いる なる れる られる せる できる 出来る 思う 言う いう 教える 知る 分かる 分る わかる 聞く 伺う 尋ねる
    ください 下さい 頂く いただく くれる もらう 貰う 欲しい ほしい 良い よい いい
    こと 事 もの 物 ため 為 よう 様 とき 時 ところ 所 方 ほう 何 なに なん 何か どれ どこ どの どう どんな どうやって
    いつ 誰 だれ これ それ あれ この その あの ここ そこ 際 点 等 など 場合 について 関する 対する 上 中 内 以下
    です ます お 御 ご さん 様 的 とは 意味 内容 教え 知り 本当 まず 又 また 及び 並びに かつ 例えば
    a an the of to in on for and or is are be was it this that what which who how when where why do does can
    please me my your you i we our tell about
    幾ら 幾つ 何故 何時 何処
    下さる 付く つく 就く 頂ける 貰える 呉れる 為る 有る 居る 成る 致す 御座る 云う 出来る 定義 概要 説明 詳細 具体 具体的
    """.split()
)
# Sudachi rejects inputs above ~49 KB; longer text is tokenized in slices.
_MAX_SLICE = 4000
# One lock for every Sudachi tokenizer of the process (the lru_cache'd ones are shared by retrieval and plan analysis):
# a tokenizer object is not thread-safe, and two locks over the same object let two threads in at once.
SUDACHI_LOCK = threading.RLock()
_lock = SUDACHI_LOCK
# 「ハブ度って何」: Sudachi reads 「度って」 as the verb 測る; a space before って keeps the noun.
_TTE = re.compile(r"(?<=[^\u3040-\u309f\s])って")


@lru_cache(maxsize=1)
def sudachi_dictionary() -> Any:
    """The one Sudachi core dictionary of the process (≈ 200 MB): every tokenizer, of every mode, is made from it."""
    from sudachipy import Dictionary

    return Dictionary(dict="core")


@lru_cache(maxsize=3)
def sudachi_tokenizer(mode: str) -> Any:
    """A Sudachi tokenizer in split mode ``"A"``, ``"B"`` or ``"C"`` over the shared dictionary (not thread-safe)."""
    from sudachipy import SplitMode

    dictionary = sudachi_dictionary()
    make = getattr(dictionary, "tokenizer", None) or dictionary.create
    return make(mode=getattr(SplitMode, mode))


def _sudachi() -> Any:
    return sudachi_tokenizer("B")


def _slices(text: str) -> list[str]:
    return [text[i : i + _MAX_SLICE] for i in range(0, len(text), _MAX_SLICE)] or [""]


_ASCII_WORD = re.compile(r"^[0-9a-z][0-9a-z._-]*$")


def _form(morpheme: Any) -> str:
    """Normalized form, except Latin words: Sudachi would turn 'ignore' into katakana."""
    surface = str(morpheme.surface())
    return surface if _ASCII_WORD.match(surface) else str(morpheme.normalized_form())


# Part-of-speech id → dropped (``_DROP_POS``), filled as ids are met: comparing an int saves building each
# morpheme's part-of-speech tuple, and dropped morphemes skip their normalized form (ingest tokenizes every chunk).
_DROPPED_POS_ID: dict[int, bool] = {}


def _dropped(morpheme: Any) -> bool:
    pos_id = morpheme.part_of_speech_id()
    dropped = _DROPPED_POS_ID.get(pos_id)
    if dropped is None:
        dropped = _DROPPED_POS_ID[pos_id] = morpheme.part_of_speech()[0] in _DROP_POS
    return dropped


# an ask tokenizes its question and the same quotable lines many times over (≈ 14 Sudachi calls an ask, mostly
# repeats): short texts are remembered; chunk bodies (ingest) pass through so the cache stays small
_CACHED_CHARS = 400


def sudachi_tokens(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Content words of ``text`` as Sudachi normalized forms (particles and symbols dropped)."""
    if len(text) <= _CACHED_CHARS:
        return list(_short_tokens(text, keep_stopwords))
    return _tokens_of(text, keep_stopwords)


@lru_cache(maxsize=8192)
def _short_tokens(text: str, keep_stopwords: bool) -> tuple[str, ...]:
    return tuple(_tokens_of(text, keep_stopwords))


def _tokens_of(text: str, keep_stopwords: bool) -> list[str]:
    out: list[str] = []
    tokenizer = _sudachi()
    for part in _slices(_TTE.sub(" って", normalize(text).lower())):
        with _lock:  # Sudachi's tokenizer object is not thread-safe
            forms = [_form(m) for m in tokenizer.tokenize(part) if not _dropped(m)]
        for form in forms:
            if not form.strip():
                continue
            if not keep_stopwords and form in STOPWORDS:
                continue
            out.append(form)
    return out


_NON_WORD = re.compile(r"[\s\W_]+", re.UNICODE)


def bigram_tokens(text: str) -> list[str]:
    """Overlapping character bigrams of the normalized text, punctuation and spaces removed."""
    runs = [run for run in _NON_WORD.split(normalize(text).lower()) if run]
    out: list[str] = []
    for run in runs:
        if len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


@dataclass(frozen=True)
class Morpheme:
    """One Sudachi morpheme, copied out of the tokenizer (its objects are not safe to keep across calls)."""

    surface: str
    base: str  # dictionary form
    normalized: str
    pos: tuple[str, ...]
    reading: str


def morphemes(text: str, mode: str = "C") -> list[Morpheme]:
    """The morphemes of a short text (a word, a cue), tokenized under the module's lock."""
    tokenizer = sudachi_tokenizer(mode)
    with _lock:
        return [Morpheme(str(m.surface()), str(m.dictionary_form()), str(m.normalized_form()),
                         tuple(m.part_of_speech()), str(m.reading_form())) for m in tokenizer.tokenize(text)]


def noun_readings(text: str, max_run: int = 4) -> dict[str, str]:
    """Katakana reading → surface of the nouns of ``text`` and of runs of up to ``max_run`` adjacent nouns
    (「チイキミライコウフキン」→「地域未来交付金」), for reading kana and romaji spellings of the sources' terms."""
    out: dict[str, str] = {}
    tokenizer = _sudachi()
    for part in _slices(normalize(text)):
        with _lock:
            morphemes = [(m.part_of_speech()[0], str(m.surface()), str(m.reading_form())) for m in tokenizer.tokenize(part)]
        run: list[tuple[str, str]] = []
        for pos, surface, reading in [*morphemes, ("", "", "")]:
            if pos in ("名詞", "接尾辞", "接頭辞") and reading:
                run.append((surface, reading))
                continue
            for i in range(len(run)):
                for j in range(i + 1, min(len(run), i + max_run) + 1):
                    out.setdefault("".join(r for _, r in run[i:j]), "".join(s for s, _ in run[i:j]))
            run = []
    return out
