"""A bounded first call to the Bot API before `run` starts, so that a wrong address, no
network or a refused token is one clear line within seconds, not a minute of retries.

python-telegram-bot's start-up would retry getMe (bootstrap retries) and, when it finally
gives up, leave tracebacks behind; this check asks once, with short time-outs, through the
same public `telegram.Bot` the bot uses, and closes its connection whatever happens.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TimedOut
from telegram.request import HTTPXRequest

from bot.settings import Settings
from handlers.logs import RedactSecrets

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 5.0
# The whole check, whatever the server does (a proxy that never answers...).
TOTAL_TIMEOUT = 15.0


def _where(base_url: str) -> str:
    """The server, without the path (which will hold the token once it is appended)."""
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else base_url


async def _get_me(settings: Settings) -> None:
    request = HTTPXRequest(
        connection_pool_size=1, connect_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT
    )
    bot = Bot(settings.require_token(), base_url=settings.base_url, request=request)
    async with bot:  # initialize() calls getMe; shutdown closes the connection in any case
        pass


def check_bot_api(settings: Settings) -> str | None:
    """None when the Bot API answers getMe for this token, else one line saying why not."""
    where = _where(settings.base_url)
    try:
        asyncio.run(asyncio.wait_for(_get_me(settings), TOTAL_TIMEOUT))
    except InvalidToken:  # 401, or 404: a method the server lacks (its text has the token)
        return (
            f"the Bot API at {where} refused the bot: is BOT_TOKEN revoked or mistyped, "
            "or BOT_API_BASE_URL wrong?"
        )
    except (TimedOut, TimeoutError):
        return (
            f"cannot reach the Bot API at {where}: no answer within "
            f"{CONNECT_TIMEOUT + READ_TIMEOUT:.0f} s (network, proxy or BOT_API_BASE_URL?)"
        )
    except NetworkError as exc:
        reason = RedactSecrets(settings.token.get()).redact(str(exc)) or type(exc).__name__
        return f"cannot reach the Bot API at {where}: {reason}"
    return None
