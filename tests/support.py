"""Helpers shared by the tests: the real knowledge base (loaded once), brains, the CLI."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.brain import Brain
from bot.cache import load_knowledge_cached
from bot.chat import ChatContext
from bot.knowledge import KnowledgeBase
from bot.reply import Reply
from bot.store import SQLiteStore

ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = ROOT / "tests" / "eval"
# The Telegram commands of the contract (docs/contracts.md), written out on purpose: tests
# check the brain and the door against the contract, not against the brain's own list.
CONTRACT_COMMANDS = (
    "start",
    "help",
    "menu",
    "verifica",
    "contatti",
    "aderire",
    "annulla",
    "lingua",
    "privacy",
    "cancellami",
)


# Checks that a quick path gives what the plain one gives read this many evaluation messages at
# most: past it, an even sample of every set (the same each run), so their cost stops growing
# with each new set (docs/performance.md).
EVAL_SAMPLE = 9000


@lru_cache(maxsize=2)
def eval_messages(limit: int | None = EVAL_SAMPLE) -> tuple[str, ...]:
    """The messages of every evaluation set, or an even sample of `limit` of them."""
    import yaml

    messages = [
        case["q"]
        for path in sorted(EVAL_DIR.glob("*.yaml"))
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(case, dict) and isinstance(case.get("q"), str)
    ]
    if limit is None or len(messages) <= limit:
        return tuple(messages)
    return tuple(messages[i * len(messages) // limit] for i in range(limit))


@lru_cache(maxsize=1)
def button_data(reply: Reply) -> list[str]:
    """The callback data of every button of a reply, in order."""
    return [b.data for b in reply.all_buttons()]


def assert_smalltalk_like(brain: Brain, text: str, canonical: str | None = None) -> None:
    """`text` gets a small-talk reply, and (with `canonical`) the same one as `canonical` gets
    in the reply's language ("ma chi ti ha programmato?" is answered like "chi sei?"), with the
    line naming the ATS of the place named, if any ("buonasera, sono il sindaco di Cerveno")."""
    reply = brain.answer_question(text)
    assert reply.status == "smalltalk", text
    if canonical is not None:
        said = reply.text.split("\n\n📍 ")[0]
        assert said == brain.answer_question(canonical, lang=reply.lang).text, text


def assert_answered_by(brain: Brain, text: str, entry: str) -> None:
    """`text` gets an answer from `entry` (or from an entry whose id starts with it)."""
    reply = brain.answer_question(text)
    assert reply.status == "answer", text
    assert (reply.entry or "").startswith(entry), (text, reply.entry)


def real_kb() -> KnowledgeBase:
    """The embedded knowledge base as the bot loads it: through the disk cache (bot/cache.py),
    so each test worker unpickles it instead of validating the YAML and indexing it again
    (tests/test_knowledge.py and tests/test_cache.py load the YAML itself)."""
    return load_knowledge_cached()


def make_brain(data_dir: Path) -> Brain:
    return Brain(real_kb(), SQLiteStore(data_dir))


def chat(chat_id: int | str = 1, lang: str | None = None, admin: bool = False) -> ChatContext:
    return ChatContext(chat_id=chat_id, user_lang=lang, is_admin=admin)


# Settings a developer may have exported that would change what a CLI test sees.
_CLI_ENV_CLEARED = ("BOT_TOKEN", "BOT_DATA_DIR", "KNOWLEDGE_DIR", "BOT_API_BASE_URL", "LOG_LEVEL")


def cli_env(**overrides: str) -> dict[str, str]:
    """The environment for running this checkout's `python -m bot`: no token, no settings."""
    env = {k: v for k, v in os.environ.items() if k not in _CLI_ENV_CLEARED}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update(overrides)
    return env


def run_cli(
    args: list[str],
    *,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
    cwd: Path | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` from this checkout, wherever `cwd` is; output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(env) if env is not None else cli_env(),
        cwd=cwd or ROOT,
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (once this returns)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def as_sent(replies: list[Any]) -> list[tuple[str, list[str]]]:
    """What the Telegram door should send for the brain's replies: (HTML, callback data)."""
    from handlers.render import render

    expected = []
    for reply in replies:
        for message in render(reply):
            rows = message.keyboard.inline_keyboard if message.keyboard else ()
            expected.append((message.html, [b.callback_data for row in rows for b in row]))
    return expected


def seen(messages: list[Any]) -> list[tuple[str, list[str]]]:
    """What the fake Bot API received, in the same shape as `as_sent`."""
    return [(message.text, message.callback_data) for message in messages]


def reference_brain(data_dir: Path) -> Brain:
    """A brain built as the bot process builds its own: what a door's replies are compared with."""
    from bot.settings import Settings

    return Brain.from_settings(
        Settings.from_env(
            {"BOT_DATA_DIR": str(data_dir), "KNOWLEDGE_DIR": os.environ.get("KNOWLEDGE_DIR", "")}
        )
    )
