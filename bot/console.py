"""The console door: the same brain as Telegram, in a terminal (`conciliazione-bot chat`).

Buttons are printed as numbered options; typing the number or the label presses it. Commands
are typed as on Telegram (/menu, /verifica, /annulla ...). The state lives in BOT_DATA_DIR, so a
flow survives a restart here too.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from bot.brain import Brain, ChatContext
from bot.normalise import fold
from bot.posters import write_atomically
from bot.reply import Button, Document, Reply
from bot.settings import Settings

CONSOLE_CHAT_ID = "console"
QUIT_WORDS = frozenset({"/quit", "/exit", "/esci", "quit", "exit", "esci"})


class ConsoleSession:
    """One console conversation: renders replies and maps typed numbers/labels to buttons."""

    def __init__(self, brain: Brain, out: TextIO, chat_id: str = CONSOLE_CHAT_ID) -> None:
        self.brain = brain
        self.out = out
        # Whoever runs the console works on the installation itself (BOT_DATA_DIR, knowledge/):
        # the admin commands (/stats, /poster ...) are theirs too.
        self.chat = ChatContext(chat_id=chat_id, is_admin=True)
        self.buttons: list[Button] = []
        self.expects = "any"

    def show(self, replies: list[Reply]) -> None:
        self.buttons = []
        self.expects = replies[-1].expects if replies else "any"
        for reply in replies:
            if reply.title:
                self.out.write(f"\n== {reply.title} ==\n")
            self.out.write(reply.text.strip() + "\n")
            for button in reply.all_buttons():
                self.buttons.append(button)
                self.out.write(f"  [{len(self.buttons)}] {button.title}\n")
            if reply.document is not None:
                self.save(reply.document, reply.lang)
        if self.expects != "any" and replies:
            self.out.write(self.brain.texts.get("console.number_hint", replies[-1].lang) + "\n")
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
        # When the bot asks for a number, "3" is the answer; buttons are pressed by label.
        if self.expects == "any" and line.isdigit() and 1 <= int(line) <= len(self.buttons):
            return self.buttons[int(line) - 1]
        folded = fold(line)
        for button in self.buttons:
            if folded and fold(button.title) == folded:
                return button
        return None

    def send(self, line: str) -> list[Reply]:
        line = line.strip()
        button = self._button_for(line)
        if button is not None:
            return self.brain.handle_button(self.chat, button.data)
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
