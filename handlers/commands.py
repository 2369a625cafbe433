"""Commands: every /command goes to the brain with its arguments (`/start nasko` deep links)."""

from __future__ import annotations

from functools import partial

from telegram import Update
from telegram.ext import ContextTypes

from bot.chat import ADMIN_COMMANDS, PUBLIC_COMMANDS, may_take_long
from handlers.chat import (
    brain_of,
    chat_context,
    command_of,
    consult,
    is_private,
    quote_in_groups,
)
from handlers.delivery import send_replies

# The contract's commands (docs/contracts.md) and the admin ones (the brain checks
# ChatContext.is_admin) are the brain's; the menu shown by Telegram comes from
# Brain.command_menu.
COMMANDS = PUBLIC_COMMANDS


async def answer_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Pass a /command and its arguments to the brain; unknown ones get its polite reply."""
    message = update.effective_message
    if message is None or not message.text:
        return
    command, target, arguments = command_of(message)
    if target and target.lower() != (context.bot.username or "").lower():
        return  # /cmd@otherbot in a group: not for us
    known = command in COMMANDS or command in ADMIN_COMMANDS
    if not known and target is None and not is_private(message):
        return  # a bare unknown /cmd in a group is probably another bot's
    chat = chat_context(update, context)
    replies = await consult(
        partial(brain_of(context).handle_command, chat, command, arguments),
        slow=may_take_long(command=command),
    )
    await send_replies(
        context.bot, message.chat_id, replies, quote_message_id=quote_in_groups(message)
    )
