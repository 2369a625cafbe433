"""Fault tests: Telegram misbehaving, the store failing, the bot process stopped or killed.

Two set-ups, both talking HTTP to the fake Bot API on 127.0.0.1 (tests/fakebotapi.py):
- the Telegram door in this process (`build_application` with its real request layer, rate
  limiter and retries), polling the fake server in the test's event loop: 429s, 5xx, time-outs
  and a failing SQLite store;
- the real `python -m bot run` process, for what only a process can show: a 10-second outage
  of the Bot API, SIGTERM in the middle of a reply, SIGKILL in the middle of a flow.

What the user should receive is computed by a reference brain on the same knowledge (its own
store) and rendered as the door renders it, so the checks do not depend on the wording.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from telegram.request import BaseRequest

from bot.brain import Brain
from bot.chat import ChatContext
from bot.knowledge import KnowledgeBase
from bot.knowledge_loader import load_knowledge
from bot.reply import Reply
from bot.settings import Settings
from bot.store import SQLiteStore, StoreError
from handlers.app import build_application
from handlers.delivery import NETWORK_RETRY_DELAYS
from handlers.metrics import REGISTRY
from handlers.transport import AiohttpRequest
from tests.fakebotapi import DEFAULT_TOKEN, SentMessage
from tests.loadgen import Sent, TrackingBotApi, polling, received, rendered, stop_process

# Slow: outages, retries and signals, in real time (deselect with -m 'not slow').
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
REPLY_TIMEOUT = 10.0
START_TIMEOUT = 30.0
# The store gives up on a locked database after this long (production: 5 s).
STORE_TIMEOUT = 0.2
QUESTION = "quanto dà il fondo nasko?"
# asyncio timers may fire a little early on some platforms.
SLACK = 0.05
BAN_NOTICED = 0.3  # seconds for the bot to read a 429 reply the fake API has logged


def make_settings(api_url: str, data_dir: Path) -> Settings:
    return Settings.from_env(
        {
            "BOT_TOKEN": DEFAULT_TOKEN,
            "BOT_API_BASE_URL": api_url,
            "BOT_DATA_DIR": str(data_dir),
            "KNOWLEDGE_DIR": os.environ.get("KNOWLEDGE_DIR", ""),
        }
    )


@functools.lru_cache(maxsize=1)
def knowledge() -> KnowledgeBase:
    """The knowledge the bot process loads too (KNOWLEDGE_DIR, default the embedded one)."""
    return load_knowledge(os.environ.get("KNOWLEDGE_DIR") or None)


class Reference:
    """The brain's own answers for a chat, rendered: what the door must deliver."""

    def __init__(self, data_dir: Path) -> None:
        self.brain = Brain(knowledge(), SQLiteStore(data_dir))

    def _chat(self, chat_id: int, lang: str) -> ChatContext:
        return ChatContext(chat_id=f"reference-{chat_id}", user_lang=lang)

    def say(self, chat_id: int, text: str, lang: str = "it") -> list[Sent]:
        chat = self._chat(chat_id, lang)
        if text.startswith("/"):
            command, _, args = text[1:].partition(" ")
            return rendered(self.brain.handle_command(chat, command, args.strip()))
        return rendered(self.brain.handle_text(chat, text))

    def press(self, chat_id: int, data: str, lang: str = "it") -> list[Sent]:
        return rendered(self.brain.handle_button(self._chat(chat_id, lang), data))

    def texts(self, key: str, lang: str = "it") -> str:
        return self.brain.texts.get(key, lang)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reference]:
    ref = Reference(tmp_path_factory.mktemp("reference"))
    yield ref
    ref.brain.close()


# -- the Telegram door in this process -------------------------------------------------------
@dataclass
class Door:
    api: TrackingBotApi
    brain: Brain

    async def exchange(
        self, chat_id: int, push: Callable[[], Any], count: int, timeout: float = REPLY_TIMEOUT
    ) -> list[SentMessage]:
        """Do `push()` and return the next `count` messages sent to `chat_id`."""
        before = len(self.api.sent_to(chat_id))
        push()
        await self.api.wait_for_messages(chat_id, before + count, timeout=timeout)
        return self.api.sent_to(chat_id)[before:]

    async def say(self, chat_id: int, text: str, count: int = 1) -> list[SentMessage]:
        return await self.exchange(chat_id, lambda: self.api.push_message(chat_id, text), count)

    async def press(self, chat_id: int, data: str, count: int = 1) -> list[SentMessage]:
        return await self.exchange(chat_id, lambda: self.api.push_callback(chat_id, data), count)


