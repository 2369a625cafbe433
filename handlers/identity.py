"""Who the bot is on Telegram: its username, from getMe (for the deep links on posters)."""

from __future__ import annotations

import asyncio

from telegram import Bot

from bot.settings import Settings


async def fetch_username_async(settings: Settings) -> str:
    """The bot's username from getMe, on BOT_API_BASE_URL (TelegramError on failure)."""
    bot = Bot(settings.require_token(), base_url=settings.base_url)
    async with bot:  # initialize() calls getMe
        return str(bot.username)


def fetch_username(settings: Settings) -> str:
    """Blocking `fetch_username_async`, for the command line."""
    return asyncio.run(fetch_username_async(settings))
