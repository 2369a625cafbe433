"""Shared fixtures, kept small and general. Telegram fakes live in tests/fakebotapi.py."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakebotapi import BotApiEmulator, FakeBotApi


@pytest.fixture
def bot_api() -> BotApiEmulator:
    """An in-process Bot API emulator; `bot_api.offline_request()` plugs it into PTB."""
    return BotApiEmulator()


@pytest.fixture
async def fake_bot_api() -> AsyncIterator[FakeBotApi]:
    """A fake Bot API HTTP server on 127.0.0.1 (a free port), for this test's event loop."""
    async with FakeBotApi() as api:
        yield api
