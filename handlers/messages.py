"""Messages: free text goes to the brain; media it cannot read get a short polite reply."""

from __future__ import annotations

from functools import partial

from telegram import Update
from telegram.ext import ContextTypes

from handlers.chat import (
    brain_of,
    chat_context,
    consult,
    is_private,
    quote_in_groups,
    without_mention,
)
from handlers.delivery import send_replies


async def answer_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A question or a typed answer in a flow: the brain answers, clarifies or falls back."""
    message = update.effective_message
    if message is None or not message.text:
        return
    text = message.text
    if not is_private(message):
        text = without_mention(text, context.bot.username or "")
    brain, chat = brain_of(context), chat_context(update, context)
    if text:
        replies = await consult(partial(brain.handle_text, chat, text))
    else:  # just "@botname" in a group: show what the bot can do
        replies = await consult(partial(brain.handle_command, chat, "menu", ""))
    await send_replies(
        context.bot, message.chat_id, replies, quote_message_id=quote_in_groups(message)
    )


async def answer_unsupported_media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice, locations...: say that only text can be read."""
    message = update.effective_message
    if message is None:
        return
    brain, chat = brain_of(context), chat_context(update, context)
    reply = await consult(partial(brain.unsupported_media, chat))
    await send_replies(context.bot, message.chat_id, [reply])
