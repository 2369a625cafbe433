"""Dispatch tests: real Update objects through the real Application, real Brain, no network.

The Application is built by the composition root with an offline request layer
(`BotApiEmulator.offline_request()`), which validates what would be sent as Telegram does
(strict HTML parsing, 4096-character limit, 64-byte callback data) and records it.
"""

from __future__ import annotations

import io
import logging
import math
import os
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from telegram import Update
from telegram.ext import Application

import handlers.delivery
from bot.brain import Brain
from bot.chat import ChatContext
from bot.knowledge import KnowledgeBase
from bot.knowledge_loader import load_knowledge
from bot.reply import Button, Reply
from bot.settings import Secret, Settings
from bot.store import SQLiteStore
from handlers.app import build_application, file_base_url, run, webhook_options
from handlers.logs import RedactSecrets
from handlers.render import MAX_MESSAGE_LENGTH, build_keyboard, render, telegram_length
from tests.fakebotapi import (
    BOT_USERNAME,
    DEFAULT_TOKEN,
    BotApiEmulator,
    SentMessage,
    parse_telegram_html,
)
from tests.support import CONTRACT_COMMANDS, as_sent, seen

ADMIN_ID = 999
GROUP = -100123
MENTION = f"@{BOT_USERNAME}"
QUESTION_IT = "quanto dà il fondo nasko?"
QUESTION_EN = "how much does the nasko fund pay?"


def make_settings(data_dir: Path, **env: str) -> Settings:
    values = {
        "BOT_TOKEN": DEFAULT_TOKEN,
        "BOT_API_BASE_URL": "http://bot-api.invalid/bot",
        "BOT_DATA_DIR": str(data_dir),
        "ADMIN_IDS": str(ADMIN_ID),
        # A developer may point the tests at another knowledge folder.
        "KNOWLEDGE_DIR": os.environ.get("KNOWLEDGE_DIR", ""),
    }
    values.update(env)
    return Settings.from_env(values)


@dataclass
class Door:
    """The Telegram door under test: feed it what users do, read what it sent."""

    app: Application
    api: BotApiEmulator
    brain: Brain

    async def feed(self, update: dict[str, Any]) -> None:
        await self.app.process_update(Update.de_json(update, self.app.bot))

    async def _new(self, chat_id: int, update: dict[str, Any]) -> list[SentMessage]:
        before = len(self.api.sent_to(chat_id))
        await self.feed(update)
        return self.api.sent_to(chat_id)[before:]

    async def say(self, chat_id: int, text: str, **options: Any) -> list[SentMessage]:
        return await self._new(chat_id, self.api.push_message(chat_id, text, **options))

    async def press(self, chat_id: int, data: str, **options: Any) -> list[SentMessage]:
        return await self._new(chat_id, self.api.push_callback(chat_id, data, **options))

    async def send_media(self, chat_id: int, kind: str, **options: Any) -> list[SentMessage]:
        return await self._new(chat_id, self.api.push_media(chat_id, kind, **options))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture(scope="module")
def knowledge() -> KnowledgeBase:
    """The real knowledge base, loaded once for the module (run() tests load their own)."""
    return load_knowledge(make_settings(Path(".")).knowledge_dir)


@pytest.fixture
def brain(settings: Settings, knowledge: KnowledgeBase) -> Iterator[Brain]:
    brain = Brain(knowledge, SQLiteStore(settings.data_dir), settings)
    yield brain
    brain.close()


@pytest.fixture
async def door(settings: Settings, brain: Brain, bot_api: BotApiEmulator) -> AsyncIterator[Door]:
    app = build_application(settings, brain, request=bot_api.offline_request())
    async with app:
        yield Door(app, bot_api, brain)


def twin(chat_id: int, lang: str | None = "it", admin: bool = False) -> ChatContext:
    """Another chat, to ask the brain directly what it answers."""
    return ChatContext(chat_id=chat_id + 10_000_000, user_lang=lang, is_admin=admin)


