"""The console door: the same brain as Telegram, in a terminal (`conciliazione-bot chat`).

Buttons are printed as numbered options (lettered on steps that ask for a number); typing the
number, the letter, the label or its unambiguous beginning presses it. Replies' `details` are
printed after a blank line. Commands
are typed as on Telegram (/menu, /verifica, /annulla ...). The state lives in BOT_DATA_DIR, so a
flow survives a restart here too.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from bot.brain import Brain
from bot.chat import ChatContext
from bot.normalise import fold
from bot.posters.build import write_atomically
from bot.reply import Button, Document, Reply
from bot.settings import Settings

CONSOLE_CHAT_ID = "console"
QUIT_WORDS = frozenset({"/quit", "/exit", "/esci", "quit", "exit", "esci"})


LETTERS = "abcdefghijklmnopqrstuvwxyz"
MIN_PREFIX = 4  # typed characters for a label's beginning to press its button


class ConsoleSession:
    """One console conversation: renders replies and maps typed numbers/labels to buttons.

    Buttons are numbered [1] [2]… when any typed text is welcome; on a step that asks for a
    number, an amount or a date they get letters [a] [b]… so that "1" is the answer, never a
    button. A digit with no button on screen is not sent (it would answer an unrelated
    question): the console says so. A label, or an unambiguous beginning of one (at least 4
    characters, ending at a word boundary: "Fondo NASKO"), presses its button."""

    def __init__(self, brain: Brain, out: TextIO, chat_id: str = CONSOLE_CHAT_ID) -> None:
        self.brain = brain
        self.out = out
        # Whoever runs the console works on the installation itself (BOT_DATA_DIR, knowledge/):
        # the admin commands (/stats, /poster ...) are theirs too.
        self.chat = ChatContext(chat_id=chat_id, is_admin=True)
        self.buttons: list[Button] = []
        self.expects = "any"
        self.lang = "it"

    @property
    def lettered(self) -> bool:
        return self.expects != "any"

    def show(self, replies: list[Reply]) -> None:
        self.buttons = []
        self.expects = replies[-1].expects if replies else "any"
        if replies:
            self.lang = replies[-1].lang
        for reply in replies:
            if reply.title:
                self.out.write(f"\n== {reply.title} ==\n")
            self.out.write(reply.text.strip() + "\n")
            if reply.details.strip():
                self.out.write("\n" + reply.plain_details.strip() + "\n")
            for button in reply.all_buttons():
                self.buttons.append(button)
                index = len(self.buttons)
                mark = LETTERS[index - 1] if self.lettered and index <= len(LETTERS) else index
                self.out.write(f"  [{mark}] {button.title}\n")
            if reply.document is not None:
                self.save(reply.document, reply.lang)
        if self.lettered and replies:
            self.out.write(self.brain.texts.get("console.letter_hint", replies[-1].lang) + "\n")
        self.out.flush()

    def save(self, document: Document, lang: str) -> None:
        """A file the bot sends (e.g. a poster) is saved in the current folder."""
        path = Path.cwd() / Path(document.filename).name
        try:
            write_atomically([(path, document.data)])
        except OSError as exc:
            self.out.write(f"{path}: {exc.strerror or exc}\n")
            return
        self.out.write(self.brain.texts.get("console.file_saved", lang, path=str(path)) + "\n")

    def _button_for(self, line: str) -> Button | None:
        if self.lettered:  # "3" is the answer; buttons are pressed by letter or by label
            low = line.lower()
            if len(low) == 1 and low in LETTERS[: len(self.buttons)]:
                return self.buttons[LETTERS.index(low)]
        elif line.isdigit() and 1 <= int(line) <= len(self.buttons):
            return self.buttons[int(line) - 1]
        folded = fold(line)
        if not folded:
            return None
        for button in self.buttons:
            if fold(button.title) == folded:
                return button
        if len(folded) < MIN_PREFIX:
            return None
        starts = [
            b
            for b in self.buttons
            if fold(b.title).startswith(folded + " ") or fold(b.title) == folded
        ]
        return starts[0] if len(starts) == 1 else None

    def send(self, line: str) -> list[Reply]:
        line = line.strip()
        button = self._button_for(line)
        if button is not None:
            return self.brain.handle_button(self.chat, button.data)
        if line.isdigit() and not self.lettered and not self.buttons:
            hint = self.brain.texts.get("console.no_buttons", self.lang, n=line)
            return [Reply(hint, status="info", lang=self.lang)]
        if line.startswith("/") and len(line) > 1:
            command, _, args = line[1:].partition(" ")
            return self.brain.handle_command(self.chat, command, args)
        return self.brain.handle_text(self.chat, line)


def run_console(settings: Settings, stdin: TextIO | None = None, out: TextIO | None = None) -> int:
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    brain = Brain.from_settings(settings)
    session = ConsoleSession(brain, out)
    interactive = stdin.isatty()
    out.write(brain.texts.get("console.banner", "it") + "\n")
    session.show(brain.handle_command(session.chat, "start"))
    try:
        while True:
            if interactive:
                out.write("\n> ")
                out.flush()
            line = stdin.readline()
            if not line:
                break
            if line.strip().lower() in QUIT_WORDS:
                break
            session.show(session.send(line))
    except KeyboardInterrupt:
        out.write("\n")
    finally:
        brain.close()
    return 0
