"""Channel-neutral replies: what the brain says, before any door renders it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Button:
    """A button: `title` is shown, `data` comes back when pressed (<= 64 bytes, Telegram limit)."""

    title: str
    data: str


@dataclass(frozen=True)
class Document:
    """A file sent with a reply (e.g. a poster): its name, bytes and media type."""

    filename: str
    data: bytes = field(repr=False)
    mime: str = "application/octet-stream"


@dataclass(frozen=True)
class Reply:
    """One message to send.

    `text` is plain text (no markup): every door escapes it for its channel. `title`, when set,
    is shown in bold above the text. `buttons` are rows of buttons.
    `status` is one of answer | clarify | fallback | smalltalk | flow | verdict | info.
    """

    text: str
    status: str = "info"
    lang: str = "it"
    entry: str | None = None
    score: float = 0.0
    title: str | None = None
    buttons: tuple[tuple[Button, ...], ...] = field(default_factory=tuple)
    # For clarify replies: the candidate entries offered, as (entry id, title) pairs.
    options: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    # What a typed answer should be: "any", or "number" when the bot asks for an amount, a
    # number or a date (the console then reads "3" as the answer, not as button [3]).
    expects: str = "any"
    # Conditions, particulars and sources: shown collapsed (Telegram's expandable blockquote),
    # after a blank line in the console, as `details` in `ask --json`.
    details: str = ""
    # A file to send after the text (Telegram: a document; console: saved to the folder).
    document: Document | None = None

    @property
    def plain_text(self) -> str:
        """The whole reply as plain text (title + text), as the CLI and the evaluation see it."""
        return f"{self.title}\n{self.text}" if self.title else self.text

    def all_buttons(self) -> list[Button]:
        return [button for row in self.buttons for button in row]