# -- commands -----------------------------------------------------------------------------------
async def test_start_greets_with_the_main_menu(door: Door) -> None:
    sent = await door.say(1, "/start")
    assert seen(sent) == as_sent(door.brain.handle_command(twin(1), "start"))
    assert set(sent[-1].callback_data) >= {"m:families", "m:check", "m:orgs", "m:contacts"}
    assert all(m.parse_mode == "HTML" and m.link_preview_disabled for m in sent)


async def test_start_with_a_payload_is_a_deep_link(door: Door) -> None:
    sent = await door.say(2, "/start nasko")
    expected = door.brain.handle_command(twin(2), "start", "nasko")
    assert seen(sent) == as_sent(expected)
    assert seen(sent) != as_sent(door.brain.handle_command(twin(2), "start"))


@pytest.mark.parametrize(
    "command", ["help", "menu", "verifica", "contatti", "aderire", "annulla", "lingua", "privacy"]
)
async def test_contract_commands_reach_the_brain(door: Door, command: str) -> None:
    sent = await door.say(3, f"/{command}")
    assert sent and seen(sent) == as_sent(door.brain.handle_command(twin(3), command))


async def test_unknown_command_gets_the_brains_polite_reply(door: Door) -> None:
    sent = await door.say(4, "/pizza")
    assert seen(sent) == as_sent(door.brain.handle_command(twin(4), "pizza"))


async def test_admin_flag_comes_from_admin_ids(door: Door, monkeypatch: pytest.MonkeyPatch) -> None:
    contexts: list[ChatContext] = []
    original = door.brain.handle_command

    def spy(chat: ChatContext, command: str, args: str = "") -> list[Reply]:
        contexts.append(chat)
        return original(chat, command, args)

    monkeypatch.setattr(door.brain, "handle_command", spy)
    await door.say(ADMIN_ID, "/stats")
    await door.say(5, "/stats")
    assert [(c.chat_id, c.is_admin) for c in contexts] == [(ADMIN_ID, True), (5, False)]


async def test_command_menu_is_published_in_italian_and_english(door: Door) -> None:
    await door.app.post_init(door.app)
    try:
        await door.api.wait_for_calls("setMyCommands", 3)  # published in the background
        for lang in ("it", "en"):
            published = door.api.get_commands(lang)
            menu = [(c["command"], c["description"]) for c in published]
            assert menu == door.brain.command_menu(lang)
        assert door.api.get_commands("") == door.api.get_commands("it")
        names = {c["command"] for c in door.api.get_commands("it")}
        assert names >= set(CONTRACT_COMMANDS)
    finally:
        await door.app.post_shutdown(door.app)


# -- free text ----------------------------------------------------------------------------------
async def test_question_is_answered_in_html_with_a_bold_title(door: Door) -> None:
    sent = await door.say(10, QUESTION_IT)
    [expected] = door.brain.handle_text(twin(10), QUESTION_IT)
    assert seen(sent) == as_sent([expected])
    if expected.status == "answer":
        assert sent[0].bold()[0] == expected.title
        assert len([d for d in sent[-1].callback_data if d.startswith("e:")]) <= 3


async def test_answers_show_the_key_fact_with_details_and_sources_collapsed(door: Door) -> None:
    question = "quanto dà il fondo cresco al mese?"
    sent = await door.say(16, question)
    [expected] = door.brain.handle_text(twin(16), question)
    assert expected.details and seen(sent) == as_sent([expected])
    [message] = sent
    types = [e["type"] for e in message.entities]
    assert "expandable_blockquote" in types and "text_link" in types
    assert "http" not in message.plain, "sources are named links, not raw addresses"
    quote = next(e for e in message.entities if e["type"] == "expandable_blockquote")
    assert "75" in message.plain[: quote["offset"]], "the key fact comes before the details"


async def test_own_case_gets_the_check_button_and_a_place_its_ats_line(door: Door) -> None:
    question = "sono incinta e abito a Pavia, posso avere il nasko?"
    sent = await door.say(17, question)
    assert seen(sent) == as_sent(door.brain.handle_text(twin(17), question))
    assert "f:start:nasko" in sent[-1].callback_data
    assert "ATS di Pavia" in sent[0].plain


