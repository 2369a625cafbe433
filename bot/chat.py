"""What a door hands the brain: who is talking, the cleaned input, the commands it may send."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.texts import LANGS

MAX_INPUT_CHARS = 4000
PUBLIC_COMMANDS = (
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
ADMIN_COMMANDS = ("stats", "reload", "unanswered", "poster")
# What may take seconds rather than a millisecond: reloading the knowledge base, statistics
# over the logs, deleting a chat's data (a VACUUM of the whole file). A door with an event
# loop runs these in a worker thread and everything else inline (see `may_take_long`).
SLOW_COMMANDS = frozenset((*ADMIN_COMMANDS, "cancellami"))
SLOW_BUTTON_PREFIXES = ("x:", "a:")

# Lone UTF-16 surrogates (possible in decoded JSON) cannot be encoded: read as U+FFFD.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class ChatContext:
    """Who is talking, as much as the brain needs: never a name or a username."""

    chat_id: int | str
    user_lang: str | None = None  # the channel's language hint, e.g. Telegram "en-GB"
    is_admin: bool = False


def clean_input(text: str | None) -> str:
    """User input as the brain reads it: at most MAX_INPUT_CHARS, always encodable."""
    text = (text or "")[:MAX_INPUT_CHARS]
    if text.isascii():  # no surrogate (a code point above U+D7FF) to look for
        return text
    return LONE_SURROGATE.sub("\ufffd", text)


def lang_hint(code: str | None) -> str | None:
    """A bot language from a channel's language code ("en-GB" -> "en"), or None."""
    if not code:
        return None
    code = code.lower()[:2]
    return code if code in LANGS else None


def command_name(command: str | None) -> str:
    """A command as the brain dispatches it: lower case, without Telegram's "@botname"."""
    return (command or "").lower().split("@", 1)[0]


def may_take_long(*, command: str | None = None, button: str | None = None) -> bool:
    """Whether a command or a button press may keep the brain busy for seconds.

    Everything else (questions, flows, menus) takes well under a millisecond of CPU: cheaper
    to run on a door's event loop than to hand to a worker thread (docs/performance.md).
    """
    if command is not None:
        return command_name(command) in SLOW_COMMANDS
    return button is not None and button.startswith(SLOW_BUTTON_PREFIXES)
