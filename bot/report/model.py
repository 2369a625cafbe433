"""The editors' report as data: what the store recorded, summed up per question group, answer,
topic, day and eligibility check. Rendering (text, HTML) is in bot.report.rendering.

Built from the anonymous data in the store (BOT_DATA_DIR), never from anything that names a
user: the question log, the feedback votes and comments, and the daily counters. The flow
engine counts `flow_start` (key: flow id), `flow_done` (flow id), `flow_cancel` (flow id) and
`flow_step` (key "<flow>:<step>", each time a step is shown); abandoned = started - completed
(it includes the explicit cancellations).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Protocol

from bot.knowledge import KnowledgeBase
from bot.matcher import Matcher
from bot.privacy import redact_identifiers
from bot.report.clustering import Cluster, Suggester, cluster_questions, make_cluster
from bot.store import DEFAULT_RETENTION_DAYS, QuestionRecord

MAX_COMMENTS = 10
UNCLEAR, UNANSWERED = "clarify", "fallback"


class ReportSource(Protocol):
    """What the report reads from a store."""

    def questions(self, statuses: tuple[str, ...] = ...) -> list[QuestionRecord]: ...

    def feedback_rows(self) -> list[tuple[str, str, int, str | None]]: ...

    def events(self, kind: str | None = None) -> list[tuple[str, str, str, int]]: ...


@dataclass(frozen=True)
class Comment:
    day: str
    text: str


@dataclass(frozen=True)
class RatedAnswer:
    entry: str
    title: str
    up: int
    down: int
    net: int  # down - up: the higher, the worse
    comments: list[Comment]


@dataclass(frozen=True)
class DayUsage:
    day: str
    answers: int
    clarify: int
    fallback: int
    none_of_these: int
    flows_started: int
    flows_completed: int


@dataclass(frozen=True)
class FlowUsage:
    flow: str
    started: int
    completed: int
    cancelled: int
    abandoned: int
    steps: list[dict[str, Any]]  # [{"step": id, "reached": n}] in the flow's order


@dataclass(frozen=True)
class Report:
    generated_at: str
    retention_days: int
    first_day: str | None
    last_day: str | None
    totals: dict[str, int]
    unanswered_clusters: list[Cluster]
    worst_answers: list[RatedAnswer]
    per_topic: list[dict[str, Any]]
    per_status: list[dict[str, Any]]
    per_day: list[DayUsage]
    flows: list[FlowUsage]
    knowledge_problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape (stable keys; documented in docs/privacy.md)."""
        return {
            "generated_at": self.generated_at,
            "retention_days": self.retention_days,
            "period": {"first_day": self.first_day, "last_day": self.last_day},
            "totals": dict(self.totals),
            "unanswered_clusters": [asdict(c) for c in self.unanswered_clusters],
            "worst_answers": [asdict(a) for a in self.worst_answers],
            "usage": {
                "per_topic": list(self.per_topic),
                "per_status": list(self.per_status),
                "per_day": [asdict(d) for d in self.per_day],
            },
            "flows": [asdict(f) for f in self.flows],
            "knowledge_problems": list(self.knowledge_problems),
        }


def _rated_answers(
    rows: Sequence[tuple[str, str, int, str | None]], kb: KnowledgeBase | None
) -> list[RatedAnswer]:
    up: Counter[str] = Counter()
    down: Counter[str] = Counter()
    comments: dict[str, list[Comment]] = defaultdict(list)
    for day, entry, vote, comment in rows:
        if vote > 0:
            up[entry] += 1
        elif vote < 0:
            down[entry] += 1
        if comment and comment.strip():
            comments[entry].append(Comment(day=day, text=redact_identifiers(comment.strip())))
    rated = []
    for entry_id in set(up) | set(down):
        found = kb.entry(entry_id) if kb is not None else None
        rated.append(
            RatedAnswer(
                entry=entry_id,
                title=found.title.get("it") if found is not None else entry_id,
                up=up[entry_id],
                down=down[entry_id],
                net=down[entry_id] - up[entry_id],
                comments=list(reversed(comments[entry_id]))[:MAX_COMMENTS],
            )
        )
    return sorted(rated, key=lambda a: (-a.net, -a.down, a.entry))


