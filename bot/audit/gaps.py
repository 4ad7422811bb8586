"""The gap report: declined questions, 👎 answers and consultations grouped by topic, with the closest source,
and staff replies marked as FAQ candidates exported as catalog entries for review (never indexed automatically)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

import yaml

from bot.audit.pii import build_masker
from retrieval.tokenize import sudachi_tokens
from retrieval.types import Hit

if TYPE_CHECKING:
    from bot.audit.log import AuditLog

SearchFn = Callable[..., Sequence[Hit]]
SIMILAR = 0.34  # Jaccard of content words above which two questions share a topic
PLAN_TYPES = ["strategic_cluster", "regional_cluster", "local_industry"]


@dataclass
class GapItem:
    """One unanswered question: where it came from and when."""

    question: str
    kind: str  # declined | down | consultation
    day: date
    channel: str = ""


@dataclass
class GapGroup:
    """Questions about one topic, with counts by kind and day and the closest existing source."""

    label: str
    items: list[GapItem] = field(default_factory=list)
    by_kind: dict[str, int] = field(default_factory=dict)
    by_day: dict[date, int] = field(default_factory=dict)
    closest: str = ""

    @property
    def total(self) -> int:
        """Questions in the group."""
        return len(self.items)


def _words(text: str) -> frozenset[str]:
    return frozenset(t for t in sudachi_tokens(text) if len(t) > 1 or not t.isascii())


def group_questions(items: Sequence[GapItem], threshold: float = SIMILAR) -> list[GapGroup]:
    """Group questions whose content words overlap (Jaccard ≥ ``threshold`` with any member), biggest first."""
    groups: list[tuple[list[frozenset[str]], GapGroup]] = []
    for item in items:
        words = _words(item.question)
        home = None
        for members, group in groups:
            if any(words and m and len(words & m) / len(words | m) >= threshold for m in members):
                home = (members, group)
                break
        if home is None:
            home = ([], GapGroup(label=item.question))
            groups.append(home)
        home[0].append(words)
        home[1].items.append(item)
    out = []
    for members, group in groups:
        counts = Counter(w for m in members for w in m)
        common = [w for w, n in counts.most_common(3) if n > 1 or len(members) == 1]
        group.label = "・".join(common) if len(members) > 1 and common else group.items[0].question
        group.by_kind = dict(Counter(i.kind for i in group.items))
        group.by_day = dict(sorted(Counter(i.day for i in group.items).items()))
        out.append(group)
    out.sort(key=lambda g: (-g.total, g.label))
    return out


def attach_closest(groups: Sequence[GapGroup], search: SearchFn | None) -> None:
    """Name each group's closest existing source (the desk's own retrieval on its first question)."""
    if search is None:
        return
    for group in groups:
        try:
            hits = search(group.items[0].question, k=1)
        except Exception:
            continue
        if hits:
            chunk = hits[0].chunk
            group.closest = f"{chunk.title} — {chunk.section}" if chunk.section else chunk.title


def collect(rows: Mapping[str, list[dict[str, Any]]], consultations: Sequence[dict[str, Any]], tz: tzinfo,
            mask: Callable[[str], str]) -> list[GapItem]:
    """The period's declined questions, 👎 answers and consultations as gap items (questions masked)."""
    downs = {f["answer_id"] for f in rows.get("feedback", []) if f.get("rating") == "down"}
    items: list[GapItem] = []
    for a in rows.get("answers", []):
        if a.get("kind") != "ask":
            continue
        kind = "declined" if a.get("refused") else "down" if a["answer_id"] in downs else ""
        if kind:
            created = a["created_at"] if a["created_at"].tzinfo else a["created_at"].replace(tzinfo=UTC)
            items.append(GapItem(mask(a["question"]), kind, created.astimezone(tz).date(), a.get("channel", "")))
    for c in consultations:
        created = datetime.fromisoformat(c["created_at"])
        created = created if created.tzinfo else created.replace(tzinfo=UTC)
        items.append(GapItem(mask(c["question"]), "consultation", created.astimezone(tz).date(), c.get("channel", "")))
    return items


def build_gaps(audit: AuditLog, since: date, until: date, tz: tzinfo, search: SearchFn | None = None) -> list[GapGroup]:
    """The gap section of ``madoguchi report`` for [since, until] (Japan days)."""
    from bot.audit.consultations import consultation_store

    lo = datetime.combine(since, time.min, tz).astimezone(UTC)
    hi = datetime.combine(until + timedelta(days=1), time.min, tz).astimezone(UTC)
    audit.flush(timeout=5.0)
    audit.count_answers()
    rows = audit.store.load_usage(lo, hi)
    masker = build_masker(tuple(audit.settings.pii_patterns), True)
    items = collect(rows, consultation_store(audit.store).in_period(lo, hi), tz, lambda t: masker.mask(t) or "")
    groups = group_questions(items)
    attach_closest(groups, search)
    return groups


def faq_entry(candidate: Mapping[str, Any]) -> dict[str, Any]:
    """A FAQ candidate as an entry of ``support_measures.yaml`` (kind consultation, unverified, for review)."""
    masker = build_masker((), True)
    question = masker.mask(str(candidate["question"])) or ""
    answer = masker.mask(str(candidate["text"])) or ""
    as_of = str(candidate.get("created_at") or datetime.now(UTC).isoformat())[:7]
    return {
        "id": f"faq-{str(candidate['id'])[:12]}",
        "name": f"よくある相談: {question[:60]}",
        "aliases": [],
        "agency": "自治体の相談窓口（職員の回答）",
        "kind": "consultation",
        "applicants": ["any_business"],
        "plan_types": list(PLAN_TYPES),
        "needs": ["経営相談"],
        "summary": answer[:400] if len(answer) >= 5 else f"{answer}（職員の回答）",
        "provides": [line.strip() for line in answer.splitlines() if line.strip()][:10],
        "eligibility": [],
        "amounts": [],
        "criteria": [],
        "policy_refs": [],
        "policy_wording": "",
        "source_url": "",
        "sources": [f"consultation:{candidate.get('consultation_id', '')}"],
        "as_of": as_of,
        "verified": False,
        "unverified": ["職員が相談への回答として書いた内容。掲載前に出典・最新性を確認し、plan_types と needs を見直すこと"],
        "contact": "",
        "faq_question": question,
    }


def faq_yaml(candidates: Sequence[Mapping[str, Any]]) -> str:
    """FAQ candidates as a YAML document in the catalog's schema (``schema_version`` + ``measures``)."""
    header = ("# FAQ 候補（担当者の回答から）。確認のうえ corpus/support_measures.yaml の measures に追記する。\n"
              "# 自動では索引に入らない。\n")
    body = {"schema_version": 1, "measures": [faq_entry(c) for c in candidates]}
    return header + yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=1000)
