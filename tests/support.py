"""Helpers shared by the brain tests: the real knowledge base, loaded once per session."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from bot.brain import Brain, ChatContext
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.store import SQLiteStore

ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = ROOT / "tests" / "eval"
# The Telegram commands of the contract (DESIGN.md section 3), written out on purpose: tests
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


@lru_cache(maxsize=1)
def real_kb() -> KnowledgeBase:
    return load_knowledge()


def make_brain(data_dir: Path) -> Brain:
    return Brain(real_kb(), SQLiteStore(data_dir))


def chat(chat_id: int | str = 1, lang: str | None = None, admin: bool = False) -> ChatContext:
    return ChatContext(chat_id=chat_id, user_lang=lang, is_admin=admin)
