"""Inline buttons: acknowledge the press at once, then the brain's replies come as new messages."""

from __future__ import annotations

import logging
from functools import partial

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.chat import may_take_long
from handlers.chat import brain_of, chat_context, consult
from handlers.delivery import send_replies

logger = logging.getLogger(__name__)


async def answer_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop the button's spinner first, then pass its callback data to the brain."""
    query = update.callback_query
    if query is None:
        return
    try:
        await query.answer()
    except BadRequest:
        # Pressed long ago (e.g. while the bot was down): too old to acknowledge, still answered.
        logger.info("update %s: callback query too old to acknowledge", update.update_id)
    chat = update.effective_chat
    if chat is None or not query.data:
        return
    replies = await consult(
        partial(brain_of(context).handle_button, chat_context(update, context), query.data),
        slow=may_take_long(button=query.data),
    )
    await send_replies(context.bot, chat.id, replies)
