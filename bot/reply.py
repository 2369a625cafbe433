"""Channel-neutral replies: what the brain says, before any door renders it."""

from __future__ import annotations

from dataclasses import dataclass, field

# Every door must carry a button's data back: the smallest limit among them (Telegram's
# callback data) is the brain's limit. The Telegram door checks it again with Telegram's constant.
MAX_BUTTON_DATA_BYTES = 64


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
    # Named links for the sources cited in `details`: (title, url). Telegram links the titles;
    # plain-text doors print the address after each title.
    links: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    # A file to send after the text (Telegram: a document; console: saved to the folder).
    document: Document | None = None

    @property
    def plain_text(self) -> str:
        """The whole reply as plain text (title + text), as the CLI and the evaluation see it."""
        return f"{self.title}\n{self.text}" if self.title else self.text

    @property
    def plain_details(self) -> str:
        """`details` as plain text, each linked title followed by its address."""
        text = self.details
        for title, url in self.links:
            text = text.replace(title, f"{title} ({url})", 1)
        return text

    def all_buttons(self) -> list[Button]:
        return [button for row in self.buttons for button in row]


def option_id(button: Button) -> str:
    """A button as `ask --json` names it: the entry id for an entry, else its callback data."""
    return button.data[2:] if button.data.startswith("e:") else button.data


def as_json(question: str, reply: Reply) -> dict[str, object]:
    """The `ask --json` object (docs/contracts.md): every button is an option."""
    found: dict[str, object] = {
        "question": question,
        "status": reply.status,
        "entry": reply.entry,
        "score": round(min(100.0, max(0.0, float(reply.score))), 2),
        "lang": reply.lang,
        "text": reply.plain_text,
        "options": [{"id": option_id(b), "title": b.title} for b in reply.all_buttons()],
    }
    if reply.details:
        found["details"] = reply.plain_details
    return found


def as_plain_text(reply: Reply) -> str:
    """The reply as the console and `ask` print it: text, details after a blank line, buttons."""
    parts = [reply.plain_text.strip()]
    if reply.details:
        parts.append(reply.plain_details.strip())
    lines = "\n\n".join(parts)
    buttons = [f"  [{n}] {b.title}" for n, b in enumerate(reply.all_buttons(), start=1)]
    return "\n".join([lines, *buttons])
