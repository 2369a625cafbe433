"""Shared fixtures, kept small and general. Telegram fakes live in tests/fakebotapi.py."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.store import SQLiteStore, Store
from tests.fakebotapi import BotApiEmulator, FakeBotApi
from tests.pgcluster import Cluster, PostgresUnavailable, start_cluster


@pytest.fixture
def bot_api() -> BotApiEmulator:
    """An in-process Bot API emulator; `bot_api.offline_request()` plugs it into PTB."""
    return BotApiEmulator()


@pytest.fixture
async def fake_bot_api() -> AsyncIterator[FakeBotApi]:
    """A fake Bot API HTTP server on 127.0.0.1 (a free port), for this test's event loop."""
    async with FakeBotApi() as api:
        yield api


# -- PostgreSQL (tests/pgcluster.py) ------------------------------------------------------------
@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """One throw-away PostgreSQL server for the session (127.0.0.1, temp folder, removed after).

    If it cannot start, the tests that need it fail saying why; outside CI they are skipped.
    """
    try:
        cluster = start_cluster()
    except PostgresUnavailable as exc:
        message = f"PostgreSQL could not be started for the tests: {exc}"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    try:
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> str:
    """The URL of a fresh, empty database on the session's PostgreSQL server."""
    return pg_cluster.new_database()


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The same store tests against both backends."""
    if request.param == "sqlite":
        opened: Store = SQLiteStore(tmp_path / "data")
    else:
        from bot.store.postgres import PostgresStore

        opened = PostgresStore(request.getfixturevalue("pg_url"))
    try:
        yield opened
    finally:
        opened.close()
