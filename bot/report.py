"""The editors' report (`conciliazione-bot report`): what to fix in the knowledge base.

Built from the anonymous data in the store (BOT_DATA_DIR), never from anything that names a
user: the question log, the feedback votes and comments, and the daily counters.

- Unanswered and unclear questions are clustered by similarity of their normalised form
  (greedy clustering with rapidfuzz, see CLUSTER_THRESHOLD), and each cluster gets the
  closest existing entry, so an editor can add the phrasing there.
- Worst-rated answers: 👎 minus 👍 per entry, with the "what were you looking for?" comments.
- Usage per topic and per day, from the counters kept by the brain.
- Eligibility flows: the flow engine counts `flow_start` (key: flow id), `flow_done` (flow id),
  `flow_cancel` (flow id) and `flow_step` (key "<flow>:<step>", each time a step is shown).
  abandoned = started - completed (it includes the explicit cancellations).

Outputs: plain text (terminal), JSON with stable keys (tools), and a self-contained HTML page
whose charts are drawn by plotly with its JavaScript inlined (works offline, no CDN).
"""

from __future__ import annotations

import html
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from bot.knowledge import KnowledgeBase, KnowledgeError, load_knowledge
from bot.matcher import CLARIFY_THRESHOLD, Matcher
from bot.normalise import fold
from bot.privacy import redact_identifiers
from bot.settings import Settings
from bot.store import (
    DB_FILENAME,
    DEFAULT_RETENTION_DAYS,
    QuestionRecord,
    Store,
    StoreError,
    open_store,
)

# --- clustering and suggestions ---------------------------------------------------------------
# Two normalised questions belong together when the mean of rapidfuzz's token_set_ratio and
# token_sort_ratio reaches this: set ratio alone merges any question into a shorter one it
# contains ("bonus" would swallow "bonus nido" and "bonus bebè").
CLUSTER_THRESHOLD = 75.0
# Only the most frequent distinct questions are clustered (the rest are counted, not grouped),
# so the report stays fast on a full retention period.
MAX_CLUSTER_INPUT = 5000
MAX_EXAMPLES = 5
# Below the score at which the bot would even offer an entry as a "did you mean", the closest
# entry is only a weak hint: probably a new entry is needed.
WEAK_SUGGESTION = CLARIFY_THRESHOLD
MAX_COMMENTS = 10
TEXT_LIMIT = 25  # rows per section in the plain-text report
CHART_LIMIT = 15  # bars per chart in the HTML report
UNCLEAR, UNANSWERED = "clarify", "fallback"


# --- the report model ------------------------------------------------------------------------
@dataclass(frozen=True)
class Suggestion:
    """The existing entry closest to a cluster: add the phrasing to its questions."""

    entry: str
    title: str
    score: float
    file: str | None
    weak: bool


@dataclass(frozen=True)
class Cluster:
    size: int
    label: str  # the most frequent wording
    examples: list[str]  # distinct wordings, most frequent first
    langs: dict[str, int]
    statuses: dict[str, int]  # clarify / fallback
    first_day: str
    last_day: str
    suggestion: Suggestion | None


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


# --- building ----------------------------------------------------------------------------------
def _similarity(a: str, b: str) -> float:
    return (fuzz.token_set_ratio(a, b) + fuzz.token_sort_ratio(a, b)) / 2.0


def _cluster_key(record: QuestionRecord) -> str:
    return record.norm or fold(record.text) or record.text.strip()


