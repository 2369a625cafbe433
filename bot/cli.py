"""The `conciliazione-bot` command line (the contract in docs/contracts.md).

Every failure a newcomer can meet (a broken knowledge folder, an unusable BOT_DATA_DIR, no
route to the Bot API, a missing file) ends in one line on stderr starting with "error:" and a
non-zero exit code, never a traceback: 1 for a problem to fix, 2 for a wrong command line.
Settings come from the environment and, when there is one, from `.env` in the current folder
(variables already set win).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from bot import collector

with collector.paused(keep=True):  # the modules' objects are no garbage (bot/collector.py)
    from bot.knowledge import KnowledgeError
    from bot.knowledge_files import display_path
    from bot.knowledge_loader import default_knowledge_dir, load_knowledge
    from bot.reply import as_json, as_plain_text
    from bot.settings import Settings, SettingsError

ENV_FILE = ".env"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conciliazione-bot",
        description="Assistant for Regione Lombardia's Conciliazione vita-lavoro programme "
        "and maternity funds (NASKO, CRESCO, ...). Settings come from the environment or "
        "from .env in the current folder (see .env.example).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ask = sub.add_parser("ask", help="answer one question (or '-' for one per line on stdin)")
    ask.add_argument("question", nargs="+", help="the question, or '-' to read lines from stdin")
    ask.add_argument("--json", action="store_true", help="print JSON (one object per line)")
    ask.add_argument("--lang", choices=["it", "en"], help="reply language (default: detected)")
    ask.add_argument(
        "--matcher",
        choices=["default", "baseline"],
        default="default",
        help="'default': the bot's matcher; 'baseline': the naive reference matcher it must "
        "beat (default: %(default)s)",
    )

    sub.add_parser(
        "chat", help="console conversation (no token, no network; state in BOT_DATA_DIR)"
    )

    run = sub.add_parser("run", help="run the Telegram bot (long polling, or --webhook)")
    run.add_argument(
        "--webhook", action="store_true", help="serve a webhook (WEBHOOK_URL, WEBHOOK_SECRET, PORT)"
    )

    validate = sub.add_parser("validate", help="validate the knowledge base")
    validate.add_argument(
        "directory",
        nargs="?",
        help="knowledge folder (default: KNOWLEDGE_DIR if set, else the embedded one)",
    )

    report = sub.add_parser("report", help="editors' report from BOT_DATA_DIR")
    report.add_argument("--html", metavar="FILE", help="write a self-contained HTML page")
    report.add_argument("--json", action="store_true", help="print JSON for tools")

    evaluate = sub.add_parser("eval", help="accuracy on an evaluation set, matcher vs baseline")
    evaluate.add_argument(
        "file",
        nargs="?",
        help="evaluation YAML file (default: a small sample shipped with the package; the full "
        "sets are tests/eval/*.yaml in the source tree)",
    )
    evaluate.add_argument("--show-failures", action="store_true", help="list the failed cases")

    poster = sub.add_parser(
        "poster",
        help="printable poster (A4) or leaflet (A6) with a QR code that opens the bot on a topic",
    )
    poster.add_argument(
        "topic",
        nargs="*",
        metavar="TOPIC",
        help="poster topics (default: all; see --list): 'assistente' opens the bot's menu, "
        "the others a guided check or an answer",
    )
    poster.add_argument(
        "--lang", choices=["it", "en"], default="it", help="language of the poster (default: it)"
    )
    poster.add_argument(
        "--format",
        choices=["pdf", "png", "svg"],
        help="file format (default: from --out's extension, else pdf); png is 150 dpi",
    )
    poster.add_argument(
        "--size",
        choices=["a4", "a6"],
        default="a4",
        help="a4 poster (default) or a6 leaflet",
    )
    poster.add_argument(
        "--out",
        metavar="PATH",
        help="output file, or an existing folder (default: poster-<topic>-<lang>.<format> in "
        "the current folder); with several topics it must be a folder",
    )
    poster.add_argument(
        "--bot-username",
        metavar="NAME",
        help="the bot's Telegram username for the links (default: BOT_USERNAME, else asked "
        "from Telegram with getMe when BOT_TOKEN is set)",
    )
    poster.add_argument(
        "--list", action="store_true", help="list the topics and their links, write nothing"
    )
    return parser


@contextmanager
def _offline_brain(settings: Settings):  # type: ignore[no-untyped-def]
    """A brain for `ask` and `eval`, which keep no state: its store lives in a temporary
    folder that is deleted on the way out."""
    with tempfile.TemporaryDirectory(prefix="conciliazione-") as folder:
        # The imports, the knowledge base and the brain live as long as this short process:
        # their ~100,000 objects are no garbage, and are set aside from the garbage collector
        # (`keep`), which would otherwise scan them all at its first collection after the
        # pause (~15-40 ms) and again while the questions are answered.
        with collector.paused(keep=True):
            from bot.brain import Brain
            from bot.cache import load_knowledge_cached
            from bot.store import SQLiteStore

            kb = load_knowledge_cached(settings.knowledge_dir)
            brain = Brain(kb, SQLiteStore(Path(folder)), settings)
        try:
            yield brain
        finally:
            brain.close()


# json.dumps(..., ensure_ascii=False), its encoder made once rather than for every line.
_JSON = json.JSONEncoder(ensure_ascii=False)


def _reply_json(question: str, reply) -> str:  # type: ignore[no-untyped-def]
    return _JSON.encode(as_json(question, reply))


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    with _offline_brain(settings) as brain:
        questions = args.question
        if questions == ["-"]:
            from bot.ask_lines import answer_lines, worker_count

            def answer(question: str) -> str:
                reply = brain.answer_question(question, args.lang, args.matcher)
                if args.json:
                    return _reply_json(question, reply) + "\n"
                return as_plain_text(reply) + "\n\n"

            answer_lines(sys.stdin, sys.stdout, answer, worker_count(sys.stdin))
            return 0
        question = " ".join(questions)
        reply = brain.answer_question(question, args.lang, args.matcher)
        if args.json:
            print(_reply_json(question, reply))
        else:
            print(as_plain_text(reply))
    return 0


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    if args.directory:
        directory = Path(args.directory)
    else:
        directory = settings.knowledge_dir or default_knowledge_dir()
    where = display_path(directory)
    try:
        kb = load_knowledge(directory)
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem)
        print(f"{len(exc.problems)} problem(s) found in {where}", file=sys.stderr)
        return 1
    print(
        f"OK: {len(kb.entries)} entries, {len(kb.flows)} flows, {len(kb.texts.keys())} UI texts, "
        f"{len(kb.synonyms)} synonym groups in {where}"
    )
    return 0


def cmd_chat(settings: Settings) -> int:
    from bot.console import run_console

    return run_console(settings)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        settings.require_token()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    from handlers.app import run
    from handlers.startup_check import check_bot_api

    problem = check_bot_api(settings)
    if problem is not None:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    return int(run(settings, webhook=args.webhook))


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from bot.report import run_report

    return run_report(settings, html_file=args.html, as_json=args.json)


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    import yaml

    from bot.evaluation import DEFAULT_EVAL_FILE, load_cases, print_report, run_evaluation

    path = Path(args.file) if args.file else DEFAULT_EVAL_FILE
    if not path.is_file():
        print(f"error: no evaluation file at {display_path(path)}", file=sys.stderr)
        return 1
    try:
        load_cases(path)  # before building a brain: a wrong file is said at once
    except (OSError, yaml.YAMLError, UnicodeDecodeError, TypeError, KeyError, ValueError) as exc:
        reason = " ".join(str(exc).split())
        print(
            f"error: {display_path(path)} is not an evaluation set (a YAML list of "
            f"q/expect cases, see docs/contracts.md): {reason}",
            file=sys.stderr,
        )
        return 1
    with _offline_brain(settings) as brain:
        results = run_evaluation(brain, path)
    print_report(results, path, show_failures=args.show_failures)
    return 0


class UsageError(Exception):
    """Bad input on the command line: one line on stderr, exit code 2."""


def _poster_username(args: argparse.Namespace, settings: Settings) -> str:
    """--bot-username, else BOT_USERNAME, else getMe with BOT_TOKEN (UsageError if none)."""
    from bot.posters.links import PosterError, check_username

    raw = args.bot_username or settings.bot_username
    if not raw and settings.token:
        from telegram.error import TelegramError

        from handlers.identity import fetch_username

        try:
            raw = fetch_username(settings)
        except (TelegramError, SettingsError) as exc:
            raise OSError(f"could not ask Telegram for the bot's username (getMe): {exc}") from exc
    if not raw:
        raise UsageError(
            "the bot's username is unknown: pass --bot-username NAME, set BOT_USERNAME, "
            "or set BOT_TOKEN to ask Telegram"
        )
    try:
        return check_username(raw)
    except PosterError as exc:
        raise UsageError(str(exc)) from exc


def cmd_poster(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cache import load_knowledge_cached
    from bot.posters.build import FORMATS, build_poster, describe, write_atomically
    from bot.posters.links import deep_link, poster_topics

    kb = load_knowledge_cached(settings.knowledge_dir)
    available = poster_topics(kb.texts)
    topics = list(dict.fromkeys(args.topic)) or available
    unknown = [topic for topic in topics if topic not in available]
    if unknown:
        raise UsageError(f"unknown poster topic '{unknown[0]}' (topics: {describe(available)})")
    username = _poster_username(args, settings)
    if args.list:
        for topic in topics:
            print(f"{topic}\t{deep_link(username, topic)}")
        return 0
    out = Path(args.out) if args.out else Path.cwd()
    to_folder = out.is_dir() or len(topics) > 1 or (args.out or "").endswith(("/", "\\"))
    fmt = args.format
    if fmt is None:
        suffix = out.suffix.lower().lstrip(".")
        fmt = suffix if not to_folder and suffix in FORMATS else "pdf"
    if to_folder and not out.is_dir():
        raise UsageError(f"--out {out}: with several topics, --out must be an existing folder")
    made = [build_poster(kb, topic, args.lang, username, fmt, args.size) for topic in topics]
    files = [(out / poster.filename if to_folder else out, poster.data) for poster in made]
    write_atomically(files)
    for path, _ in files:
        print(path)
    return 0


def _knowledge_line(exc: KnowledgeError, settings: Settings) -> str:
    folder = display_path(settings.knowledge_dir or default_knowledge_dir())
    first = exc.problems[0] if exc.problems else str(exc)
    more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
    validate = "conciliazione-bot validate"
    return (
        f"error: the knowledge base in {folder} cannot be used: {first}{more}; "
        f"run `{validate}` to list every problem"
    )


def load_env_file(path: Path | None = None) -> None:
    """Read `.env` of the current folder (python-dotenv); exported variables win."""
    path = path or Path.cwd() / ENV_FILE
    if path.is_file():
        from dotenv import load_dotenv

        load_dotenv(path, override=False)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from bot.store import StoreError
    from handlers.logs import configure_logging

    try:
        load_env_file()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read {ENV_FILE}: {exc}", file=sys.stderr)
        return 1
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.command != "run":  # `run` sets up logging at LOG_LEVEL itself (handlers.app.run)
        configure_logging("WARNING")
    try:
        if args.command == "validate":
            return cmd_validate(args, settings)
        if args.command == "ask":
            return cmd_ask(args, settings)
        if args.command == "chat":
            return cmd_chat(settings)
        if args.command == "run":
            return cmd_run(args, settings)
        if args.command == "report":
            return cmd_report(args, settings)
        if args.command == "eval":
            return cmd_eval(args, settings)
        if args.command == "poster":
            return _run_poster(args, settings)
    except KnowledgeError as exc:
        print(_knowledge_line(exc, settings), file=sys.stderr)
        return 1
    except StoreError as exc:
        print(
            f"error: BOT_DATA_DIR={settings.data_dir} cannot hold the bot's data: "
            f"{' '.join(str(exc).split())}",
            file=sys.stderr,
        )
        return 1
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130
    return 2


def _run_poster(args: argparse.Namespace, settings: Settings) -> int:
    """`poster` with its errors as one line each: 2 for bad input, 1 for I/O."""
    from bot.posters.links import PosterError
    from bot.posters.render import PosterUnavailable

    try:
        return cmd_poster(args, settings)
    except (UsageError, PosterError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except PosterUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: cannot write the poster: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
