"""Named organisations in a plan sentence: firms, associations, universities and banks written by name.

The desk needs to tell 「遠州電機（従業員420人）」「かもめ水産」「㈱八ヶ岳オプティクス」「人吉温泉旅館組合」 — a
concrete actor — from 「地元の水産加工会社」「精密機械メーカー数社」「〇〇工業」 — a kind of firm or a masked name.
All word lists are data (``actor_names`` in ``corpus/plan_terms.yaml``); this module only knows how a Japanese
organisation name is built:

- a legal form before or after the name (株式会社X, X株式会社, (株)X, 一般社団法人X …);
- a proper part (kanji / katakana / Latin, or hiragana right after a boundary) followed by a business or organisation
  suffix (〇〇工業, 〇〇化成, 〇〇水産, 〇〇製作所, 〇〇組合, 〇〇大学, 〇〇信用金庫 …) or a katakana brand ending
  (〇〇エレクトロニクス) or 社 after a katakana/Latin name (東洋エナジーセル社);
- a name in 「」 that ends in an organisation word (「〇〇推進協議会」);
- a name right before the firm's particulars in brackets (X（従業員420人）, X（創業1890年）).

With a legal form the name may be a placeholder (「株式会社M漆工」「◇◇森林組合」「□□漆器協同組合」): the legal form says a
particular body is meant. Without one a masked name (〇〇工業) is not a name.

The proper part must keep something after leading generic words are removed (県内, 地元, 精密, 自動車 …), must not be
a masked name (〇〇, ○○, ××), and the suffix must not run on into a generic head noun (水産加工, 機械メーカー).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from retrieval import regex as rx

_NAME_CH = r"\u4e00-\u9fff\u3005\u30a1-\u30fa\u30fc\uff66-\uff9fa-z0-9&"
_NAME_RUN = re.compile(f"[{_NAME_CH}]+$")
_HIRA_RUN = re.compile(r"[\u3041-\u3096]+$")
_BOUNDARY = set(" \t　、。,.:：;；・「『(（【[“\"'/／")
_MASK = set("〇○◯×✕△▲＊*□■◇◆")  # 伏せ字(〇〇工業、△△製作所)
_MASKS = "".join(sorted(_MASK)).replace("*", r"\*")
_PARTICLE = re.compile(r"(?:が|は|と|を|に|の|も|で|や|から|など)")
_MAX_NAME = 16
_MASKED_BEFORE = re.compile(f"[{_MASKS}]{{2,}}[{_NAME_CH}]{{0,{_MAX_NAME}}}$")


@dataclass(frozen=True)
class NameSpec:
    """The word lists that say what a name looks like (compiled once per vocabulary)."""

    legal_prefix: re.Pattern[str] | None
    legal_suffix: re.Pattern[str] | None
    suffix: re.Pattern[str] | None
    brand: re.Pattern[str] | None
    quoted: re.Pattern[str] | None
    particulars: re.Pattern[str] | None
    sha: re.Pattern[str]
    generic: tuple[str, ...]
    role_words: tuple[str, ...]
    run_on: tuple[str, ...]
    hiragana_stop: frozenset[str]


def _alt(words: Sequence[str]) -> str:
    return "|".join(re.escape(w.lower()) for w in sorted(set(words), key=len, reverse=True) if w)


def _compile(words: Sequence[str], template: str) -> re.Pattern[str] | None:
    alt = _alt(words)
    return rx.compiled(template.replace("{alt}", alt)) if alt else None


@lru_cache(maxsize=8)
def _spec(key: tuple[tuple[str, tuple[str, ...]], ...]) -> NameSpec:
    data = dict(key)
    legal = data.get("legal_forms", ())
    org_words = [*data.get("business_suffixes", ()), *data.get("organisation_suffixes", ())]
    return NameSpec(
        legal_prefix=_compile(legal, r"(?:{alt})\s*(?=[" + _NAME_CH + _MASKS + r"\u3041-\u3096])"),
        legal_suffix=_compile(legal, r"(?:{alt})"),
        suffix=_compile(org_words, r"(?:{alt})"),
        brand=_compile(data.get("brand_endings", ()), r"(?:{alt})"),
        quoted=_compile(data.get("organisation_suffixes", ()), r"[「『]([^」』]{2,40}?(?:{alt}))[」』]"),
        particulars=_compile(data.get("particulars", ()), r"[(（]\s*(?:{alt})"),
        sha=re.compile(r"(?<![会商本支各他同弊貴御自入出退神寺])社(?![会員長内外屋宅是則歴名団殿債])"),
        generic=tuple(sorted({g.lower() for g in data.get("generic_words", ())}, key=len, reverse=True)),
        role_words=tuple(sorted({r.lower() for r in data.get("role_words", ())}, key=len, reverse=True)),
        run_on=tuple(sorted({r.lower() for r in data.get("run_on", ())}, key=len, reverse=True)),
        hiragana_stop=frozenset(h for h in data.get("hiragana_stop", ())),
    )


def name_spec(config: Mapping[str, Any] | None) -> NameSpec | None:
    """The compiled name rules of ``actor_names`` in plan_terms.yaml (None when the vocabulary has none)."""
    if not config:
        return None
    key = tuple(sorted((str(k), tuple(str(v) for v in (vals or ()))) for k, vals in config.items() if isinstance(vals, list)))
    return _spec(key)


def _proper_part(text: str, end: int, spec: NameSpec) -> tuple[int, str] | None:
    """The name written just before ``end`` (start, core) — None when it is only generic words or masked."""
    head = text[max(0, end - _MAX_NAME) : end]
    run = _NAME_RUN.search(head)
    start = end - (len(run.group(0)) if run else 0)
    before = text[max(0, start - _MAX_NAME) : start]
    hira = _HIRA_RUN.search(before)
    if hira and len(hira.group(0)) >= 2:
        h_start = start - len(hira.group(0))
        prev = text[h_start - 1] if h_start > 0 else " "
        if (prev in _BOUNDARY or h_start == 0) and hira.group(0) not in spec.hiragana_stop:
            start = h_start
    if start > 0 and text[start - 1] in _MASK:
        return None
    core = text[start:end]
    if any(ch in _MASK for ch in core):
        return None
    for role in spec.role_words:  # 「中堅化学メーカーB化学」→「B化学」: the name comes after the kind of firm
        cut = core.rfind(role)
        if cut >= 0 and cut + len(role) < len(core):
            start += cut + len(role)
            core = core[cut + len(role) :]
    rest = core
    changed = True
    while rest and changed:
        changed = False
        for word in spec.generic:
            if rest.startswith(word):
                rest, changed = rest[len(word) :], True
                break
        if rest and rest[0].isdigit():
            rest, changed = rest.lstrip("0123456789"), True
    if not rest or rest in spec.role_words or rest in spec.generic:
        return None
    return start, core


def _runs_on(text: str, end: int, spec: NameSpec) -> bool:
    tail = text[end : end + 8]
    return any(tail.startswith(w) for w in spec.run_on)


def named_organisations(norm: str, shown: str, config: Mapping[str, Any] | None) -> list[str]:
    """Names of organisations written in a sentence (``norm`` for matching, ``shown`` for the names)."""
    spec = name_spec(config)
    if spec is None:
        return []
    text = norm
    shown = shown if len(shown) == len(norm) else norm
    spans: list[tuple[int, int]] = []

    def add(start: int, end: int) -> None:
        if end > start and not any(s <= start and end <= e for s, e in spans):
            spans[:] = [(s, e) for s, e in spans if not (start <= s and e <= end)]
            spans.append((start, end))

    if spec.legal_prefix:
        for m in spec.legal_prefix.finditer(text):
            if _PARTICLE.match(text, m.end()):  # 「…協同組合と株式会社M漆工」: 協同組合 ends a name here
                continue
            tail = rx.match(f"[{_NAME_CH}{_MASKS}\u3041-\u3096]{{1,{_MAX_NAME}}}", text[m.end() :])
            if tail:
                # the name ends at the first particle written after a kanji/katakana (「ゆずの里が」→「ゆずの里」)
                name = re.split(r"(?<=[^\u3041-\u3096])(?:が|は|と|を|に|の|も|で|や|から|など)", tail.group(0))[0]
                if name:
                    add(m.start(), m.end() + len(name))
    for pattern in (spec.legal_suffix, spec.suffix, spec.brand):
        if pattern is None:
            continue
        for m in pattern.finditer(text):
            if pattern is not spec.legal_suffix and _runs_on(text, m.end(), spec):
                continue
            if any(len(g) > len(m.group(0)) and text.endswith(g, 0, m.end()) for g in spec.generic):
                continue  # 「水産加工業」: the suffix (工業) ends a general word, not a name
            found = _proper_part(text, m.start(), spec)
            if found:
                add(found[0], m.end())
            elif pattern is spec.legal_suffix:  # 「◇◇森林組合」: a placeholder name with a legal form
                masked = _MASKED_BEFORE.search(text, max(0, m.start() - 2 * _MAX_NAME), m.start())
                if masked:
                    add(masked.start(), m.end())
    for m in spec.sha.finditer(text):
        found = _proper_part(text, m.start(), spec)
        if found and re.search(r"[a-z\u30a1-\u30fa]", found[1]) and not found[1][-1].isdigit():
            add(found[0], m.end())
    if spec.quoted:
        for m in spec.quoted.finditer(text):
            if not any(ch in _MASK for ch in m.group(1)):
                add(m.start(1), m.end(1))
    if spec.particulars:
        for m in spec.particulars.finditer(text):
            quote = re.search(r"[「『]([^「『」』]{2,30})[」』]$", text[max(0, m.start() - 32) : m.start()])
            if quote and not any(ch in _MASK for ch in quote.group(1)):  # 「パティスリー・ミナモ」(従業員6名)
                add(m.start() - len(quote.group(0)) + 1, m.start() - 1)
                continue
            found = _proper_part(text, m.start(), spec)
            if found:
                add(found[0], m.start())
    return [shown[s:e] for s, e in sorted(spans)]
