"""What the flow engine's tests share: the real flows and UI texts, a day, a tiny place directory's
entities and a way to play a list of presses and typed answers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from bot.flows import FlowEngine, load_flows
from bot.models import SafeLoader  # libyaml's loader when available
from bot.reply import Reply
from bot.texts import Texts

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"
TODAY = date(2026, 11, 20)
FLOWS, PROBLEMS = load_flows(KNOWLEDGE)


def ui_texts() -> Texts:
    merged: dict[str, dict[str, str]] = {}
    for path in sorted((KNOWLEDGE / "ui").glob("*.yaml")):
        merged.update(yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader)["texts"])
    return Texts(merged)


TEXTS = ui_texts()


@dataclass(frozen=True)
class Comune:
    name: str
    province: str
    ats: tuple[str, ...]


@dataclass(frozen=True)
class PlaceMatch:
    kind: str
    comuni: tuple[Comune, ...]
    province: str | None = None


def datas(reply: Reply) -> list[str]:
    return [b.data for b in reply.all_buttons()]


def play(
    engine: FlowEngine, chat: int | str, actions: Iterable[tuple[str, str]], lang: str = "it"
) -> list[Reply]:
    """Each action is ("b" or "button", callback data) or ("t" or "text", what is typed)."""
    replies: list[Reply] = []
    for kind, value in actions:
        call = engine.handle_button if kind in ("b", "button") else engine.handle_text
        replies = call(chat, value, lang)
    return replies
