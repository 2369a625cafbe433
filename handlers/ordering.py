"""Concurrent across chats, in order within a chat.

Thirty families asking at once should not wait for each other, but two messages from the same
chat (an answer to a flow step, then the next) must reach the brain in the order they were
sent. The brain does not serialise per chat, so this update processor does: one asyncio.Lock
per active chat (asyncio locks wake waiters first-come, first-served).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from handlers.metrics import handling_update

# Updates processed at the same time, across all chats: while some wait on Telegram for their
# replies to be sent, others are answered (the brain itself runs inline, see handlers.chat).
# 8 to 32 measure the same on loopback (docs/performance.md); 16 leaves room for slow requests.
MAX_CONCURRENT_UPDATES = 16


class ChatOrderedUpdateProcessor(BaseUpdateProcessor):
    """Runs updates of different chats concurrently and those of one chat one at a time."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        with handling_update():
            await self._in_order(update, coroutine)

    async def _in_order(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        self._users[chat.id] = self._users.get(chat.id, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._users[chat.id] -= 1
            if not self._users[chat.id]:  # nobody waiting: forget the chat
                del self._users[chat.id], self._locks[chat.id]

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""