def cluster_questions(
    records: Sequence[QuestionRecord], threshold: float = CLUSTER_THRESHOLD
) -> list[list[QuestionRecord]]:
    """Greedy clustering: the most frequent questions found the clusters, the rest join the
    most similar founder at or above `threshold`. Largest clusters first."""
    by_key: dict[str, list[QuestionRecord]] = defaultdict(list)
    for record in records:
        by_key[_cluster_key(record)].append(record)
    keys = sorted(by_key, key=lambda k: (-len(by_key[k]), k))
    founders: list[str] = []
    members: list[list[QuestionRecord]] = []
    overflow: list[QuestionRecord] = []
    for index, key in enumerate(keys):
        if index >= MAX_CLUSTER_INPUT:
            overflow.extend(by_key[key])
            continue
        best_index, best_score = -1, threshold
        # token_set_ratio >= token_sort_ratio, so it is a safe prefilter (done in C).
        for _, _, at in process.extract(
            key, founders, scorer=fuzz.token_set_ratio, score_cutoff=threshold, limit=10
        ):
            score = _similarity(key, founders[at])
            if score >= best_score:
                best_index, best_score = at, score
        if best_index < 0:
            founders.append(key)
            members.append(list(by_key[key]))
        else:
            members[best_index].extend(by_key[key])
    clusters = sorted(members, key=lambda group: -len(group))
    return clusters + ([overflow] if overflow else [])


def _entry_files(kb: KnowledgeBase) -> dict[str, str]:
    """Which knowledge/faq file defines each entry (so the editor knows where to add)."""
    found: dict[str, str] = {}
    pattern = re.compile(r"^\s*-?\s*id:\s*['\"]?([a-z0-9-]+)", re.MULTILINE)
    faq_dir = Path(kb.directory) / "faq"
    for path in sorted(faq_dir.glob("*.yaml")) if faq_dir.is_dir() else []:
        try:
            content = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for entry_id in pattern.findall(content):
            found.setdefault(entry_id, f"knowledge/faq/{path.name}")
    return found


class _Suggester:
    def __init__(self, kb: KnowledgeBase | None, matcher: Matcher | None) -> None:
        self.kb = kb
        if matcher is None and kb is not None:
            matcher = Matcher(kb.entries, kb.synonyms)
        self.matcher = matcher
        self.files = _entry_files(kb) if kb is not None else {}

    def closest(self, texts: Iterable[str], lang: str) -> Suggestion | None:
        if self.kb is None or self.matcher is None:
            return None
        best: tuple[str, float] | None = None
        for text in texts:
            ranked, _ = self.matcher.rank(text)
            if ranked and (best is None or ranked[0].score > best[1]):
                best = (ranked[0].entry_id, float(ranked[0].score))
        if best is None:
            return None
        entry = self.kb.entry(best[0])
        title = entry.title.get(lang) if entry is not None else best[0]
        return Suggestion(
            entry=best[0],
            title=title,
            score=round(best[1], 1),
            file=self.files.get(best[0]),
            weak=best[1] < WEAK_SUGGESTION,
        )


