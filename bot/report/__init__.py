"""The editors' report (`conciliazione-bot report`): what to fix in the knowledge base.

- `model`: the report as data, built from the store's anonymous records;
- `clustering`: unanswered questions grouped, each group with the closest existing entry;
- `rendering`: plain text, and an HTML page from autoescaped Jinja2 templates with SVG charts;
- `command`: the command line's `report`.
"""

from bot.privacy import redact_identifiers
from bot.report.clustering import Cluster, Suggestion, cluster_questions
from bot.report.command import load_report, run_report
from bot.report.model import Comment, DayUsage, FlowUsage, RatedAnswer, Report, build_report
from bot.report.rendering import render_html, render_text

__all__ = [
    "Cluster",
    "Comment",
    "DayUsage",
    "FlowUsage",
    "RatedAnswer",
    "Report",
    "Suggestion",
    "build_report",
    "cluster_questions",
    "load_report",
    "redact_identifiers",
    "render_html",
    "render_text",
    "run_report",
]
