"""The editors' report (`conciliazione-bot report`): what to fix in the knowledge base.

- `model`: the report as data, built from the store's anonymous records;
- `clustering`: unanswered questions grouped, each group with the closest existing entry;
- `rendering`: plain text, and an HTML page from autoescaped Jinja2 templates with SVG charts;
- `command`: the command line's `report`.

Rendering (Jinja2, Babel) is imported on first use: the running bot builds reports for
/stats but never renders HTML, and should not carry the template engine in memory.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.privacy import redact_identifiers
from bot.report.clustering import Cluster, Suggestion, cluster_questions
from bot.report.model import Comment, DayUsage, FlowUsage, RatedAnswer, Report, build_report

if TYPE_CHECKING:
    from bot.report.command import load_report, run_report
    from bot.report.rendering import render_html, render_text

_LAZY = {
    "load_report": "bot.report.command",
    "run_report": "bot.report.command",
    "render_html": "bot.report.rendering",
    "render_text": "bot.report.rendering",
}

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


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'bot.report' has no attribute {name!r}")