async def test_a_command_mid_check_is_answered_then_the_question_comes_back(door: Door) -> None:
    await door.say(18, "/verifica nasko")
    sent = await door.say(18, "/help")
    expected = door.brain.handle_command(twin(18), "help")
    assert len(expected) == 1  # the twin has no check running
    assert len(sent) >= 2 and sent[0].text == as_sent(expected)[0][0]
    assert door.brain.flows is not None
    pending = door.brain.flows.reprompt(18, "it")
    assert pending is not None and seen(sent[-1:]) == as_sent([pending])
    thumbs = await door.say(18, "👍")
    assert thumbs and door.brain.flows.active(18) == "nasko"


async def test_english_speaker_gets_english(door: Door) -> None:
    sent = await door.say(11, QUESTION_EN, lang="en-GB")
    expected = door.brain.handle_text(twin(11, "en-GB"), QUESTION_EN)
    assert expected[0].lang == "en"
    assert seen(sent) == as_sent(expected)


async def test_user_markup_is_escaped_never_interpreted(door: Door) -> None:
    text = '<b>ciao</b> & <script>alert("x")</script> <a href="http://evil">sono a Lodi</a>'
    sent = await door.say(12, text)
    assert sent, "the emulator refuses invalid HTML, so something valid must have been sent"
    for message in sent:
        parse_telegram_html(message.text)
        assert "<script" not in message.text and "<a " not in message.text
        assert all(e["type"] == "bold" for e in message.entities)


async def test_a_5000_character_message_is_answered(door: Door) -> None:
    sent = await door.say(13, ("Sono incinta e non ho soldi, c'è un aiuto? " * 120)[:5000])
    assert sent and all(telegram_length(m.plain) <= MAX_MESSAGE_LENGTH for m in sent)


async def test_a_long_reply_is_split_with_the_keyboard_on_the_last_part(
    door: Door, monkeypatch: pytest.MonkeyPatch
) -> None:
    words = " ".join(["requisiti & <condizioni>"] * 40)
    paragraphs = [f"Paragrafo {i}: {words}" for i in range(20)]
    buttons = ((Button("Altro", "e:x"),),)
    long_reply = Reply("\n\n".join(paragraphs), title="Titolo", buttons=buttons)
    monkeypatch.setattr(door.brain, "handle_text", lambda chat, text: [long_reply])
    sent = await door.say(14, "dimmi tutto")
    assert len(sent) >= 3
    assert all(len(m.text) <= MAX_MESSAGE_LENGTH for m in sent)
    assert [m.callback_data for m in sent] == [[]] * (len(sent) - 1) + [["e:x"]]
    assert sent[0].bold() == ["Titolo"]
    text = "\n\n".join(m.plain for m in sent)
    assert text == "Titolo\n" + long_reply.text  # cut at paragraph boundaries, nothing lost


async def test_clarify_offers_buttons_and_none_of_these_leads_to_contacts(door: Door) -> None:
    # An ambiguous question, found by asking the brain (the knowledge base changes).
    probes = ("fondo", "contributo", "progetti", "rete alleanza", "aiuto soldi", "domanda")
    ambiguous = next(
        (q for q in probes if door.brain.handle_text(twin(15), q)[0].status == "clarify"), None
    )
    if ambiguous is not None:
        sent = await door.say(15, ambiguous)
        assert seen(sent) == as_sent(door.brain.handle_text(twin(15), ambiguous))
        assert sent[-1].callback_data[-1] == "n:"
    else:
        await door.say(15, "/start")  # something to press on
    none_of_these = await door.press(15, "n:")
    assert seen(none_of_these) == as_sent(door.brain.handle_button(twin(15), "n:"))


# -- buttons ------------------------------------------------------------------------------------
async def test_button_press_is_acknowledged_first_then_answered(door: Door) -> None:
    await door.say(20, "/start")
    calls_before = len(door.api.calls)
    sent = await door.press(20, "m:families")
    methods = [c.method for c in door.api.calls[calls_before:]]
    assert methods[0] == "answerCallbackQuery" and "sendMessage" in methods
    assert all(a["answered_at"] is not None for a in door.api.callback_answers.values())
    assert seen(sent) == as_sent(door.brain.handle_button(twin(20), "m:families"))


