"""Chunking by structure: bullets and short paragraph groups under their heading path."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from retrieval.normalize import normalize
from retrieval.schema import Measure, PlanType
from retrieval.types import SECTION_SEP, Chunk, Document

MAX_CHARS = 320  # body characters per chunk before a new one starts
LONG_ITEM = 60  # an item this long stands as its own chunk
PLAN_TYPE_NAMES = {
    "strategic_cluster": "戦略産業クラスター計画",
    "regional_cluster": "地域産業クラスター計画(地域産業成長プラン)",
    "local_industry": "地場産業成長プラン",
}
APPLICANT_NAMES = {
    "prefecture": "都道府県",
    "municipality": "市町村・地方公共団体",
    "mid_sized": "中堅企業",
    "sme": "中小企業",
    "small_business": "小規模事業者",
    "producer": "生産者・食品事業者",
    "business_group": "事業者グループ・団体",
    "support_org": "商工会・商工会議所・支援機関",
    "any_business": "事業者",
}
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
_BULLET = re.compile(r"^\s*[-*+]\s+")
_LABELLED = re.compile(r"^【[^】]{1,30}】\S")  # a labelled requirement stands as its own chunk
_INTRO_END = ("、", ":", "：", "例)", "<例>", "例）")
_NEXT_NUMBERED = re.compile(r"^[\u2461-\u2473]")  # ②…⑳: the next step of a numbered enumeration
_NUMBERED = re.compile(r"^[\u2460-\u2473]")
MAX_ENUMERATION = 600  # a numbered enumeration (①②③) stays one chunk up to this many characters


@dataclass
class _Section:
    path: tuple[str, ...]
    items: list[str]


def _sections(markdown: str) -> list[_Section]:
    """Split Markdown into heading paths, each with its items (bullets and paragraphs)."""
    stack: list[tuple[int, str]] = []
    sections: list[_Section] = [_Section((), [])]
    paragraph: list[str] = []

    def flush_paragraph() -> None:
        if paragraph:
            sections[-1].items.append("".join(paragraph))
            paragraph.clear()

    for raw in markdown.splitlines():
        line = raw.rstrip()
        heading = _HEADING.match(line)
        if heading:
            flush_paragraph()
            level = len(heading.group(1))
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, normalize(heading.group(2))))
            sections.append(_Section(tuple(text for _, text in stack), []))
        elif not line.strip():
            flush_paragraph()
        elif _BULLET.match(line):
            flush_paragraph()
            sections[-1].items.append(_BULLET.sub("", line).strip())
        else:
            paragraph.append(line.strip())
    flush_paragraph()
    return [s for s in sections if s.items]


def _group(items: Sequence[str]) -> list[list[str]]:
    """Group items: long items stand alone, short ones cluster, intro lines join what follows."""
    groups: list[list[str]] = []
    current: list[str] = []
    size = 0
    for item in items:
        intro_pending = bool(current) and current[-1].endswith(_INTRO_END) and len(current[-1]) < LONG_ITEM
        long_item = len(item) >= LONG_ITEM or bool(_LABELLED.match(item))
        enumeration = _continues_enumeration(current, item, size)
        if current and not intro_pending and not enumeration and (long_item or size + len(item) > MAX_CHARS or len(current[-1]) >= LONG_ITEM or _LABELLED.match(current[-1])):
            groups.append(current)
            current, size = [], 0
        current.append(item)
        size += len(item)
    if current:
        groups.append(current)
    return groups


def _continues_enumeration(current: Sequence[str], item: str, size: int) -> bool:
    """True when ``item`` (②, ③…) is the next step of a numbered enumeration the group already holds:
    「①…②…③…」 is retrieved and quoted as one unit."""
    return (
        bool(_NEXT_NUMBERED.match(item))
        and any(_NUMBERED.match(previous) for previous in current)
        and size + len(item) <= MAX_ENUMERATION
    )


def _stable_id(prefix: str, *parts: str) -> str:
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]
    return f"{prefix}:{digest}"


def plan_types_for(section: str, plan_types: Iterable[PlanType]) -> tuple[str, ...]:
    """Plan types whose top section contains this heading path."""
    return tuple(p.id for p in plan_types if p.section and (section + SECTION_SEP).startswith(p.section + SECTION_SEP))


def chunk_document(doc: Document, plan_types: Sequence[PlanType] = ()) -> list[Chunk]:
    """Chunks of one document, each with its heading path in text and metadata."""
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for section in _sections(doc.text):
        path = SECTION_SEP.join(section.path)
        for group in _group([normalize(item) for item in section.items]):
            body = "\n".join(group)
            chunk_id = _stable_id(doc.doc_id, path, body)
            while chunk_id in seen:
                chunk_id = _stable_id(doc.doc_id, path, body, chunk_id)
            seen.add(chunk_id)
            chunks.append(
                Chunk(
                    id=chunk_id,
                    doc_id=doc.doc_id,
                    kind="policy" if doc.kind == "policy" else "document",
                    title=doc.title,
                    section=path,
                    text=f"{path}\n{body}" if path else body,
                    body=body,
                    url=doc.source_url,
                    as_of=doc.as_of,
                    verified=True,
                    plan_types=plan_types_for(path, plan_types),
                )
            )
    return chunks


def measure_body(measure: Measure) -> str:
    """The quotable text of a catalog entry, one fact per line."""
    lines = [measure.summary]
    lines += [f"支援内容: {p}" for p in measure.provides]
    lines += [f"要件: {e}" for e in measure.eligibility]
    lines += [f"金額等: {a}" for a in measure.amounts]
    if measure.applicants:
        lines.append("対象: " + "、".join(APPLICANT_NAMES.get(a, a) for a in measure.applicants))
    lines.append("関係する計画: " + "、".join(PLAN_TYPE_NAMES[p] for p in measure.plan_types))
    if measure.contact:
        lines.append(f"窓口: {measure.contact}")
    if measure.agency:
        lines.append(f"所管: {measure.agency}")  # 「どの役所の事業？」「運営はどこ？」 are answered by this line
    lines += [f"未確認の事項(要確認): {u}" for u in measure.unverified]
    return "\n".join(normalize(line) for line in lines if line)


def chunk_measure(measure: Measure, catalog_title: str = "国の支援施策カタログ") -> Chunk:
    """One chunk per catalog entry: name, aliases and agency lead the indexed text."""
    body = measure_body(measure)
    head = normalize(" / ".join([measure.name, *measure.aliases]) + f"({measure.agency})")
    needs = "関連するニーズ: " + "、".join(measure.needs) if measure.needs else ""
    return Chunk(
        id=f"measure:{measure.id}",
        doc_id="support_measures",
        kind="measure",
        title=normalize(measure.name),
        section=f"{catalog_title}{SECTION_SEP}{normalize(measure.name)}",
        text="\n".join(part for part in (head, body, needs) if part),
        body=body,
        url=measure.source_url,
        as_of=measure.as_of,
        verified=measure.verified,
        plan_types=tuple(measure.plan_types),
        agency=measure.agency,
        extra={"measure_id": measure.id},
    )
