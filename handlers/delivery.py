"""Getting replies out to Telegram: rendering, sending in order, and retrying what is transient.

Flood limits and `RetryAfter` (HTTP 429) are handled by python-telegram-bot's `AIORateLimiter`
(overall rate from `MAX_MESSAGES_PER_SECOND`, default 30: Telegram's documented limit);
`RetryingRateLimiter` adds a few spaced retries for transient network failures (connection
refused or reset, 5xx, timeouts), which PTB does not retry for ordinary requests.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Iterable
from datetime import timedelta
from typing import Any

from telegram import Bot, InputFile, ReplyParameters
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter

from bot.reply import Document, Reply
from bot.settings import DEFAULT_MAX_MESSAGES_PER_SECOND
from handlers.metrics import count_reply
from handlers.render import render

logger = logging.getLogger(__name__)

# RetryAfter: how many times one request is retried after a 429 before giving up.
RATE_LIMIT_RETRIES = 3
# Transient network failures: retries of one request, and the pause before each one.
NETWORK_RETRY_DELAYS: tuple[float, ...] = (0.5, 1.5, 3.0)


async def send_replies(
    bot: Bot, chat_id: int, replies: Iterable[Reply], *, quote_message_id: int | None = None
) -> None:
    """Send the brain's replies to a chat in order; in groups, quote the user's message."""
    first = True
    for reply in replies:
        count_reply(reply.status)
        for message in render(reply):
            reply_parameters = None
            if first and quote_message_id is not None:
                reply_parameters = ReplyParameters(
                    quote_message_id, allow_sending_without_reply=True
                )
            await bot.send_message(
                chat_id,
                message.html,
                reply_markup=message.keyboard,
                reply_parameters=reply_parameters,
            )
            first = False
        if reply.document is not None:
            await send_document(bot, chat_id, reply.document)


async def send_document(bot: Bot, chat_id: int, document: Document) -> None:
    """A reply's file (e.g. a poster PDF), uploaded as a Telegram document."""
    await bot.send_document(
        chat_id,
        InputFile(document.data, filename=document.filename),
        filename=document.filename,
    )


def _as_rate(per_second: float) -> tuple[float, float]:
    """(messages, seconds) for AIORateLimiter: 30 -> (30, 1); 0.5 -> (1, 2); 0 -> no limit."""
    if per_second <= 0:
        return 0, 1
    if per_second >= 1:
        return per_second, 1
    return 1, 1 / per_second


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


ApiResult = bool | dict[str, Any] | list[dict[str, Any]]
Callback = Callable[..., Coroutine[Any, Any, ApiResult]]


class RetryingRateLimiter(AIORateLimiter):
    """`AIORateLimiter` (flood limits, 429 retries) that also retries transient network errors.

    `BadRequest` is a `NetworkError` subclass in PTB but means the request itself is wrong:
    it is never retried. A timed-out `sendMessage` may have been delivered already; it is
    retried anyway, because a rare duplicate is better than a family left without an answer.
    """

    def __init__(
        self,
        max_messages_per_second: float = DEFAULT_MAX_MESSAGES_PER_SECOND,
        measure: Callable[[Callback], Callback] | None = None,
    ) -> None:
        # aiolimiter counts whole messages: a fractional rate is spread over a longer period.
        rate, period = _as_rate(max_messages_per_second)
        super().__init__(
            overall_max_rate=rate, overall_time_period=period, max_retries=RATE_LIMIT_RETRIES
        )
        self._measure = measure  # wraps each attempt, e.g. to count failures for /metrics
        # When Telegram's flood ban (a 429's retry_after) ends, on the event loop's clock.
        # AIORateLimiter closes its gate during a ban, but any other request finishing (a
        # getUpdates poll returning the next message) reopens it: every attempt waits for this.
        self._banned_until = 0.0

    def _guarded(self, callback: Callback) -> Callback:
        async def guarded(*args: Any, **kwargs: Any) -> ApiResult:
            loop = asyncio.get_running_loop()
            wait = self._banned_until - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                ban = _seconds(exc.retry_after)
                self._banned_until = max(self._banned_until, loop.time() + ban)
                raise

        return guarded

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> ApiResult:
        if self._measure is not None:
            callback = self._measure(callback)
        callback = self._guarded(callback)
        for attempt, delay in enumerate((*NETWORK_RETRY_DELAYS, None), start=1):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except BadRequest:
                raise
            except NetworkError as exc:
                if delay is None:
                    raise
                logger.warning(
                    "%s failed (%s), retry %d of %d in %.1fs",
                    endpoint,
                    type(exc).__name__,
                    attempt,
                    len(NETWORK_RETRY_DELAYS),
                    delay,
                )
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # the loop always returns or raises