@contextlib.asynccontextmanager
async def door_on(data_dir: Path, request: BaseRequest | None = None) -> AsyncIterator[Door]:
    """The production Application (request layer, rate limiter, retries) on a fake Bot API."""
    async with TrackingBotApi() as api:
        settings = make_settings(api.base_url, data_dir)
        store = SQLiteStore(settings.data_dir, timeout=STORE_TIMEOUT)
        brain = Brain(knowledge(), store, settings)
        async with polling(build_application(settings, brain, request=request)):
            yield Door(api, brain)


@pytest.fixture
async def door(tmp_path: Path) -> AsyncIterator[Door]:
    async with door_on(tmp_path / "data") as opened:
        yield opened


async def until(predicate: Callable[[], bool], timeout: float = REPLY_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met within {timeout} s")
        await asyncio.sleep(0.02)


def _flood_waits() -> float:
    """How many 429 answers the bot has read (its metrics counter)."""
    return REGISTRY.get_sample_value("conciliazione_bot_api_flood_waits_total") or 0.0


def chat_calls(api: Any, method: str, chat_id: int) -> list[Any]:
    return [c for c in api.calls_to(method) if c.params.get("chat_id") == chat_id]


def first_button(messages: list[Sent]) -> str:
    return [data for _, data in messages if data][-1][0]


# -- Telegram's bad days ------------------------------------------------------------------------
async def test_a_429_pauses_every_send_for_retry_after_then_delivers(
    door: Door, reference: Reference
) -> None:
    """Telegram's flood ban applies to the bot, not to one chat: nothing is sent until it ends."""
    api = door.api
    assert received(await door.say(1, "/start")) == reference.say(1, "/start")
    before = len(api.calls_to("sendMessage"))
    floods = _flood_waits()
    api.fail_next("sendMessage", 1, status=429, retry_after=2)
    api.push_message(2, "/start")
    await until(lambda: len(api.calls_to("sendMessage")) > before)  # refused
    # The ban starts when the bot reads the 429 reply, a moment after the fake API logs the
    # call: on a busy machine a send issued in between cannot know of it yet. The bot counts
    # each 429 it reads (handlers/metrics.py) just before its rate limiter starts the ban.
    await until(lambda: _flood_waits() > floods)
    await asyncio.sleep(BAN_NOTICED)
    expected = reference.say(3, QUESTION)
    api.push_message(3, QUESTION)  # another family writes during the ban
    await api.wait_for_messages(2, 1)
    await api.wait_for_messages(3, len(expected))
    calls = api.calls_to("sendMessage")[before:]
    refused, later = calls[0], calls[1:]
    assert refused.status == 429 and refused.params["chat_id"] == 2
    assert later and all(c.at >= refused.at + 2 - SLACK for c in later), "sent during the ban"
    assert received(api.sent_to(2)) == reference.say(2, "/start")
    assert received(api.sent_to(3)) == expected


async def test_a_429_on_polling_is_honoured(door: Door, reference: Reference) -> None:
    api = door.api
    api.fail_next("getUpdates", 1, status=429, retry_after=1)
    assert received(await door.say(1, "/start")) == reference.say(1, "/start")
    await until(lambda: any(c.status == 429 for c in api.calls_to("getUpdates")))
    got = await door.say(2, QUESTION, count=len(reference.say(2, QUESTION)))
    assert received(got) == reference.say(2, QUESTION)
    polls = api.calls_to("getUpdates")
    refused = next(i for i, c in enumerate(polls) if c.status == 429)
    assert polls[refused + 1].at - polls[refused].at >= 1 - SLACK


async def test_server_errors_are_retried_with_growing_pauses(
    door: Door, reference: Reference
) -> None:
    api = door.api
    api.fail_next("sendMessage", 2, status=502)
    got = await door.say(1, "/start")
    assert received(got) == reference.say(1, "/start")
    calls = chat_calls(api, "sendMessage", 1)
    assert [c.status for c in calls] == [502, 502, 200]
    first, second = calls[1].at - calls[0].at, calls[2].at - calls[1].at
    assert first >= NETWORK_RETRY_DELAYS[0] - SLACK
    assert second >= NETWORK_RETRY_DELAYS[1] - SLACK and second > first


@pytest.mark.parametrize("status", [500, 503, 504])
async def test_any_5xx_is_retried(door: Door, reference: Reference, status: int) -> None:
    door.api.fail_next("sendMessage", 1, status=status)
    got = await door.say(1, QUESTION, count=len(reference.say(1, QUESTION)))
    assert received(got) == reference.say(1, QUESTION)
    assert [c.status for c in chat_calls(door.api, "sendMessage", 1)][:2] == [status, 200]


async def test_polling_errors_are_retried_with_growing_pauses(
    door: Door, reference: Reference
) -> None:
    api = door.api
    api.fail_next("getUpdates", 2, status=502)
    assert received(await door.say(1, "/start")) == reference.say(1, "/start")
    await until(lambda: sum(c.status == 502 for c in api.calls_to("getUpdates")) == 2)
    got = await door.say(2, "/start")
    assert received(got) == reference.say(2, "/start")
    polls = api.calls_to("getUpdates")
    failed = [i for i, c in enumerate(polls) if c.status == 502]
    first = polls[failed[1]].at - polls[failed[0]].at
    second = polls[failed[1] + 1].at - polls[failed[1]].at
    assert first >= 1 - SLACK and second >= 1.5 - SLACK


async def test_a_request_that_times_out_is_sent_again(tmp_path: Path, reference: Reference) -> None:
    """The server takes the message but never answers in time: the bot sends it again."""
    read_timeout = 1.0
    request = AiohttpRequest(read_timeout=read_timeout, connect_timeout=1.0)
    async with door_on(tmp_path / "data", request) as door:
        door.api.delay_next("sendMessage", 3.0)
        got = await door.say(1, "/start")
        assert received(got) == reference.say(1, "/start")
        calls = chat_calls(door.api, "sendMessage", 1)
        assert len(calls) >= 2
        assert calls[1].at - calls[0].at >= read_timeout + NETWORK_RETRY_DELAYS[0] - SLACK


# -- the store fails --------------------------------------------------------------------------
async def reach_question_3(door: Door, reference: Reference, chat_id: int) -> str:
    """/start nasko and two answers; returns the button that answers question 3."""
    last = received(await door.say(chat_id, "/start nasko"))
    assert last == reference.say(chat_id, "/start nasko")
    for _ in range(2):
        data = first_button(last)
        last = received(await door.press(chat_id, data))
        assert last == reference.press(chat_id, data)
    assert reference.texts("flows.progress").format(n=3, total=8).split()[0] in last[0][0]
    return first_button(last)


def apology(reference: Reference) -> list[Sent]:
    text = reference.texts("error.store")
    return rendered([Reply(text, status="info", lang="it")])


async def test_a_locked_store_gets_an_apology_and_loses_nothing(
    door: Door, reference: Reference
) -> None:
    chat_id, store = 7, door.brain.store
    answer_3 = await reach_question_3(door, reference, chat_id)
    saved = store.get_state(chat_id)
    locker = sqlite3.connect(store.path, timeout=0, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")  # another process holds the database
    try:
        assert received(await door.press(chat_id, answer_3)) == apology(reference)
        # Answering a question needs no write: families keep getting answers meanwhile.
        expected = reference.say(8, QUESTION)
        assert received(await door.say(8, QUESTION, count=len(expected))) == expected
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert store.get_state(chat_id) == saved
    # The check resumes at question 3, and goes on.
    assert received(await door.say(chat_id, "/start")) == reference.say(chat_id, "/start")
    got = received(await door.press(chat_id, answer_3))
    assert got == reference.press(chat_id, answer_3)


def fill_the_disk(store: SQLiteStore) -> None:
    """Make the database file as large as it may grow (SQLite's own limit), then fill it."""
    with store._lock:  # the store's connection, as the bot's worker threads would use it
        pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
        store._conn.execute(f"PRAGMA max_page_count = {pages}")
    filler = 0
    for size in (2000, 200, 20, 0):
        while True:
            try:
                store.set_state(f"filler-{filler}", {"x": "y" * size})
            except StoreError:
                break
            filler += 1
    with pytest.raises(StoreError, match="full"):
        store.set_state("probe", {"x": "y" * 5000})


def free_the_disk(store: SQLiteStore) -> None:
    with store._lock:
        store._conn.execute("PRAGMA max_page_count = 1073741823")


async def test_a_full_disk_gets_an_apology_and_loses_nothing(
    door: Door, reference: Reference
) -> None:
    chat_id, store = 9, door.brain.store
    answer_3 = await reach_question_3(door, reference, chat_id)
    saved = store.get_state(chat_id)
    fill_the_disk(store)
    try:
        assert received(await door.press(chat_id, answer_3)) == apology(reference)
        assert received(await door.say(10, "/start nasko")) == apology(reference)
        expected = reference.say(11, QUESTION)  # usage logging fails quietly, the answer goes out
        assert received(await door.say(11, QUESTION, count=len(expected))) == expected
    finally:
        free_the_disk(store)
    assert store.get_state(chat_id) == saved
    assert received(await door.say(chat_id, "/start")) == reference.say(chat_id, "/start")
    got = received(await door.press(chat_id, answer_3))
    assert got == reference.press(chat_id, answer_3)


class FailingCommit:
    """A connection whose next COMMIT fails and leaves the transaction open (SQLITE_BUSY)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.failures = 1

    def execute(self, sql: str, *args: Any) -> Any:
        if sql.strip().upper() == "COMMIT" and self.failures:
            self.failures -= 1
            raise sqlite3.OperationalError("database is locked")
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def test_a_failed_commit_does_not_wedge_the_store(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path, timeout=STORE_TIMEOUT)
    store.set_state(1, {"step": 1})
    store._conn = FailingCommit(store._conn)  # type: ignore[assignment]
    with pytest.raises(StoreError):
        store.set_state(1, {"step": 2})
    assert store.get_state(1) == {"step": 1}, "a failed write must leave nothing half-done"
    store.set_state(1, {"step": 3})  # the next write works
    assert store.get_state(1) == {"step": 3}
    store.close()


# -- the real process ---------------------------------------------------------------------------
@dataclass
class BotProcess:
    """`python -m bot run` against a fake Bot API served from a thread (blocking proxy)."""

    api: Any
    data_dir: Path
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        polls = len(self.api.calls_to("getUpdates"))
        env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "LOG_LEVEL": "INFO",
            "BOT_TOKEN": DEFAULT_TOKEN,
            "BOT_API_BASE_URL": self.api.base_url,
            "BOT_DATA_DIR": str(self.data_dir),
        }
        with self.log.open("ab") as stream:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=ROOT,
                env=env,
                stdout=stream,
                stderr=subprocess.STDOUT,
            )
        try:
            self.wait_calls("getUpdates", polls + 1, timeout=START_TIMEOUT)
        except TimeoutError:
            self.stop()
            pytest.fail(f"the bot did not start:\n{self.tail()}")

    def wait_calls(self, method: str, count: int, timeout: float = REPLY_TIMEOUT) -> None:
        """Until the bot has *made* `count` calls of `method` (answered or not yet)."""
        deadline = time.monotonic() + timeout
        while len(self.api.calls_to(method)) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"fewer than {count} calls of {method}")
            time.sleep(0.01)

    def stop(self) -> int:
        assert self.process is not None
        return stop_process(self.process)

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(5)

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def assert_alive(self) -> None:
        assert self.process is not None and self.process.poll() is None, self.tail()

    def exchange(
        self, chat_id: int, push: Callable[[], Any], count: int, timeout: float = REPLY_TIMEOUT
    ) -> list[Sent]:
        before = len(self.api.sent_to(chat_id))
        push()
        try:
            self.api.wait_for_messages(chat_id, before + count, timeout=timeout)
        except TimeoutError:
            pytest.fail(f"no reply in chat {chat_id}:\n{self.tail()}")
        return received(self.api.sent_to(chat_id)[before:])

    def say(self, chat_id: int, text: str, count: int = 1) -> list[Sent]:
        return self.exchange(chat_id, lambda: self.api.push_message(chat_id, text), count)

    def press(self, chat_id: int, data: str) -> list[Sent]:
        return self.exchange(chat_id, lambda: self.api.push_callback(chat_id, data), 1)

    def settled(self, timeout: float = REPLY_TIMEOUT) -> None:
        """Every update pushed so far has been fetched and confirmed by the bot."""
        deadline = time.monotonic() + timeout
        while self.api.pending_updates:
            if time.monotonic() > deadline:
                pytest.fail(f"updates not fetched:\n{self.tail()}")
            time.sleep(0.02)


@pytest.fixture
def bot_process(tmp_path: Path) -> Iterator[BotProcess]:
    with TrackingBotApi.serve_in_thread() as api:
        bot = BotProcess(api, tmp_path / "data", tmp_path / "bot.log")
        try:
            yield bot
        finally:
            if bot.process is not None:
                bot.stop()


def test_the_bot_api_gone_for_ten_seconds(bot_process: BotProcess, reference: Reference) -> None:
    """Telegram unreachable for 10 s: the bot keeps running, then answers what was written."""
    bot = bot_process
    bot.start()
    assert bot.say(1, "/start") == reference.say(1, "/start")
    outage = threading.Thread(target=bot.api.restart, args=(10.0,))
    outage.start()
    time.sleep(1.0)
    bot.api.push_message(2, QUESTION)  # a family writes while the bot cannot reach Telegram
    outage.join()
    bot.assert_alive()
    expected = reference.say(2, QUESTION)
    try:
        bot.api.wait_for_messages(2, len(expected), timeout=30)
    except TimeoutError:
        pytest.fail(f"the message written during the outage was not answered:\n{bot.tail()}")
    assert received(bot.api.sent_to(2)) == expected
    assert bot.say(3, QUESTION, count=len(expected)) == reference.say(3, QUESTION)
    bot.assert_alive()


def test_sigterm_finishes_the_updates_in_flight_and_exits_cleanly(
    bot_process: BotProcess, reference: Reference
) -> None:
    bot = bot_process
    bot.start()
    assert bot.say(1, "/start") == reference.say(1, "/start")
    sends = len(bot.api.calls_to("sendMessage"))
    bot.api.delay_next("sendMessage", 2.0)  # Telegram is slow to take this reply
    bot.api.push_message(2, QUESTION)
    bot.api.push_message(2, "/start")  # queued behind it (same chat: in order)
    bot.wait_calls("sendMessage", sends + 1)  # the reply is on its way, not yet taken
    bot.settled()
    assert received(bot.api.sent_to(2)) == []
    bot.process.send_signal(signal.SIGTERM)  # type: ignore[union-attr]
    assert bot.process.wait(20) == 0, bot.tail()  # type: ignore[union-attr]
    expected = reference.say(2, QUESTION) + reference.say(2, "/start")
    assert received(bot.api.sent_to(2)) == expected


def test_sigkill_mid_flow_loses_no_completed_step(
    bot_process: BotProcess, reference: Reference
) -> None:
    bot, chat_id = bot_process, 5
    bot.start()
    last = bot.say(chat_id, "/start nasko")
    assert last == reference.say(chat_id, "/start nasko")
    for _ in range(2):
        data = first_button(last)
        last = bot.press(chat_id, data)
        assert last == reference.press(chat_id, data)
    question_3 = reference.texts("flows.progress").format(n=3, total=8)
    assert question_3.split(" di ")[0] in last[0][0]
    # Killed between two steps: the last press confirmed to Telegram (else it is delivered
    # again after the restart and answered as an old button, ahead of the /start below).
    bot.settled()
    bot.kill()

    bot.start()  # same BOT_DATA_DIR
    resumed = bot.say(chat_id, "/start")
    assert resumed == reference.say(chat_id, "/start")
    assert question_3.split(" di ")[0] in resumed[0][0]

    # Killed while the reply to question 3 is on its way: the answer was already saved.
    answer_3 = first_button(resumed)
    sends = len(bot.api.calls_to("sendMessage"))
    bot.api.delay_next("sendMessage", 60.0)
    bot.api.push_callback(chat_id, answer_3)
    bot.wait_calls("sendMessage", sends + 1)
    bot.settled()
    bot.kill()
    reference.press(chat_id, answer_3)

    bot.start()
    resumed = bot.say(chat_id, "/start")
    assert resumed == reference.say(chat_id, "/start")
    assert reference.texts("flows.progress").format(n=4, total=8).split(" di ")[0] in resumed[0][0]
