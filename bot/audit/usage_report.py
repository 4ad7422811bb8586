"""Usage report from the audit log: questions per day and channel, refusals, feedback, top questions, gaps."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, Any

from retrieval.normalize import normalize

if TYPE_CHECKING:
    from bot.audit.log import AuditLog

DEFAULT_DAYS = 30
_TRAILING = re.compile(r"[\s?？!！。．.、，,]+$")


def report_tz() -> tzinfo:
    """Days are counted in Japan time (Asia/Tokyo; a fixed +09:00 when the tz database is missing)."""
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Asia/Tokyo")
    except Exception:
        return timezone(timedelta(hours=9), "JST")


def question_key(question: str) -> str:
    """The key under which the same question asked differently (width, spaces, ？) is counted once."""
    return _TRAILING.sub("", normalize(question or "")).lower()


@dataclass
class Gap:
    """A question the desk declined or that got 👎: a candidate for new corpus material."""

    question: str
    asked: int = 0
    refused: int = 0
    down: int = 0
    last_seen: date | None = None
    channels: list[str] = field(default_factory=list)


@dataclass
class UsageReport:
    """The aggregated figures of one period (days inclusive, Japan time)."""

    since: date
    until: date
    total: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    channels: list[str] = field(default_factory=list)
    per_day: dict[date, dict[str, int]] = field(default_factory=dict)  # every day of the period
    asks: int = 0
    refused: int = 0
    refused_per_day: dict[date, tuple[int, int]] = field(default_factory=dict)  # day → (refused, asks)
    refused_by_channel: dict[str, tuple[int, int]] = field(default_factory=dict)  # channel → (refused, asks)
    feedback_up: int = 0
    feedback_down: int = 0
    answers_with_feedback: int = 0
    feedback_raters: int = 0  # distinct raters (a rating without a rater, e.g. a Slack click, counts as one)
    feedback_bursts: list[tuple[str, int]] = field(default_factory=list)  # (answer id, ratings in one burst window)
    escalations: int = 0
    llm_fallbacks: int = 0
    latency_p50_ms: float | None = None
    latency_p95_ms: float | None = None
    top_questions: list[tuple[str, int]] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    gap_groups: list[Any] = field(default_factory=list)  # bot.audit.gaps.GapGroup: declined, 👎, consultations by topic

    @property
    def refusal_rate(self) -> float | None:
        """Declined questions / questions asked (None when nothing was asked)."""
        return self.refused / self.asks if self.asks else None

    @property
    def feedback_ratio(self) -> float | None:
        """👍 / (👍 + 👎) (None without feedback)."""
        votes = self.feedback_up + self.feedback_down
        return self.feedback_up / votes if votes else None

    @property
    def feedback_share(self) -> float | None:
        """Share of answers that received any feedback."""
        return self.answers_with_feedback / self.total if self.total else None


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _day(value: datetime, tz: tzinfo) -> date:
    return _utc(value).astimezone(tz).date()


def aggregate(
    answers: Iterable[Mapping[str, Any]],
    feedback: Iterable[Mapping[str, Any]] = (),
    escalations: Iterable[Mapping[str, Any]] = (),
    *,
    since: date,
    until: date,
    top_n: int = 10,
    tz: tzinfo | None = None,
) -> UsageReport:
    """Aggregate audit rows (answers with ``created_at`` in UTC) into the report of [since, until]."""
    tz = tz or report_tz()
    feedback = list(feedback)
    rep = UsageReport(since=since, until=until)
    days = [since + timedelta(days=i) for i in range((until - since).days + 1)]
    per_day: dict[date, Counter[str]] = {d: Counter() for d in days}
    refused_day: dict[date, list[int]] = {d: [0, 0] for d in days}
    refused_ch: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    kinds: Counter[str] = Counter()
    asked: dict[str, Any] = {}  # answer id → the ask row (for the gaps)
    latencies: list[float] = []
    seen: set[str] = set()  # answer ids in the period: feedback and escalations on others are ignored
    for row in sorted(answers, key=lambda r: _utc(r["created_at"])):
        day = _day(row["created_at"], tz)
        if day not in per_day:
            continue
        seen.add(row["answer_id"])
        rep.total += 1
        kinds[row["kind"]] += 1
        per_day[day][row["channel"]] += 1
        rep.llm_fallbacks += row.get("mode") == "extractive_fallback"
        if row["kind"] != "ask":
            continue
        rep.asks += 1
        latencies.append(float(row.get("latency_ms") or 0.0))
        refused = bool(row["refused"])
        rep.refused += refused
        refused_day[day][0] += refused
        refused_day[day][1] += 1
        refused_ch[row["channel"]][0] += refused
        refused_ch[row["channel"]][1] += 1
        asked[row["answer_id"]] = {**row, "day": day}
    rated: set[str] = set()
    downs: Counter[str] = Counter()
    for fb in feedback:
        if fb["answer_id"] not in seen:
            continue
        rated.add(fb["answer_id"])
        if fb["rating"] == "up":
            rep.feedback_up += 1
        elif fb["rating"] == "down":
            rep.feedback_down += 1
            downs[fb["answer_id"]] += 1
    rep.answers_with_feedback = len(rated)
    kept = [fb for fb in feedback if fb["answer_id"] in seen]
    rep.feedback_raters = len({fb.get("rater") or f"row:{fb.get('id') or id(fb)}" for fb in kept})
    rep.feedback_bursts = feedback_bursts(kept)
    rep.escalations = sum(1 for e in escalations if e["answer_id"] in seen)
    rep.by_kind = dict(kinds)
    rep.channels = sorted({ch for counts in per_day.values() for ch in counts})
    rep.per_day = {d: {ch: per_day[d][ch] for ch in rep.channels} for d in days}
    rep.refused_per_day = {d: (v[0], v[1]) for d, v in refused_day.items()}
    rep.refused_by_channel = {ch: (v[0], v[1]) for ch, v in sorted(refused_ch.items())}
    rep.latency_p50_ms = _percentile(latencies, 0.5)
    rep.latency_p95_ms = _percentile(latencies, 0.95)
    rep.top_questions, rep.gaps = _questions(asked, downs, top_n)
    return rep


BURST_RATINGS = 5  # this many ratings on one answer …
BURST_WINDOW = timedelta(minutes=10)  # … within this long is flagged as a burst


def feedback_bursts(feedback: Iterable[Mapping[str, Any]]) -> list[tuple[str, int]]:
    """Answers that got ``BURST_RATINGS`` or more ratings within ``BURST_WINDOW`` (most first), with the peak count."""
    times: dict[str, list[datetime]] = defaultdict(list)
    for fb in feedback:
        if fb.get("created_at") is not None:
            times[fb["answer_id"]].append(_utc(fb["created_at"]))
    found: list[tuple[str, int]] = []
    for answer_id, stamps in times.items():
        stamps.sort()
        peak, start = 0, 0
        for end, stamp in enumerate(stamps):
            while stamp - stamps[start] > BURST_WINDOW:
                start += 1
            peak = max(peak, end - start + 1)
        if peak >= BURST_RATINGS:
            found.append((answer_id, peak))
    return sorted(found, key=lambda item: (-item[1], item[0]))


def _questions(asked: dict[str, Any], downs: Counter[str], top_n: int) -> tuple[list[tuple[str, int]], list[Gap]]:
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    gaps: dict[str, Gap] = {}
    for answer_id, row in asked.items():  # rows are oldest first, so the newest wording wins
        key = question_key(row["question"])
        counts[key] += 1
        shown[key] = row["question"]
        gap = gaps.setdefault(key, Gap(question=row["question"]))
        gap.question = row["question"]
        gap.asked += 1
        gap.refused += bool(row["refused"])
        gap.down += downs.get(answer_id, 0)
        gap.last_seen = max(gap.last_seen or row["day"], row["day"])
        if row["channel"] not in gap.channels:
            gap.channels.append(row["channel"])
    top = [(shown[k], n) for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top_n]]
    found = [g for g in gaps.values() if g.refused or g.down]
    found.sort(key=lambda g: (-(g.refused + g.down), -(g.last_seen or date.min).toordinal(), g.question))
    return top, found


def period(since: date | None, until: date | None = None, tz: tzinfo | None = None) -> tuple[date, date]:
    """The report period: ``since`` (default: 30 days back) to ``until`` (default: today), Japan time."""
    tz = tz or report_tz()
    end = until or datetime.now(tz).date()
    start = since or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise ValueError(f"--since ({start}) が終了日 ({end}) より後です。")
    return start, end


def build_report(
    audit: AuditLog, since: date | None = None, until: date | None = None, top_n: int = 10, search: Any = None
) -> UsageReport:
    """Load the period's rows from the audit log and aggregate them (``search`` names each gap's closest source)."""
    tz = report_tz()
    start, end = period(since, until, tz)
    lo = datetime.combine(start, time.min, tz).astimezone(UTC)
    hi = datetime.combine(end + timedelta(days=1), time.min, tz).astimezone(UTC)
    audit.flush(timeout=5.0)
    audit.count_answers()  # opens the log (migration, retention purge) before reading
    rows = audit.store.load_usage(lo, hi)
    report = aggregate(rows["answers"], rows["feedback"], rows["escalations"], since=start, until=end, top_n=top_n, tz=tz)
    from bot.audit.gaps import build_gaps

    report.gap_groups = build_gaps(audit, start, end, tz, search)
    return report
