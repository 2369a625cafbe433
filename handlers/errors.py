"""The one error handler: log what failed (update id, never message text or names), apologise.

Exception messages can quote user input, so the log carries the exception type and the
traceback frames (file, line, code) only, never the exception's message.
"""

from __future__ import annotations

import asyncio
import logging
import traceback

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from handlers.chat import brain_of, reply_lang
from handlers.delivery import send_replies

logger = logging.getLogger(__name__)


async def report_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure by update id and tell the user how to reach a human office."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    # Without an update, the error comes from the polling loop, which retries on its own.
    where = f"update {update_id}" if update_id is not None else "polling"
    if isinstance(error, Forbidden):
        logger.info("%s: the user blocked the bot or left the chat", where)
        return
    if isinstance(error, (RetryAfter, NetworkError)) and not isinstance(error, BadRequest):
        # Telegram is unreachable or flooded even after retries: an apology would fail too.
        logger.warning("%s: Telegram unreachable (%s)", where, type(error).__name__)
        return
    frames = "".join(traceback.format_tb(error.__traceback__)) if error else ""
    logger.error("%s failed with %s\n%s", where, type(error).__name__, frames.rstrip())
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    reply = await asyncio.to_thread(brain_of(context).error_reply, reply_lang(update))
    try:
        await send_replies(context.bot, update.effective_chat.id, [reply])
    except TelegramError as exc:
        logger.warning("update %s: apology not sent (%s)", update_id, type(exc).__name__)
