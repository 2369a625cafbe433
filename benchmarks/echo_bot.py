"""A bare python-telegram-bot echo bot: the ceiling of the Telegram layer, for benchmarks/run.py.

It does the least a bot can do with the same traffic as ours: every text comes back as it is
(commands too), and a button press is acknowledged and its data sent back. No brain, no store,
no rate limiter, python-telegram-bot's default request settings. Whatever our bot loses against
it is the cost of what it does on top of python-telegram-bot.

    BOT_TOKEN=... BOT_API_BASE_URL=http://127.0.0.1:PORT/bot python benchmarks/echo_bot.py
    ... python benchmarks/echo_bot.py --concurrent 32   # updates processed 32 at a time

By default python-telegram-bot processes one update at a time (`concurrent_updates` off);
`--concurrent N` processes N at once. `--aiohttp` sends through our transport
(handlers/transport.py) instead of python-telegram-bot's default httpx one: the ceiling of the
Telegram layer *as our bot uses it*.
"""

from __future__ import annotations

import argparse
import logging
import os

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the text back."""
    message = update.effective_message
    if message is not None and message.text:
        await context.bot.send_message(message.chat_id, message.text)


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop the button's spinner, then send its data back."""
    query = update.callback_query
    if query is None or query.message is None or not query.data:
        return
    await query.answer()
    await context.bot.send_message(query.message.chat.id, query.data)


def build(token: str, base_url: str, concurrent: int = 1, aiohttp: bool = False) -> Application:
    builder = ApplicationBuilder().token(token).base_url(base_url)
    if concurrent > 1:
        builder = builder.concurrent_updates(concurrent)
    if aiohttp:
        from handlers.transport import AiohttpRequest

        builder = builder.request(AiohttpRequest())
    application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.add_handler(CallbackQueryHandler(press))
    return application


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--concurrent",
        type=int,
        default=1,
        help="updates processed at once (default 1, python-telegram-bot's default)",
    )
    parser.add_argument(
        "--aiohttp", action="store_true", help="send through handlers/transport.py (aiohttp)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    application = build(
        os.environ["BOT_TOKEN"], os.environ["BOT_API_BASE_URL"], args.concurrent, args.aiohttp
    )
    application.run_polling(allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
