"""`conciliazione-bot report`: load the store and the knowledge base, print or write the report."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bot.cache import load_knowledge_cached
from bot.knowledge import KnowledgeBase, KnowledgeError
from bot.report.model import Report, build_report
from bot.report.rendering import render_html, render_text
from bot.settings import Settings
from bot.store import DB_FILENAME, StoreError, open_store


def load_report(settings: Settings) -> Report:
    """The report for BOT_DATA_DIR; empty when the bot has not stored anything yet."""
    problems: list[str] = []
    kb: KnowledgeBase | None
    try:
        kb = load_knowledge_cached(settings.knowledge_dir)  # YAML when the cache is stale
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
            print(f"error: cannot write {html_file}: {exc.strerror or exc}", file=sys.stderr)
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