def _make_cluster(group: list[QuestionRecord], suggester: _Suggester) -> Cluster:
    wordings = Counter(redact_identifiers(r.text.strip()) for r in group)
    examples = [text for text, _ in wordings.most_common(MAX_EXAMPLES)]
    langs = Counter(r.lang for r in group)
    days = sorted(r.day for r in group)
    main_lang = langs.most_common(1)[0][0]
    return Cluster(
        size=len(group),
        label=examples[0],
        examples=examples,
        langs=dict(langs.most_common()),
        statuses=dict(Counter(r.status for r in group).most_common()),
        first_day=days[0],
        last_day=days[-1],
        suggestion=suggester.closest(examples[:3], "en" if main_lang == "en" else "it"),
    )


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
    store: Store | None,
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

    suggester = _Suggester(kb, matcher)
    clusters = [_make_cluster(group, suggester) for group in cluster_questions(questions)]

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
    up = sum(1 for row in feedback if row[2] > 0)
    down = sum(1 for row in feedback if row[2] < 0)
    flows = _flow_usage(events, kb)
    totals = {
        "questions_logged": len(questions),
        "unclear": sum(1 for q in questions if q.status == UNCLEAR),
        "unanswered": sum(1 for q in questions if q.status == UNANSWERED),
        "clusters": len(clusters),
        "answers": sum(topics.values()),
        "feedback_up": up,
        "feedback_down": down,
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


# --- plain text ------------------------------------------------------------------------------
def _quote(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return f'"{text[: limit - 1]}…"' if len(text) > limit else f'"{text}"'


def _suggestion_line(s: Suggestion | None) -> str:
    if s is None:
        return "closest entry: none (knowledge base not available)"
    head = f"closest entry: {s.entry} {_quote(s.title, 60)} (score {s.score:.0f}"
    if s.weak:
        return head + ", weak): probably a new entry is needed"
    where = f" in {s.file}" if s.file else ""
    return head + f"){where}: if it answers these, add the wording to its questions"


def _counts(pairs: Iterable[tuple[str, int]]) -> str:
    return ", ".join(f"{name} {count}" for name, count in pairs)


def _text_clusters(report: Report) -> list[str]:
    t = report.totals
    out = [
        f"UNANSWERED AND UNCLEAR QUESTIONS: {t['questions_logged']} ({t['unanswered']} "
        f"unanswered, {t['unclear']} unclear) in {t['clusters']} group(s)"
    ]
    if not report.unanswered_clusters:
        out.append("  none recorded")
    for rank, cluster in enumerate(report.unanswered_clusters[:TEXT_LIMIT], start=1):
        kinds = _counts(
            ("unanswered" if s == UNANSWERED else "unclear", n) for s, n in cluster.statuses.items()
        )
        langs = _counts(cluster.langs.items())
        out.append(
            f"{rank:>3}. x{cluster.size} {_quote(cluster.label)}  [{langs}; {kinds}; "
            f"{cluster.first_day} .. {cluster.last_day}]"
        )
        if len(cluster.examples) > 1:
            out.append("       also: " + "; ".join(_quote(e, 60) for e in cluster.examples[1:]))
        out.append("       " + _suggestion_line(cluster.suggestion))
    hidden = len(report.unanswered_clusters) - TEXT_LIMIT
    if hidden > 0:
        out.append(f"  ... and {hidden} more group(s) (see --html or --json)")
    return out


def _text_feedback(report: Report) -> list[str]:
    t = report.totals
    out = [
        f"WORST-RATED ANSWERS: {t['feedback_down']} thumbs down, {t['feedback_up']} thumbs up, "
        f"{t['comments']} comment(s)"
    ]
    if not report.worst_answers:
        out.append("  no feedback yet")
    for rank, answer in enumerate(report.worst_answers[:TEXT_LIMIT], start=1):
        out.append(
            f"{rank:>3}. {answer.entry} {_quote(answer.title, 60)}: down {answer.down}, "
            f"up {answer.up} (net {answer.net:+d})"
        )
        out += [f"       {c.day}: {_quote(c.text)}" for c in answer.comments]
    return out


def _text_usage(report: Report) -> list[str]:
    out = ["USAGE PER TOPIC (answers given)"]
    width = max((len(row["topic"]) for row in report.per_topic), default=5)
    out += [f"  {row['topic']:<{width}}  {row['count']:>6}" for row in report.per_topic]
    if not report.per_topic:
        out.append("  none yet")
    if report.per_status:
        statuses = _counts((r["status"], r["count"]) for r in report.per_status)
        out.append("  not answered: " + statuses)
    out += [
        "",
        "USAGE PER DAY",
        "  day         answers  unclear  unanswered  none-of-these  checks started  completed",
    ]
    out += [
        f"  {d.day}  {d.answers:>7}  {d.clarify:>7}  {d.fallback:>10}  {d.none_of_these:>13}  "
        f"{d.flows_started:>14}  {d.flows_completed:>9}"
        for d in report.per_day
    ]
    if not report.per_day:
        out.append("  none yet")
    return out


def _text_flows(report: Report) -> list[str]:
    out = ["ELIGIBILITY CHECKS (abandoned = started - completed)"]
    if not report.flows:
        out.append("  none started yet")
    for flow in report.flows:
        out.append(
            f"  {flow.flow}: started {flow.started}, completed {flow.completed}, "
            f"cancelled {flow.cancelled}, abandoned {flow.abandoned}"
        )
        if flow.steps:
            steps = _counts((s["step"], s["reached"]) for s in flow.steps)
            out.append("     steps reached: " + steps)
    return out


def render_text(report: Report) -> str:
    """The report for a terminal."""
    period = f"{report.first_day} to {report.last_day}" if report.first_day else "no data yet"
    out = [
        "Conciliazione bot: editors' report",
        f"Generated {report.generated_at}; data {period}; kept for {report.retention_days} days.",
        "Anonymous data: no user identifiers are stored or shown.",
    ]
    if report.knowledge_problems:
        out.append(
            f"Warning: the knowledge base has {len(report.knowledge_problems)} problem(s), "
            "so no entry is suggested (run: conciliazione-bot validate)."
        )
    for section in (_text_clusters, _text_feedback, _text_usage, _text_flows):
        out += ["", *section(report)]
    return "\n".join(out) + "\n"


# --- HTML ---------------------------------------------------------------------------------------
_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2933;
       margin: 2rem auto; max-width: 1100px; padding: 0 1rem; }
h1 { font-size: 1.6rem; }
h2 { margin-top: 2.5rem; border-bottom: 2px solid #d9e2ec; padding-bottom: .3rem; }
table { border-collapse: collapse; width: 100%; margin: .8rem 0; }
th, td { border-bottom: 1px solid #e4e7eb; padding: .35rem .5rem; text-align: left;
         vertical-align: top; }
th { background: #f5f7fa; }
td.n { text-align: right; white-space: nowrap; }
.muted { color: #616e7c; }
.weak { color: #b44d12; }
.note { background: #f0f4f8; padding: .6rem .8rem; border-radius: 6px; }
"""
_LAYOUT = {
    "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
    "height": 420,
    "template": "plotly_white",
}
_GREEN, _AMBER, _RED, _BLUE = "#3e7c17", "#f0b429", "#d64545", "#2680c2"


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _figures(report: Report) -> list[tuple[str, Any]]:
    """The charts, as (name, plotly Figure); only for sections that have data."""
    import plotly.graph_objects as go

    def figure(title: str, traces: list[Any], **layout: Any) -> Any:
        fig = go.Figure(traces)
        fig.update_layout(title=title, **_LAYOUT, **layout)
        return fig

    figures: list[tuple[str, Any]] = []
    if report.unanswered_clusters:
        top = report.unanswered_clusters[:CHART_LIMIT][::-1]
        bars = go.Bar(
            x=[c.size for c in top],
            y=[_short(c.label) for c in top],
            orientation="h",
            marker_color=_RED,
        )
        fig = figure("Biggest groups of unanswered or unclear questions", [bars])
        fig.update_yaxes(automargin=True)
        figures.append(("unanswered", fig))
    if report.per_day:
        days = report.per_day
        x = [d.day for d in days]
        figures.append(
            (
                "per-day",
                figure(
                    "Usage per day",
                    [
                        go.Bar(
                            name="answers", x=x, y=[d.answers for d in days], marker_color=_GREEN
                        ),
                        go.Bar(
                            name="unclear", x=x, y=[d.clarify for d in days], marker_color=_AMBER
                        ),
                        go.Bar(
                            name="unanswered", x=x, y=[d.fallback for d in days], marker_color=_RED
                        ),
                        go.Scatter(
                            name="checks started",
                            x=x,
                            y=[d.flows_started for d in days],
                            mode="lines+markers",
                            line={"color": _BLUE},
                        ),
                    ],
                    barmode="stack",
                ),
            )
        )
    if report.per_topic:
        top_topics = report.per_topic[:CHART_LIMIT]
        bars = go.Bar(
            x=[r["topic"] for r in top_topics],
            y=[r["count"] for r in top_topics],
            marker_color=_BLUE,
        )
        figures.append(("per-topic", figure("Answers per topic", [bars])))
    if report.worst_answers:
        worst = report.worst_answers[:CHART_LIMIT]
        names = [a.entry for a in worst]
        figures.append(
            (
                "feedback",
                figure(
                    "Feedback per answer (worst first)",
                    [
                        go.Bar(name="👎", x=names, y=[a.down for a in worst], marker_color=_RED),
                        go.Bar(name="👍", x=names, y=[a.up for a in worst], marker_color=_GREEN),
                    ],
                    barmode="group",
                ),
            )
        )
    if report.flows:
        flows = report.flows
        names = [f.flow for f in flows]
        figures.append(
            (
                "flows",
                figure(
                    "Eligibility checks",
                    [
                        go.Bar(
                            name="started",
                            x=names,
                            y=[f.started for f in flows],
                            marker_color=_BLUE,
                        ),
                        go.Bar(
                            name="completed",
                            x=names,
                            y=[f.completed for f in flows],
                            marker_color=_GREEN,
                        ),
                        go.Bar(
                            name="abandoned",
                            x=names,
                            y=[f.abandoned for f in flows],
                            marker_color=_RED,
                        ),
                    ],
                    barmode="group",
                ),
            )
        )
        for flow in flows:
            if flow.steps:
                funnel = go.Funnel(
                    y=[s["step"] for s in flow.steps], x=[s["reached"] for s in flow.steps]
                )
                title = f"{flow.flow}: how far people get (steps reached)"
                figures.append((f"steps-{flow.flow}", figure(title, [funnel])))
    return figures


def _charts(report: Report) -> dict[str, str]:
    """Each chart as an HTML fragment; plotly.js is inlined once, with the first chart."""
    return {
        name: str(
            fig.to_html(
                full_html=False,
                include_plotlyjs=index == 0,
                config={"displaylogo": False, "responsive": True},
            )
        )
        for index, (name, fig) in enumerate(_figures(report))
    }


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """An HTML table; cells are already-escaped HTML. Numeric-looking cells align right."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{cell}</td>' if cell.lstrip("+-").isdigit() else f"<td>{cell}</td>"
            for cell in row
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _muted(text: str) -> str:
    return f'<span class="muted">{html.escape(text)}</span>'


def _html_suggestion(s: Suggestion | None) -> str:
    if s is None:
        return _muted("none")
    e = html.escape
    where = f"<br>{_muted(s.file)}" if s.file else ""
    hint = (
        '<br><span class="weak">weak match: probably a new entry</span>'
        if s.weak
        else "<br>if it answers these, add the wording to its questions"
    )
    return f"<b>{e(s.entry)}</b> – {e(s.title)} (score {s.score:.0f}){where}{hint}"


def _html_clusters(report: Report) -> str:
    e = html.escape
    return _table(
        ["#", "Asked", "Questions", "Languages", "Closest entry (suggestion)"],
        (
            [
                str(rank),
                str(c.size),
                "<br>".join(e(x) for x in c.examples)
                + f"<br>{_muted(f'{c.first_day} – {c.last_day}')}",
                e(_counts(c.langs.items())),
                _html_suggestion(c.suggestion),
            ]
            for rank, c in enumerate(report.unanswered_clusters, start=1)
        ),
    )


def _html_feedback(report: Report) -> str:
    e = html.escape
    return _table(
        ["Entry", "👎", "👍", "Net", "Comments"],
        (
            [
                f"<b>{e(a.entry)}</b><br>{e(a.title)}",
                str(a.down),
                str(a.up),
                f"{a.net:+d}",
                "<br>".join(f"{e(c.text)} {_muted(f'({c.day})')}" for c in a.comments),
            ]
            for a in report.worst_answers
        ),
    )


def _html_flows(report: Report) -> str:
    return _table(
        ["Check", "Started", "Completed", "Cancelled", "Abandoned", "Steps reached"],
        (
            [
                html.escape(f.flow),
                str(f.started),
                str(f.completed),
                str(f.cancelled),
                str(f.abandoned),
                html.escape(_counts((s["step"], s["reached"]) for s in f.steps)),
            ]
            for f in report.flows
        ),
    )


def render_html(report: Report) -> str:
    """A self-contained page: tables plus plotly charts with plotly.js inlined (offline)."""
    t = report.totals
    charts = _charts(report)
    period = f"{report.first_day} – {report.last_day}" if report.first_day else "no data yet"
    title = "Conciliazione bot: editors' report"
    parts = [
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{_CSS}</style></head><body>",
        f"<h1>{title}</h1>",
        "<p>"
        + _muted(
            f"Generated {report.generated_at} · data {period} · kept for "
            f"{report.retention_days} days · anonymous data: no user identifiers "
            "are stored or shown."
        )
        + "</p>",
    ]
    if report.knowledge_problems:
        parts.append(
            f'<p class="note">The knowledge base has {len(report.knowledge_problems)} '
            "problem(s), so no entry is suggested. Run "
            "<code>conciliazione-bot validate</code>.</p>"
        )
    parts.append(
        '<p class="note">How to use this page: for each group of unanswered questions, open the '
        "file of the closest entry in <code>knowledge/faq/</code> and add the wording to its "
        "<code>questions</code> (or write a new entry when the match is weak), run "
        "<code>conciliazione-bot validate</code>, then send <code>/reload</code> to the bot.</p>"
    )

    parts.append(
        "<h2>Unanswered and unclear questions</h2>"
        f"<p>{t['questions_logged']} question(s): {t['unanswered']} unanswered, "
        f"{t['unclear']} unclear, in {t['clusters']} group(s).</p>"
    )
    if report.unanswered_clusters:
        parts += [charts["unanswered"], _html_clusters(report)]

    parts.append(
        f"<h2>Worst-rated answers</h2><p>👎 {t['feedback_down']} · 👍 {t['feedback_up']} · "
        f"{t['comments']} comment(s) (“what were you looking for?”)</p>"
    )
    if report.worst_answers:
        parts += [charts["feedback"], _html_feedback(report)]

    parts.append("<h2>Usage</h2>")
    parts += [charts.get("per-day", ""), charts.get("per-topic", "")]
    if report.per_topic:
        parts.append(
            _table(
                ["Topic", "Answers"],
                ([html.escape(r["topic"]), str(r["count"])] for r in report.per_topic),
            )
        )
    if not report.per_day and not report.per_topic:
        parts.append(f"<p>{_muted('No usage recorded yet.')}</p>")

    parts.append(
        "<h2>Eligibility checks</h2>"
        f"<p>{_muted('abandoned = started − completed (includes cancellations).')}</p>"
    )
    if report.flows:
        parts += [charts["flows"], _html_flows(report)]
        parts += [chart for name, chart in charts.items() if name.startswith("steps-")]
    else:
        parts.append(f"<p>{_muted('No check started yet.')}</p>")
    parts.append("</body></html>")
    return "\n".join(part for part in parts if part) + "\n"


# --- the command -------------------------------------------------------------------------------
def load_report(settings: Settings) -> Report:
    """The report for BOT_DATA_DIR; empty when the bot has not stored anything yet."""
    problems: list[str] = []
    kb: KnowledgeBase | None
    try:
        kb = load_knowledge(settings.knowledge_dir)
    except KnowledgeError as exc:
        kb, problems = None, exc.problems
    days = settings.retention_days
    database_url = settings.database_url.get()
    if not database_url and not (Path(settings.data_dir) / DB_FILENAME).exists():
        return build_report(None, kb, retention_days=days, knowledge_problems=problems)
    store = open_store(settings.data_dir, database_url, retention_days=days)
    try:
        return build_report(store, kb, retention_days=days, knowledge_problems=problems)
    finally:
        store.close()


def run_report(settings: Settings, html_file: str | None, as_json: bool) -> int:
    """`conciliazione-bot report [--html FILE] [--json]`; returns the exit code."""
    try:
        report = load_report(settings)
    except StoreError as exc:
        print(f"error: cannot read the data in {settings.data_dir}: {exc}", file=sys.stderr)
        return 1
    if report.knowledge_problems:
        print(
            f"warning: the knowledge base has {len(report.knowledge_problems)} problem(s); "
            "run `conciliazione-bot validate`",
            file=sys.stderr,
        )
    if html_file:
        try:
            Path(html_file).write_text(render_html(report), encoding="utf-8")
        except OSError as exc:
            print(f"error: cannot write {html_file}: {exc}", file=sys.stderr)
            return 1
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    elif html_file:
        t = report.totals
        print(
            f"HTML report written to {html_file}: {t['clusters']} group(s) of unanswered "
            f"questions, {len(report.worst_answers)} rated answer(s)."
        )
    else:
        sys.stdout.write(render_text(report))
    return 0