def _flow_usage(
    events: Sequence[tuple[str, str, str, int]], kb: KnowledgeBase | None
) -> list[FlowUsage]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    steps: dict[str, Counter[str]] = defaultdict(Counter)
    for _, kind, key, count in events:
        if kind == "flow_step":
            flow, _, step = key.partition(":")
            steps[flow][step] += count
        elif kind in ("flow_start", "flow_done", "flow_cancel"):
            counts[key][kind] += count
    flows = []
    for flow_id in sorted(set(counts) | set(steps)):
        c = counts[flow_id]
        defined = getattr((kb.flows if kb is not None else {}).get(flow_id), "steps", ()) or ()
        order = [getattr(s, "id", "") for s in defined]
        reached = steps[flow_id]
        ordered = [s for s in order if s in reached] + sorted(
            (s for s in reached if s not in order), key=lambda s: (-reached[s], s)
        )
        flows.append(
            FlowUsage(
                flow=flow_id,
                started=c["flow_start"],
                completed=c["flow_done"],
                cancelled=c["flow_cancel"],
                abandoned=max(c["flow_start"] - c["flow_done"], 0),
                steps=[{"step": s, "reached": reached[s]} for s in ordered],
            )
        )
    return flows


_DAY_FIELDS = (
    "answers",
    "clarify",
    "fallback",
    "none_of_these",
    "flows_started",
    "flows_completed",
)


def _by_count(counter: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


def build_report(
    store: ReportSource | None,
    kb: KnowledgeBase | None,
    *,
    matcher: Matcher | None = None,
    retention_days: int = DEFAULT_RETENTION_DAYS,
    knowledge_problems: Sequence[str] = (),
    now: datetime | None = None,
) -> Report:
    """The report over `store` (None: no data yet) with suggestions from `kb` (None: none)."""
    questions = store.questions((UNCLEAR, UNANSWERED)) if store is not None else []
    feedback = store.feedback_rows() if store is not None else []
    events = store.events() if store is not None else []

    suggester = Suggester(kb, matcher)
    clusters = [make_cluster(group, suggester) for group in cluster_questions(questions)]

    topics: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    per_day: dict[str, Counter[str]] = defaultdict(Counter)
    for day, kind, key, count in events:
        if kind == "topic":
            topics[key] += count
            per_day[day]["answers"] += count
        elif kind == "status":
            statuses[key] += count
            per_day[day][key] += count
        elif kind == "flow_start":
            per_day[day]["flows_started"] += count
        elif kind == "flow_done":
            per_day[day]["flows_completed"] += count
    days = sorted(set(per_day) | {q.day for q in questions} | {row[0] for row in feedback})
    flows = _flow_usage(events, kb)
    totals = {
        "questions_logged": len(questions),
        "unclear": sum(1 for q in questions if q.status == UNCLEAR),
        "unanswered": sum(1 for q in questions if q.status == UNANSWERED),
        "clusters": len(clusters),
        "answers": sum(topics.values()),
        "feedback_up": sum(1 for row in feedback if row[2] > 0),
        "feedback_down": sum(1 for row in feedback if row[2] < 0),
        "comments": sum(1 for row in feedback if row[3]),
        "flows_started": sum(f.started for f in flows),
        "flows_completed": sum(f.completed for f in flows),
        "flows_abandoned": sum(f.abandoned for f in flows),
    }
    return Report(
        generated_at=(now or datetime.now()).isoformat(timespec="seconds"),
        retention_days=retention_days,
        first_day=days[0] if days else None,
        last_day=days[-1] if days else None,
        totals=totals,
        unanswered_clusters=clusters,
        worst_answers=_rated_answers(feedback, kb),
        per_topic=[{"topic": t, "count": n} for t, n in _by_count(topics)],
        per_status=[{"status": s, "count": n} for s, n in _by_count(statuses)],
        per_day=[DayUsage(day=d, **{name: per_day[d][name] for name in _DAY_FIELDS}) for d in days],
        flows=flows,
        knowledge_problems=list(knowledge_problems),
    )
