"""The report for people: plain text for a terminal, and one self-contained HTML page.

The page is rendered by an autoescaped Jinja2 template (bot/report/templates), so whatever a
user typed is shown as text, never as markup. Its charts are inline SVG drawn by the template
from the numbers prepared here: no JavaScript, no CDN, so the page opens offline, prints, and
stays small (a month of ordinary use is well under 500 KB).

The report is for the programme's editors, who read English; dates are formatted for English
readers by bot.formatting. The JSON output keeps ISO dates for tools.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TypeVar

from jinja2 import Environment, PackageLoader, StrictUndefined

from bot.formatting import format_date, format_datetime, format_number
from bot.report.clustering import Cluster, Suggestion
from bot.report.model import UNANSWERED, RatedAnswer, Report

LANG = "en"  # the editors' language
TEXT_LIMIT = 25  # rows per section in the plain-text report
CHART_LIMIT = 15  # bars per chart in the HTML report
# Groups of questions listed in the HTML page; the rest are counted (all are in --json).
HTML_CLUSTER_LIMIT = 200
GREEN, AMBER, RED, BLUE = "#3e7c17", "#f0b429", "#d64545", "#2680c2"
# Above this many categories, only every n-th axis label is written (they would overlap).
MAX_AXIS_LABELS = 16


# --- shared ------------------------------------------------------------------------------------
def day(value: str | None) -> str:
    """An ISO day as English readers write it ("Nov 3, 2026")."""
    return format_date(value, LANG, "medium") if value else "–"


def generated(report: Report) -> str:
    return format_datetime(datetime.fromisoformat(report.generated_at), LANG)


def period(report: Report) -> str | None:
    if not report.first_day:
        return None
    return f"{day(report.first_day)} – {day(report.last_day)}"


def counts(pairs: Iterable[tuple[str, int]]) -> str:
    return ", ".join(f"{name} {count}" for name, count in pairs)


def short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- plain text --------------------------------------------------------------------------------
def _quote(text: str, limit: int = 90) -> str:
    return f'"{short(text, limit)}"'


def _suggestion_line(s: Suggestion | None) -> str:
    if s is None:
        return "closest entry: none (knowledge base not available)"
    head = f"closest entry: {s.entry} {_quote(s.title, 60)} (score {s.score:.0f}"
    if s.weak:
        return head + ", weak): probably a new entry is needed"
    where = f" in {s.file}" if s.file else ""
    return head + f"){where}: if it answers these, add the wording to its questions"


T = TypeVar("T")


def _ranked(
    header: str, empty: str, items: Sequence[T], lines: Callable[[int, T], list[str]]
) -> list[str]:
    """A section of the text report: its header, then the first TEXT_LIMIT items ranked."""
    out = [header] if items else [header, f"  {empty}"]
    for rank, item in enumerate(items[:TEXT_LIMIT], start=1):
        out += lines(rank, item)
    return out


def _cluster_lines(rank: int, cluster: Cluster) -> list[str]:
    kinds = counts(
        ("unanswered" if s == UNANSWERED else "unclear", n) for s, n in cluster.statuses.items()
    )
    langs = counts(cluster.langs.items())
    out = [
        f"{rank:>3}. x{cluster.size} {_quote(cluster.label)}  [{langs}; {kinds}; "
        f"{day(cluster.first_day)} – {day(cluster.last_day)}]"
    ]
    if len(cluster.examples) > 1:
        out.append("       also: " + "; ".join(_quote(e, 60) for e in cluster.examples[1:]))
    out.append("       " + _suggestion_line(cluster.suggestion))
    return out


def _text_clusters(report: Report) -> list[str]:
    t = report.totals
    header = (
        f"UNANSWERED AND UNCLEAR QUESTIONS: {t['questions_logged']} ({t['unanswered']} "
        f"unanswered, {t['unclear']} unclear) in {t['clusters']} group(s)"
    )
    out = _ranked(header, "none recorded", report.unanswered_clusters, _cluster_lines)
    hidden = len(report.unanswered_clusters) - TEXT_LIMIT
    if hidden > 0:
        out.append(f"  ... and {hidden} more group(s) (see --html or --json)")
    return out


def _answer_lines(rank: int, answer: RatedAnswer) -> list[str]:
    head = (
        f"{rank:>3}. {answer.entry} {_quote(answer.title, 60)}: down {answer.down}, "
        f"up {answer.up} (net {answer.net:+d})"
    )
    return [head, *(f"       {day(c.day)}: {_quote(c.text)}" for c in answer.comments)]


def _text_feedback(report: Report) -> list[str]:
    t = report.totals
    header = (
        f"WORST-RATED ANSWERS: {t['feedback_down']} thumbs down, {t['feedback_up']} thumbs up, "
        f"{t['comments']} comment(s)"
    )
    return _ranked(header, "no feedback yet", report.worst_answers, _answer_lines)


def _text_usage(report: Report) -> list[str]:
    out = ["USAGE PER TOPIC (answers given)"]
    width = max((len(row["topic"]) for row in report.per_topic), default=5)
    out += [f"  {row['topic']:<{width}}  {row['count']:>6}" for row in report.per_topic]
    if not report.per_topic:
        out.append("  none yet")
    if report.per_status:
        statuses = counts((r["status"], r["count"]) for r in report.per_status)
        out.append("  not answered: " + statuses)
    out += [
        "",
        "USAGE PER DAY",
        "  day            answers  unclear  unanswered  none-of-these  checks started  completed",
    ]
    out += [
        f"  {day(d.day):<13}  {d.answers:>7}  {d.clarify:>7}  {d.fallback:>10}  "
        f"{d.none_of_these:>13}  {d.flows_started:>14}  {d.flows_completed:>9}"
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
            steps = counts((s["step"], s["reached"]) for s in flow.steps)
            out.append("     steps reached: " + steps)
    return out


def render_text(report: Report) -> str:
    """The report for a terminal."""
    out = [
        "Conciliazione bot: editors' report",
        f"Generated {generated(report)}; data {period(report) or 'no data yet'}; "
        f"kept for {report.retention_days} days.",
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


# --- charts (numbers for the SVG drawn by the template) ----------------------------------------
@dataclass(frozen=True)
class Series:
    name: str
    color: str
    values: list[int]
    line: bool = False  # drawn as a line with markers over the bars


@dataclass(frozen=True)
class Chart:
    """One chart: `bars` (vertical, grouped or stacked) or `rows` (horizontal bars)."""

    id: str
    title: str
    kind: str  # "bars" | "rows"
    labels: list[str]
    series: list[Series]
    stacked: bool = False

    @property
    def top(self) -> int:
        """The value axis' end: a round number at or above the largest bar."""
        bars = [s for s in self.series if not s.line]
        if self.stacked and bars:
            largest = max(sum(column) for column in zip(*(s.values for s in bars), strict=True))
        else:
            largest = 0
        largest = max([largest, *(v for s in self.series for v in s.values)], default=0)
        return _nice_ceiling(largest)

    @property
    def ticks(self) -> list[int]:
        step = max(self.top // 4, 1)
        return list(range(0, self.top + 1, step))

    @property
    def label_every(self) -> int:
        return max(math.ceil(len(self.labels) / MAX_AXIS_LABELS), 1)


def _nice_ceiling(value: int) -> int:
    """1, 2, 4, 5 or 10 times a power of ten, at or above `value` (at least 4: four ticks)."""
    if value <= 4:
        return 4
    magnitude = 10 ** int(math.log10(value))
    for factor in (1, 2, 4, 5, 10):
        if factor * magnitude >= value:
            return factor * magnitude
    return 10 * magnitude


def charts(report: Report) -> dict[str, Chart]:
    """The charts, by id; only for sections that have data."""
    out: dict[str, Chart] = {}

    def add(chart: Chart) -> None:
        out[chart.id] = chart

    if report.unanswered_clusters:
        top = report.unanswered_clusters[:CHART_LIMIT]
        add(
            Chart(
                "unanswered",
                "Biggest groups of unanswered or unclear questions",
                "rows",
                [short(c.label) for c in top],
                [Series("questions", RED, [c.size for c in top])],
            )
        )
    if report.per_day:
        days = report.per_day
        add(
            Chart(
                "per-day",
                "Usage per day",
                "bars",
                [day(d.day) for d in days],
                [
                    Series("answers", GREEN, [d.answers for d in days]),
                    Series("unclear", AMBER, [d.clarify for d in days]),
                    Series("unanswered", RED, [d.fallback for d in days]),
                    Series("checks started", BLUE, [d.flows_started for d in days], line=True),
                ],
                stacked=True,
            )
        )
    if report.per_topic:
        topics = report.per_topic[:CHART_LIMIT]
        add(
            Chart(
                "per-topic",
                "Answers per topic",
                "rows",
                [r["topic"] for r in topics],
                [Series("answers", BLUE, [r["count"] for r in topics])],
            )
        )
    if report.worst_answers:
        worst = report.worst_answers[:CHART_LIMIT]
        votes = [
            Series("thumbs down", RED, [a.down for a in worst]),
            Series("thumbs up", GREEN, [a.up for a in worst]),
        ]
        title = "Feedback per answer (worst first)"
        add(Chart("feedback", title, "rows", [a.entry for a in worst], votes))
    if report.flows:
        flows = report.flows
        progress = [
            Series("started", BLUE, [f.started for f in flows]),
            Series("completed", GREEN, [f.completed for f in flows]),
            Series("abandoned", RED, [f.abandoned for f in flows]),
        ]
        add(Chart("flows", "Eligibility checks", "bars", [f.flow for f in flows], progress))
        for flow in flows:
            if flow.steps:
                add(
                    Chart(
                        f"steps-{flow.flow}",
                        f"{flow.flow}: how far people get (steps reached)",
                        "rows",
                        [s["step"] for s in flow.steps],
                        [Series("reached", BLUE, [s["reached"] for s in flow.steps])],
                    )
                )
    return out


# --- HTML ----------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("bot.report", "templates"),
        autoescape=True,  # every value is text unless the template says otherwise
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["day"] = day
    env.filters["number"] = lambda n: format_number(n, LANG)
    env.filters["short"] = short
    env.filters["counts"] = lambda pairs: counts(pairs)
    return env


def render_html(report: Report) -> str:
    """A self-contained page: tables plus inline SVG charts (opens offline, no script)."""
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            report=report,
            t=report.totals,
            charts=charts(report),
            generated=generated(report),
            period=period(report),
            clusters=report.unanswered_clusters[:HTML_CLUSTER_LIMIT],
            hidden_clusters=max(len(report.unanswered_clusters) - HTML_CLUSTER_LIMIT, 0),
        )
    )
