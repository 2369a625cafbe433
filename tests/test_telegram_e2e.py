"""End to end: the real `python -m bot run` process against a fake Bot API on 127.0.0.1.

The fake server (tests/fakebotapi.py) runs in a background thread; the bot is a separate
process that long-polls it over HTTP, exactly as it would poll api.telegram.org. Expected
answers come from a Brain built in this process on the same knowledge, so "answered
correctly" means: what Telegram users get is exactly what the brain says, rendered.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot
from telegram.error import BadRequest, InvalidToken, RetryAfter

from bot.brain import Brain
from bot.chat import ChatContext
from handlers.render import MAX_MESSAGE_LENGTH
from tests.fakebotapi import (
    BOT_USERNAME,
    DEFAULT_TOKEN,
    FakeBotApi,
    SentMessage,
    parse_telegram_html,
)
from tests.loadgen import stop_process
from tests.support import as_sent, free_port, reference_brain, seen

# Slow: the real bot process against the fake Bot API (deselect with -m 'not slow').
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30.0
REPLY_TIMEOUT = 10.0
QUESTIONS = [
    ("quanto dà il fondo nasko?", "it"),
    ("how much does the nasko fund pay?", "en"),
    ("sono incinta e non ho soldi, c'è un aiuto?", "it"),
    ("what is the cresco fund?", "en"),
    ("come aderisce un comune a una rete di conciliazione?", "it"),
    ("<b>aiuto</b> & <script>alert('x')</script> per il nido?", "it"),
]


def start_bot(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    # DEBUG: the log must stay free of tokens and user texts even at the chattiest level.
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", "LOG_LEVEL": "DEBUG", **env}
    with log.open("ab") as stream:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "run", *args],
            cwd=ROOT,
            env=full_env,
            stdout=stream,
            stderr=subprocess.STDOUT,
        )


@dataclass
class Telegram:
    """The fake Telegram (blocking proxy), the bot process, and a reference brain."""

    api: Any
    process: subprocess.Popen[bytes]
    log: Path
    brain: Brain
    env: dict[str, str]

    def exchange(
        self, chat_id: int, push: Any, *, expect: int = 1, timeout: float = REPLY_TIMEOUT
    ) -> list[SentMessage]:
        """Do `push()` (a user action), wait for the bot's replies to `chat_id`, return them."""
        before = len(self.api.sent_to(chat_id))
        push()
        self.api.wait_for_messages(chat_id, before + expect, timeout=timeout)
        self.api.wait_quiet(0.3, timeout=timeout)
        return self.api.sent_to(chat_id)[before:]

    def say(self, chat_id: int, text: str, **options: Any) -> list[SentMessage]:
        return self.exchange(chat_id, lambda: self.api.push_message(chat_id, text, **options))

    def expected(
        self, chat_id: int, text: str, lang: str | None = "it"
    ) -> list[tuple[str, list[str]]]:
        chat = ChatContext(chat_id=f"reference-{chat_id}", user_lang=lang)
        if text.startswith("/"):
            command, _, args = text[1:].partition(" ")
            return as_sent(self.brain.handle_command(chat, command, args))
        return as_sent(self.brain.handle_text(chat, text))

    def assert_alive(self) -> None:
        assert self.process.poll() is None, self.log.read_text(errors="replace")[-3000:]

    def start(self) -> None:
        """Start the bot process and wait until it has published its command menus."""
        published = len(self.api.calls_to("setMyCommands"))
        self.process = start_bot(self.env, self.log)
        try:
            self.api.wait_for_calls("setMyCommands", published + 3, timeout=START_TIMEOUT)
        except TimeoutError:
            stop_process(self.process)
            pytest.fail(f"the bot did not start:\n{self.log.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="module")
def telegram(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Telegram]:
    data_dir = tmp_path_factory.mktemp("bot-data")
    log = data_dir / "bot.log"
    reference = reference_brain(tmp_path_factory.mktemp("reference-data"))
    with FakeBotApi.serve_in_thread() as api:
        env = {
            "BOT_TOKEN": DEFAULT_TOKEN,
            "BOT_API_BASE_URL": api.base_url,
            "BOT_DATA_DIR": str(data_dir),
        }
        telegram = Telegram(api, None, log, reference, env)  # type: ignore[arg-type]
        try:
            telegram.start()
            yield telegram
        finally:
            if telegram.process is not None:
                stop_process(telegram.process)
            reference.close()


# -- conversations --------------------------------------------------------------------------
def test_start_greets_with_the_main_menu_and_the_menus_are_published(telegram: Telegram) -> None:
    sent = telegram.say(1, "/start")
    assert seen(sent) == telegram.expected(1, "/start")
    assert {"m:families", "m:check", "m:orgs", "m:contacts"} <= set(sent[-1].callback_data)
    italian, english = telegram.api.get_commands("it"), telegram.api.get_commands("en")
    assert [c["command"] for c in italian] == [c["command"] for c in english]
    assert italian != english
    assert telegram.api.calls_to("deleteWebhook"), "polling must make sure no webhook is set"


def test_deep_link_opens_a_topic(telegram: Telegram) -> None:
    assert seen(telegram.say(2, "/start nasko")) == telegram.expected(2, "/start nasko")


@pytest.mark.parametrize(("text", "lang"), QUESTIONS[:2])
def test_questions_in_italian_and_english(telegram: Telegram, text: str, lang: str) -> None:
    chat_id = 10 + QUESTIONS.index((text, lang))
    sent = telegram.say(chat_id, text, lang=lang)
    assert seen(sent) == telegram.expected(chat_id, text, lang)


def test_button_press_is_acknowledged_and_answered(telegram: Telegram) -> None:
    telegram.say(20, "/start")
    sent = telegram.exchange(20, lambda: telegram.api.push_callback(20, "m:families"))
    reference = ChatContext(chat_id="reference-20", user_lang="it")
    assert seen(sent) == as_sent(telegram.brain.handle_button(reference, "m:families"))
    answers = [a for a in telegram.api.callback_answers.values() if a["answered_at"]]
    assert answers
    # The spinner stops first: the press is answered before the reply is sent (an order, not
    # a time limit a busy machine could break).
    [press] = telegram.api.calls_to("answerCallbackQuery")[-1:]
    replies = [c for c in telegram.api.calls_to("sendMessage") if c.params.get("chat_id") == 20]
    assert press.status == 200 and press.at <= replies[-1].at


def test_a_5000_character_message(telegram: Telegram) -> None:
    text = ("Sono incinta e non ho soldi, c'è un aiuto per me a Lodi? " * 100)[:5000]
    sent = telegram.say(30, text)
    assert sent and all(len(m.text) <= MAX_MESSAGE_LENGTH for m in sent)
    assert seen(sent) == telegram.expected(30, text)


def test_html_in_the_input_is_never_interpreted(telegram: Telegram) -> None:
    text = '<b>ciao</b> &amp; <script>alert(1)</script> <a href="http://x.example">Milano</a>'
    sent = telegram.say(31, text)
    assert seen(sent) == telegram.expected(31, text)
    for message in sent:
        parse_telegram_html(message.text)  # valid Telegram HTML: every < > & escaped
        assert "<script" not in message.text and "<a " not in message.text


def test_stickers_photos_voice_and_locations_get_a_short_reply(telegram: Telegram) -> None:
    expected = as_sent([telegram.brain.unsupported_media(ChatContext("reference-32", "it"))])
    for kind in ("sticker", "photo", "voice", "location"):
        sent = telegram.exchange(32, lambda kind=kind: telegram.api.push_media(32, kind))
        assert seen(sent) == expected


def test_edited_messages_and_group_chatter_are_ignored(telegram: Telegram) -> None:
    telegram.api.push_message(33, "quanto dà il fondo nasko?", edited=True)
    telegram.api.push_message(-1001, "qualcuno sa qualcosa del nasko?", chat_type="supergroup")
    mention = f"@{BOT_USERNAME} quanto dà il fondo nasko?"
    sent = telegram.say(-1001, mention, chat_type="supergroup")
    assert seen(sent) == telegram.expected(-1001, "quanto dà il fondo nasko?")
    assert telegram.api.sent_to(33) == []


def test_an_eligibility_check_survives_a_restart_of_the_bot(telegram: Telegram) -> None:
    """Buttons and typed answers through a whole flow; the state lives in BOT_DATA_DIR."""
    chat_id, reference = 70, ChatContext(chat_id="reference-70", user_lang="it")
    steps = [
        ("command", "start", "nasko"),
        ("button", "f:a:nasko:pregnant:yes"),
        ("button", "f:a:nasko:gave_up:yes"),
        ("button", "f:a:nasko:resident:yes"),
        ("text", "6"),
        ("restart",),
        ("button", "f:a:nasko:household:alone"),
        ("text", "9000"),
        ("button", "f:a:nasko:project:yes"),
        ("text", "Lodi"),
        ("button", "f:ok:nasko"),
    ]
    last: list[SentMessage] = []
    for step in steps:
        kind, *data = step
        if kind == "restart":
            assert stop_process(telegram.process) == 0
            telegram.start()
            continue
        if kind == "command":
            push = lambda data=data: telegram.api.push_message(chat_id, f"/{data[0]} {data[1]}")  # noqa: E731
            expected = telegram.brain.handle_command(reference, data[0], data[1])
        elif kind == "text":
            push = lambda data=data: telegram.api.push_message(chat_id, data[0])  # noqa: E731
            expected = telegram.brain.handle_text(reference, data[0])
        else:
            push = lambda data=data: telegram.api.push_callback(chat_id, data[0])  # noqa: E731
            expected = telegram.brain.handle_button(reference, data[0])
        last = telegram.exchange(chat_id, push)
        assert seen(last) == as_sent(expected), step
    assert last[-1].plain.startswith(("✅", "❌", "⚠️")), "the check ends with a verdict"


# -- Telegram's bad days ------------------------------------------------------------------------
def test_a_429_retry_after_is_honoured_and_the_message_arrives(telegram: Telegram) -> None:
    telegram.api.fail_next("sendMessage", 1, status=429, retry_after=2)
    sent = telegram.say(40, "/start")
    assert seen(sent) == telegram.expected(40, "/start")
    calls = [c for c in telegram.api.calls_to("sendMessage") if c.params.get("chat_id") == 40]
    refused, delivered = calls[:2]
    assert (refused.status, delivered.status) == (429, 200)
    assert delivered.at - refused.at >= 2.0


def test_server_errors_are_retried(telegram: Telegram) -> None:
    telegram.api.fail_next("sendMessage", 1, status=502)
    sent = telegram.say(41, "/start")
    assert seen(sent) == telegram.expected(41, "/start")


def test_the_server_goes_away_and_comes_back(telegram: Telegram) -> None:
    telegram.say(42, "/start")  # the bot is polling
    outage = threading.Thread(target=telegram.api.restart, args=(2.5,))
    outage.start()
    time.sleep(0.5)
    telegram.api.push_message(43, "/start")  # sent by a user while the API is unreachable
    outage.join()
    sent = telegram.api.wait_for_messages(43, 1, timeout=20)
    assert seen(sent[:1]) == telegram.expected(43, "/start")[:1]
    after = telegram.say(44, "quanto dà il fondo nasko?")
    assert seen(after) == telegram.expected(44, "quanto dà il fondo nasko?")
    telegram.assert_alive()


def test_a_user_who_blocked_the_bot_does_not_disturb_others(telegram: Telegram) -> None:
    telegram.api.block_chat(45)
    telegram.api.push_message(45, "/start")
    assert seen(telegram.say(46, "/start")) == telegram.expected(46, "/start")
    telegram.assert_alive()


def test_thirty_users_asking_at_once(telegram: Telegram) -> None:
    users = {1000 + i: QUESTIONS[i % len(QUESTIONS)] for i in range(30)}
    with ThreadPoolExecutor(max_workers=30) as pool:  # 30 users press "send" together
        for chat_id, (text, lang) in users.items():
            pool.submit(telegram.api.push_message, chat_id, text, lang=lang)
    for chat_id in users:
        telegram.api.wait_for_messages(chat_id, 1, timeout=20)
    telegram.api.wait_quiet(0.3, timeout=10)
    for chat_id, (text, lang) in users.items():
        sent = telegram.api.sent_to(chat_id)
        assert seen(sent) == telegram.expected(chat_id, text, lang), chat_id
        for message in sent:
            assert len(message.text) <= MAX_MESSAGE_LENGTH
            assert "<script" not in message.text


# -- hygiene ------------------------------------------------------------------------------------
def test_logs_hold_neither_the_token_nor_what_users_wrote(telegram: Telegram) -> None:
    telegram.say(50, "Mi chiamo Giuseppina Verdi e sono incinta")
    log = telegram.log.read_text(errors="replace")
    assert DEFAULT_TOKEN not in log and DEFAULT_TOKEN.split(":")[1] not in log
    assert "Giuseppina" not in log and "nasko?" not in log


def test_sigterm_stops_the_bot_cleanly(telegram: Telegram) -> None:
    assert stop_process(telegram.process) == 0


def test_a_token_the_api_refuses_ends_the_process_without_showing_it(tmp_path: Path) -> None:
    refused_token = "654321:ZZZ-a-token-this-server-does-not-know"
    log = tmp_path / "bot.log"
    with FakeBotApi.serve_in_thread() as api:
        env = {
            "BOT_TOKEN": refused_token,
            "BOT_API_BASE_URL": api.base_url,
            "BOT_DATA_DIR": str(tmp_path),
        }
        process = start_bot(env, log)
        assert process.wait(START_TIMEOUT) == 1
        assert [c.status for c in api.calls_to("getMe")] == [401]
    output = log.read_text(errors="replace")
    assert "refused" in output and "ZZZ" not in output


# -- webhook mode -------------------------------------------------------------------------------
def test_webhook_mode_checks_telegrams_secret_header(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    log = tmp_path / "bot.log"
    with FakeBotApi.serve_in_thread() as api:
        process = start_bot(
            {
                "BOT_TOKEN": DEFAULT_TOKEN,
                "BOT_API_BASE_URL": api.base_url,
                "BOT_DATA_DIR": str(tmp_path),
                "WEBHOOK_URL": url,
                "WEBHOOK_SECRET": "s3cret-token_ok",
                "PORT": str(port),
            },
            log,
            "--webhook",
        )
        try:
            api.wait_for_calls("setWebhook", 1, timeout=START_TIMEOUT)
            assert api.webhook["url"] == url and api.webhook["secret_token"] == "s3cret-token_ok"
            api.push_message(60, "/start")
            sent = api.wait_for_messages(60, 1, timeout=REPLY_TIMEOUT)
            assert {"m:families", "m:contacts"} <= {d for m in sent for d in m.callback_data}
            forged = urllib.request.Request(
                url,
                data=b'{"update_id": 1}',
                method="POST",
                headers={
                    "Content-Type": "application/json",
                    "X-Telegram-Bot-Api-Secret-Token": "wrong",
                },
            )
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(forged, timeout=5)
            assert refused.value.code == 403
            assert not api.calls_to("getUpdates")
        finally:
            assert stop_process(process) == 0, log.read_text(errors="replace")[-3000:]


# -- the fake Bot API itself ------------------------------------------------------------------
async def test_the_fake_bot_api_behaves_like_telegram(fake_bot_api: FakeBotApi) -> None:
    """Long polling, offsets, allowed_updates, validation and a restart, seen from a real Bot."""
    api = fake_bot_api
    async with Bot(api.token, base_url=api.base_url) as bot:
        assert bot.username == BOT_USERNAME
        waiting = asyncio.create_task(bot.get_updates(timeout=5))
        await asyncio.sleep(0.2)
        api.push_message(7, "ciao")
        # Long polling returns as soon as an update arrives, long before its 5 s time-out.
        [update] = await asyncio.wait_for(waiting, 4)
        assert update.message.text == "ciao"
        api.push_message(7, "modificato", edited=True)
        more = await bot.get_updates(offset=update.update_id + 1, allowed_updates=["message"])
        assert more == ()  # the edit was not an allowed update: dropped, as Telegram does
        with pytest.raises(BadRequest, match="(?i)parse entities"):
            await bot.send_message(7, "<b>unclosed", parse_mode="HTML")
        with pytest.raises(BadRequest, match="(?i)too long"):
            await bot.send_message(7, "x" * 4097)
        with pytest.raises(BadRequest, match="(?i)chat not found"):
            await bot.send_message(8, "nobody wrote from here")
        api.fail_next("sendMessage", status=429, retry_after=3)
        with pytest.raises(RetryAfter):
            await bot.send_message(7, "too fast")
        port = api.port
        await api.restart()
        assert api.port == port
        await bot.send_message(7, "after the restart")
        assert [m.plain for m in api.sent_to(7)] == ["after the restart"]
    with pytest.raises(InvalidToken):
        async with Bot("654321:another-token-unknown-here-xyz", base_url=api.base_url):
            pass
