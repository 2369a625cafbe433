"""Shared fixtures, kept small and general. Telegram fakes live in tests/fakebotapi.py, other
shared helpers in tests/support.py."""

from __future__ import annotations

import compileall
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

import bot.services
from bot.brain import Brain
from bot.cache import load_knowledge_cached
from bot.store import SQLiteStore, Store
from tests.fakebotapi import BotApiEmulator, FakeBotApi
from tests.pgcluster import Cluster, PostgresUnavailable, start_cluster
from tests.support import make_brain

_CACHE_HOME = pytest.StashKey[tuple["str | None", "str | None"]]()


def pytest_configure(config: pytest.Config) -> None:
    """The knowledge cache (bot/cache.py) of the tests in a folder of their own.

    In pytest's cache folder (`.pytest_cache/d/knowledge`) so that the next run starts warm,
    else a temporary folder removed at the end. Set by the main process before pytest-xdist
    starts its workers, which inherit it: the workers and every CLI subprocess share it, and
    the user's own cache is left alone.
    """
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    _compile_bytecode()
    cache = getattr(config, "cache", None)
    if cache is not None:
        folder, remove = str(cache.mkdir("knowledge")), False
    else:  # -p no:cacheprovider
        folder, remove = tempfile.mkdtemp(prefix="conciliazione-test-cache-"), True
    config.stash[_CACHE_HOME] = (folder if remove else None, os.environ.get("XDG_CACHE_HOME"))
    os.environ["XDG_CACHE_HOME"] = folder
    # Written once here, before the workers start: they would otherwise all build it at once.
    load_knowledge_cached(None)


def _compile_bytecode() -> None:
    """Byte-compile the project once, as `pip install` does for an installed package.

    Where PYTHONDONTWRITEBYTECODE is set (some CI images set it), every test worker and every
    `python -m bot` subprocess would otherwise compile each module from source again: dozens
    of processes, a third of a second each. Reading .pyc files is allowed either way.
    """
    root = Path(__file__).resolve().parent.parent
    for folder in ("bot", "handlers", "tests"):
        compileall.compile_dir(root / folder, quiet=1, workers=1)


def pytest_unconfigure(config: pytest.Config) -> None:
    found = config.stash.get(_CACHE_HOME, None)
    if found is None:
        return
    temporary, before = found
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before
    if temporary is not None:
        shutil.rmtree(temporary, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def one_matcher_per_knowledge_base() -> Iterator[None]:
    """Build the matcher index once per knowledge base, not once per brain.

    Most tests make a fresh brain on the real knowledge base, and indexing its phrasings costs
    ~0.4 s of CPU each time: a third of the quick suite. The index depends only on the entries
    and synonyms, so brains built on the very same objects share it; a brain on another
    knowledge base (a test's edited copy, a /reload) gets its own, exactly as in production.
    """
    original = getattr(bot.services, "Matcher", None)
    if original is None:  # the brain builds its matcher some other way: nothing to share
        yield
        return
    built: dict[tuple[int, int], tuple[Any, Any, Any]] = {}

    def shared_matcher(entries: Any, synonyms: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs:
            return original(entries, synonyms, *args, **kwargs)
        key = (id(entries), id(synonyms))
        found = built.get(key)
        if found is None or found[0] is not entries or found[1] is not synonyms:
            found = (entries, synonyms, original(entries, synonyms))
            built[key] = found
        return found[2]

    bot.services.Matcher = shared_matcher  # type: ignore[misc,assignment]
    try:
        yield
    finally:
        bot.services.Matcher = original  # type: ignore[misc]


@pytest.fixture(scope="module")
def brain(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Brain:
    """A brain on the real knowledge base with a fresh data folder, one per test module (the
    understanding tests of every pass; a module that needs another brain defines its own)."""
    return make_brain(tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1]))


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


# PostgreSQL starts a server per test worker: its half runs with the whole suite (slow).
@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.slow)])
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


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: one worker per CPU, and one more when the slow tests run.

    The slow tests spend much of their time waiting on sockets, timers and child processes
    (the fake Bot API, PostgreSQL, the flood limiter), so one extra worker keeps the CPUs busy:
    on 2 cores the whole suite takes ~2 min 50 s instead of ~3 min 20 s. The quick subset is
    CPU-bound and gains nothing from it.
    """
    cpus = os.cpu_count() or 1
    quick = "not slow" in (config.getoption("markexpr", "") or "")
    return cpus if quick else cpus + 1