async def test_a_stale_button_press_is_still_answered(door: Door) -> None:
    await door.say(21, "/start")
    update = door.api.push_callback(21, "m:contacts")
    door.api.callback_answers[update["callback_query"]["id"]]["answered_at"] = 0.0  # too old
    before = len(door.api.sent_to(21))
    await door.feed(update)
    assert len(door.api.sent_to(21)) > before


# -- what the bot cannot read -----------------------------------------------------------------
@pytest.mark.parametrize("kind", ["sticker", "photo", "voice", "location", "document"])
async def test_media_get_a_short_i_read_text_reply(door: Door, kind: str) -> None:
    sent = await door.send_media(30, kind)
    assert seen(sent) == as_sent([door.brain.unsupported_media(twin(30))])


async def test_edited_messages_are_ignored(door: Door) -> None:
    assert await door.say(31, QUESTION_IT, edited=True) == []


# -- groups -------------------------------------------------------------------------------------
async def test_in_groups_only_mentions_replies_and_commands_are_answered(door: Door) -> None:
    group = {"chat_type": "group", "user_id": 77}
    assert await door.say(GROUP, "ciao a tutti, qualcuno sa del nasko?", **group) == []
    assert await door.say(GROUP, "/foo", **group) == []
    assert await door.say(GROUP, "/help@another_bot", **group) == []
    assert await door.send_media(GROUP, "sticker", chat_type="group") == []

    asked = await door.say(GROUP, f"{MENTION} {QUESTION_IT}", **group)
    assert seen(asked) == as_sent(door.brain.handle_text(twin(GROUP), QUESTION_IT))
    question_id = door.api.calls_to("sendMessage")[-1].params["reply_parameters"]["message_id"]
    assert asked[0].reply_to_message_id == question_id

    unknown = await door.say(GROUP, f"/foo{MENTION}", **group)
    assert seen(unknown) == as_sent(door.brain.handle_command(twin(GROUP), "foo"))
    assert await door.say(GROUP, "/help", **group)
    assert await door.say(GROUP, f"/help{MENTION}", **group)
    assert await door.say(GROUP, QUESTION_EN, reply_to_bot=True, **group)


