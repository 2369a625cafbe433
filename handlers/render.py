"""Reply -> Telegram messages: escaped HTML chunks within Telegram's limits, plus a keyboard.

The brain's text is plain text. Here it is escaped for `parse_mode=HTML` (`html.escape` with
quotes left alone: Telegram needs only `<`, `>` and `&` escaped), the optional title is set in
bold, and a long reply is split at paragraph boundaries (then line ends, then spaces, then a
hard cut that never breaks an `&amp;` entity) so that every chunk, measured *after* escaping
and in Telegram's UTF-16 units, fits in one message. The inline keyboard goes on the last
chunk only, under the end of the reply.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardButtonLimit, MessageLimit

from bot.reply import Button, Reply

logger = logging.getLogger(__name__)

MAX_MESSAGE_LENGTH: int = MessageLimit.MAX_TEXT_LENGTH  # 4096
MAX_CALLBACK_DATA_BYTES: int = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA  # 64
# Longer titles are shortened, so the bold line never needs cutting (tags must stay whole).
MAX_TITLE_LENGTH = 256
# Preferred cut points, best first: paragraphs, lines, words.
SEPARATORS = ("\n\n", "\n", " ")
# Telegram rejects an empty message; a reply made only of buttons still needs a body.
EMPTY_BODY = "…"
# Distinct keyboards kept ready (the knowledge base has a few hundred).
KEYBOARD_CACHE_SIZE = 1024
# Lone UTF-16 surrogates (possible in decoded JSON) cannot be sent: they become U+FFFD.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class OutgoingMessage:
    """One Telegram message, ready for `send_message(text=html, parse_mode=HTML)`."""

    html: str
    keyboard: InlineKeyboardMarkup | None = None


def telegram_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units): an emoji may count 2."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def to_html(reply: Reply) -> str:
    """The whole reply as Telegram HTML: bold title line, then the escaped text."""
    body = escape(LONE_SURROGATE.sub("\ufffd", reply.text.strip("\n")), quote=False)
    title = " ".join(LONE_SURROGATE.sub("\ufffd", reply.title or "").split())
    if not title:
        return body
    if len(title) > MAX_TITLE_LENGTH:
        title = title[: MAX_TITLE_LENGTH - 1].rstrip() + "…"
    return f"<b>{escape(title, quote=False)}</b>\n{body}".rstrip("\n")


def details_html(reply: Reply) -> str:
    """The collapsed part: escaped details, the sources' titles linked to their pages."""
    text = escape(LONE_SURROGATE.sub("\ufffd", reply.details.strip("\n")), quote=False)
    for title, url in reply.links:
        safe_title = escape(title, quote=False)
        link = f'<a href="{escape(url, quote=True)}">{safe_title}</a>'
        text = text.replace(safe_title, link, 1)
    return text


def render(reply: Reply, limit: int = MAX_MESSAGE_LENGTH) -> list[OutgoingMessage]:
    """The messages for one reply: HTML chunks of at most `limit`, keyboard on the last.

    Details (conditions, sources) go in an expandable blockquote under the key fact; when the
    whole would not fit one message, they follow as plain chunks instead (a tag cannot be cut).
    """
    keyboard = build_keyboard(reply.buttons)
    html = to_html(reply)
    if reply.details.strip():
        details = details_html(reply)
        quoted = f"{html}\n\n<blockquote expandable>{details}</blockquote>"
        if telegram_length(quoted) <= limit:
            html = quoted
        else:
            html = f"{html}\n\n{escape(reply.plain_details.strip(), quote=False)}"
    chunks = [html] if telegram_length(html) <= limit and "<blockquote" in html else []
    chunks = chunks or split_html(html, limit)
    if not chunks:
        if keyboard is None:
            return []
        chunks = [EMPTY_BODY]
    messages = [OutgoingMessage(chunk) for chunk in chunks[:-1]]
    messages.append(OutgoingMessage(chunks[-1], keyboard))
    return messages


def split_html(html: str, limit: int = MAX_MESSAGE_LENGTH) -> list[str]:
    """Cut escaped text into chunks of at most `limit`, preferring the earliest separators."""
    chunks: list[str] = []
    current = ""
    for separator, piece in _pieces(html, limit, SEPARATORS):
        candidate = f"{current}{separator}{piece}" if current else piece
        if telegram_length(candidate) <= limit:
            current = candidate
            continue
        if current.strip():
            chunks.append(current.strip())
        current = piece
    if current.strip():
        chunks.append(current.strip())
    return chunks


def _pieces(text: str, limit: int, separators: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """(separator before it, piece) pairs, each piece at most `limit`; joined, they give `text`."""
    if telegram_length(text) <= limit:
        yield "", text
        return
    if not separators:
        for piece in _hard_cuts(text, limit):
            yield "", piece
        return
    separator, finer = separators[0], separators[1:]
    for index, part in enumerate(text.split(separator)):
        joiner = separator if index else ""
        for sub_index, (sub_separator, piece) in enumerate(_pieces(part, limit, finer)):
            yield (joiner if sub_index == 0 else sub_separator), piece


def _hard_cuts(text: str, limit: int) -> Iterator[str]:
    """Cut a separator-free run into pieces of at most `limit`, never inside an entity."""
    while telegram_length(text) > limit:
        cut = limit
        while telegram_length(text[:cut]) > limit:
            cut -= 1
        amp = text.rfind("&", max(0, cut - len("&amp;")), cut)
        if amp > 0 and text.find(";", amp, cut) == -1:
            cut = amp  # `&...;` would straddle the cut: cut before it
        yield text[:cut]
        text = text[cut:]
    if text:
        yield text


@functools.lru_cache(maxsize=KEYBOARD_CACHE_SIZE)
def build_keyboard(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    """Inline keyboard from the reply's rows; a button Telegram would refuse is dropped.

    Keyboards are immutable and few (menus, an answer's follow-ups, a flow step's choices),
    so each is built once and reused.
    """
    keyboard: list[list[InlineKeyboardButton]] = []
    for row in rows:
        buttons = []
        for button in row:
            size = len(button.data.encode("utf-8"))
            if not button.title.strip() or not 0 < size <= MAX_CALLBACK_DATA_BYTES:
                logger.error("dropping a button with %d bytes of callback data", size)
                continue
            buttons.append(InlineKeyboardButton(button.title, callback_data=button.data))
        if buttons:
            keyboard.append(buttons)
    return InlineKeyboardMarkup(keyboard) if keyboard else None
