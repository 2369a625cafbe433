"""Who is talking and whether they talk to us: ChatContext from an Update, group addressing.

In a private chat every message is for the bot. In a group the bot answers only commands and
messages that mention it (`@botname`) or reply to one of its messages; the mention is removed
before the text reaches the brain.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import TypeVar

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes, filters

from bot.brain import Brain
from bot.chat import ChatContext
from bot.settings import Settings

# bot_data keys of the services built once by the composition root (handlers.app).
BRAIN = "brain"
SETTINGS = "settings"

T = TypeVar("T")


async def consult(call: Callable[[], T], *, slow: bool = False) -> T:
    """Call the brain: inline on the event loop, or in a worker thread when `slow`.

    An ordinary brain call (a question, a flow step, a menu) costs a fraction of a millisecond;
    handing it to a worker thread costs more than that under load (GIL hand-offs between the
    threads and the loop), so it runs inline. Calls that may take seconds
    (`bot.chat.may_take_long`) run in a thread, so the other chats keep flowing meanwhile.
    """
    if slow:
        return await asyncio.to_thread(call)
    return call()


def brain_of(context: ContextTypes.DEFAULT_TYPE) -> Brain:
    """The brain shared by all handlers."""
    brain: Brain = context.bot_data[BRAIN]
    return brain


def chat_context(update: Update, context: ContextTypes.DEFAULT_TYPE) -> ChatContext:
    """What the brain needs to know about the chat: id, Telegram language, admin or not."""
    chat = update.effective_chat
    user = update.effective_user
    settings: Settings = context.bot_data[SETTINGS]
    return ChatContext(
        chat_id=conversation_key(
            chat.id if chat else None, chat.type if chat else None, user.id if user else None
        ),
        user_lang=user.language_code if user else None,
        is_admin=bool(user and user.id in settings.admin_ids),
    )


def conversation_key(chat_id: int | None, chat_type: str | None, user_id: int | None) -> int | str:
    """The brain's key for a conversation: the chat, or in a group the chat *and* the person.

    Eligibility checks ask personal questions; two people in one group must not share a flow,
    and /cancellami in a group deletes only the asker's data.
    """
    if chat_id is None:
        return user_id or 0
    if chat_type == ChatType.PRIVATE or user_id is None:
        return chat_id
    return f"{chat_id}:{user_id}"


def reply_lang(update: object) -> str:
    """`it` or `en` for messages the brain cannot tailor (e.g. after an error)."""
    user = update.effective_user if isinstance(update, Update) else None
    code = (user.language_code or "it") if user else "it"
    return "it" if code.lower().startswith("it") else "en"


def is_private(message: Message) -> bool:
    return message.chat.type == ChatType.PRIVATE


def quote_in_groups(message: Message) -> int | None:
    """In a group, answers quote the question so it is clear whom they answer."""
    return None if is_private(message) else message.message_id


class AddressedToBot(filters.MessageFilter):
    """Private chats always; groups only when the message mentions the bot or replies to it."""

    def filter(self, message: Message) -> bool:
        if is_private(message):
            return True
        bot = message.get_bot()
        replied = message.reply_to_message
        if replied and replied.from_user and replied.from_user.id == bot.id:
            return True
        mention = f"@{bot.username}".lower()
        return any(
            text.lower() == mention
            for text in message.parse_entities([MessageEntity.MENTION]).values()
        )


def without_mention(text: str, username: str) -> str:
    """The message text with `@botname` removed, as the brain should read it."""
    pattern = re.compile(rf"(?<!\w)@{re.escape(username)}\b[,:]?", re.IGNORECASE)
    return " ".join(pattern.sub(" ", text).split())


def command_of(message: Message) -> tuple[str, str | None, str]:
    """(command, @target or None, arguments) of a message starting with a /command."""
    entity = next(
        e for e in message.entities if e.type == MessageEntity.BOT_COMMAND and e.offset == 0
    )
    token = message.parse_entity(entity)
    command, _, target = token[1:].partition("@")
    arguments = (message.text or "")[len(token) :].strip()
    return command.lower(), target or None, arguments