async def test_in_groups_each_person_has_their_own_conversation(
    door: Door, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys: list[int | str] = []
    original = door.brain.handle_text

    def spy(chat: ChatContext, text: str) -> list[Reply]:
        keys.append(chat.chat_id)
        return original(chat, text)

    monkeypatch.setattr(door.brain, "handle_text", spy)
    await door.say(GROUP, f"{MENTION} nasko", chat_type="group", user_id=71)
    await door.say(GROUP, f"{MENTION} nasko", chat_type="group", user_id=72)
    await door.say(71, "nasko")
    assert keys == [f"{GROUP}:71", f"{GROUP}:72", 71]


# -- failures -----------------------------------------------------------------------------------
async def test_one_error_handler_apologises_and_logs_no_text(
    door: Door, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    secret_text = "Maria Rossi, via Roma 3, incinta"

    def broken(chat: ChatContext, text: str) -> list[Reply]:
        raise RuntimeError(f"could not handle {text!r}")

    monkeypatch.setattr(door.brain, "handle_text", broken)
    caplog.set_level(logging.INFO)
    chat_id = 7_040_713  # digits no traceback line number or update id would contain
    update = door.api.push_message(chat_id, secret_text, first_name="Maria")
    await door.feed(update)
    [apology] = door.api.sent_to(chat_id)
    assert seen([apology]) == as_sent([door.brain.error_reply("it")])
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert str(update["update_id"]) in logged and "RuntimeError" in logged
    assert "Maria" not in logged and "Roma" not in logged
    assert str(chat_id) not in logged  # nor the chat id


async def test_a_user_who_blocked_the_bot_is_handled_quietly(
    door: Door, caplog: pytest.LogCaptureFixture
) -> None:
    door.api.block_chat(41)
    caplog.set_level(logging.INFO)
    await door.say(41, QUESTION_IT)
    assert [c.status for c in door.api.calls_to("sendMessage")] == [403]
    door_errors = [
        r
        for r in caplog.records
        if r.name.startswith(("handlers", "telegram")) and r.levelno >= logging.ERROR
    ]
    assert door_errors == []


async def test_network_errors_are_retried(door: Door, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handlers.delivery, "NETWORK_RETRY_DELAYS", (0.01, 0.01, 0.01))
    door.api.fail_next("sendMessage", 2, status=502)
    sent = await door.say(42, QUESTION_IT)
    assert sent
    assert [c.status for c in door.api.calls_to("sendMessage")][:3] == [502, 502, 200]


async def test_retry_after_is_honoured(door: Door) -> None:
    door.api.fail_next("sendMessage", 1, status=429, retry_after=1)
    sent = await door.say(43, QUESTION_IT)
    assert sent
    failed, delivered = door.api.calls_to("sendMessage")[:2]
    assert (failed.status, delivered.status) == (429, 200)
    assert delivered.at - failed.at >= 1.0


# -- ordering and concurrency -------------------------------------------------------------------
async def test_chats_run_concurrently_and_each_chat_in_order(
    door: Door, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While replies wait on a slow Telegram, other chats go on; each chat stays in order."""
    chats, steps = range(100, 110), 5
    monkeypatch.setattr(door.brain, "handle_text", lambda chat, text: [Reply(f"echo {text}")])
    # Telegram holds the first reply of every chat until told otherwise.
    door.api.delay_next("sendMessage", math.inf, times=len(chats))
    await door.app.start()
    try:
        for step in range(steps):
            for chat_id in chats:
                update = door.api.push_message(chat_id, f"{chat_id}-{step}")
                await door.app.update_queue.put(Update.de_json(update, door.app.bot))
        # Every chat's first reply reaches Telegram while none has been answered: the chats
        # are served at once, not one after the other (no clock involved).
        held = await door.api.wait_for_calls("sendMessage", len(chats), timeout=20)
        assert {call.params["chat_id"] for call in held} == set(chats)
        assert all(call.status == 0 for call in held), [call.status for call in held]
        door.api.release_delayed()
        for chat_id in chats:
            assert await door.api.wait_for_messages(chat_id, steps, timeout=20)
    finally:
        door.api.release_delayed()
        await door.app.stop()
    for chat_id in chats:
        replies = [m.plain for m in door.api.sent_to(chat_id)]
        assert replies == [f"echo {chat_id}-{step}" for step in range(steps)]


async def test_slow_brain_work_runs_off_the_event_loop(
    door: Door, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A /reload (seconds of work) does not hold up another family's question."""
    answered_at: dict[str, float] = {}
    handle_command = door.brain.handle_command

    def slow_reload(chat: ChatContext, command: str, args: str = "") -> list[Reply]:
        if command == "reload":
            time.sleep(1.0)  # what reading the knowledge base again may take
            answered_at["reload"] = time.monotonic()
            return [Reply("reloaded")]
        return handle_command(chat, command, args)

    monkeypatch.setattr(door.brain, "handle_command", slow_reload)
    await door.app.start()
    try:
        for chat_id, text in ((200, "/reload"), (201, "/start")):
            update = door.api.push_message(chat_id, text)
            await door.app.update_queue.put(Update.de_json(update, door.app.bot))
        assert await door.api.wait_for_messages(201, 1, timeout=10)
        answered_at["question"] = time.monotonic()
        assert await door.api.wait_for_messages(200, 1, timeout=10)
    finally:
        await door.app.stop()
    assert answered_at["question"] < answered_at["reload"]


# -- rendering ----------------------------------------------------------------------------------
@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(
        st.sampled_from(list("ab <>&\"'\n😀è")) | st.characters(exclude_categories=["Cs"]),
        max_size=9000,
    ),
    title=st.none() | st.text(st.characters(exclude_categories=["Cs"]), max_size=300),
)
def test_render_always_fits_and_is_valid_telegram_html(text: str, title: str | None) -> None:
    messages = render(Reply(text, title=title, buttons=((Button("ok", "m:menu"),),)))
    assert messages and messages[-1].keyboard is not None
    assert all(m.keyboard is None for m in messages[:-1])
    plain = []
    for message in messages:
        assert telegram_length(message.html) <= MAX_MESSAGE_LENGTH
        plain.append(parse_telegram_html(message.html)[0])
    got = "".join("".join(plain).split())
    original = "".join((" ".join((title or "").split()) + " " + text).split())
    if not original:
        assert got == "…"  # Telegram refuses empty messages: buttons need a body
        return
    body, full_title = "".join(text.split()), "".join((title or "").split())
    assert got.endswith(body)  # the whole text, in order, nothing lost
    head = got[: len(got) - len(body)]
    if len(" ".join((title or "").split())) <= 256:
        assert head == full_title
    else:  # an over-long title is shortened
        assert head.endswith("…") and full_title.startswith(head.removesuffix("…"))


def test_lone_surrogates_are_replaced_not_sent() -> None:
    [message] = render(Reply("a\ud800b", title="t\udfff"))
    assert message.html == "<b>t\ufffd</b>\na\ufffdb"


def test_keyboard_drops_buttons_telegram_would_refuse() -> None:
    rows = ((Button("ok", "e:a"), Button("too long", "x" * 65)), (Button("", "e:b"),))
    keyboard = build_keyboard(rows)
    assert keyboard is not None
    assert [[b.callback_data for b in row] for row in keyboard.inline_keyboard] == [["e:a"]]


# -- configuration and the run entry point ------------------------------------------------------
def test_file_url_follows_the_api_url() -> None:
    assert file_base_url("http://127.0.0.1:8081/bot") == "http://127.0.0.1:8081/file/bot"
    assert file_base_url("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"


def test_webhook_needs_a_url_and_a_proper_secret(tmp_path: Path) -> None:
    options = webhook_options(
        make_settings(
            tmp_path,
            WEBHOOK_URL="https://example.org/tg/hook",
            WEBHOOK_SECRET="s3cr3t_-",
            PORT="8443",
        )
    )
    assert options == {
        "listen": "0.0.0.0",
        "port": 8443,
        "url_path": "tg/hook",
        "webhook_url": "https://example.org/tg/hook",
        "secret_token": "s3cr3t_-",
    }
    for env in (
        {"WEBHOOK_URL": "", "WEBHOOK_SECRET": "abc"},
        {"WEBHOOK_URL": "https://example.org/x", "WEBHOOK_SECRET": ""},
        {"WEBHOOK_URL": "https://example.org/x", "WEBHOOK_SECRET": "not allowed!"},
    ):
        assert run(make_settings(tmp_path, **env), webhook=True) == 1


@pytest.mark.parametrize("token", ["", "12:tooshort-secret-value"])
def test_run_refuses_a_missing_or_malformed_token_without_printing_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], token: str
) -> None:
    assert run(make_settings(tmp_path, BOT_TOKEN=token), webhook=False) == 1
    err = capsys.readouterr().err
    assert "BOT_TOKEN" in err and (not token or token not in err)


def test_run_refuses_an_invalid_knowledge_base(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = make_settings(tmp_path, KNOWLEDGE_DIR=str(tmp_path / "missing"))
    assert run(settings, webhook=False) == 1
    assert "knowledge" in capsys.readouterr().err


def test_secrets_are_redacted_from_log_messages_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets(DEFAULT_TOKEN, "webhook-secret-value"))
    log = logging.getLogger("tests.redaction")
    log.addHandler(handler)
    try:
        try:
            raise RuntimeError(f"The token `{DEFAULT_TOKEN}` was rejected by the server.")
        except RuntimeError:
            log.exception("calling %s/getMe with webhook-secret-value", DEFAULT_TOKEN)
    finally:
        log.removeHandler(handler)
    output = stream.getvalue()
    assert "rejected by the server" in output and "getMe" in output
    assert DEFAULT_TOKEN.partition(":")[2] not in output and "webhook-secret-value" not in output


def test_settings_never_show_the_token(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    assert DEFAULT_TOKEN not in repr(settings) and isinstance(settings.token, Secret)
