"""Conversations with the brain, errbot style: the user says X, the bot answers Y."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.brain import Brain
from bot.matcher import ANSWER_THRESHOLD, Candidate, decide
from bot.reply import Reply
from tests.support import CONTRACT_COMMANDS, chat, make_brain

BAD_INPUTS = [
    "",
    "   ",
    "x" * 10_000,
    "😀" * 50,
    "?!?!...,,;;",
    "\x00\x01\x1b[31m\u202e",
    "Привет мир 你好 مرحبا",
    "<script>alert(1)</script>",
    "a" * 4096 + " nasko",
    "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
]


@pytest.fixture()
def brain(tmp_path: Path) -> Brain:
    return make_brain(tmp_path / "data")


def _buttons(reply: Reply) -> list[str]:
    return [b.data for b in reply.all_buttons()]


def test_greeting_is_smalltalk_with_menu(brain: Brain) -> None:
    [reply] = brain.handle_text(chat(), "Ciao!")
    assert reply.status == "smalltalk"
    assert "m:check" in _buttons(reply)


def test_answer_has_title_source_date_and_follow_ups(brain: Brain) -> None:
    [reply] = brain.handle_text(chat(), "quanto dà il fondo cresco al mese?")
    assert reply.status == "answer" and reply.entry
    assert "75" in reply.text
    assert "Fonte:" in reply.details and "aggiornate al" in reply.details
    assert "Fonte:" not in reply.text, "sources are in the collapsed details"
    assert reply.title
    assert all(len(d.encode()) <= 64 for d in _buttons(reply))


def test_english_question_gets_english_answer_and_language_is_remembered(brain: Brain) -> None:
    [reply] = brain.handle_text(chat(7), "What is a Rete di Conciliazione?")
    assert reply.lang == "en" and reply.status == "answer"
    assert "Source:" in reply.details
    [menu] = brain.handle_command(chat(7), "menu")
    assert menu.lang == "en"


def test_telegram_language_code_is_the_default(brain: Brain) -> None:
    [reply] = brain.handle_command(chat(8, lang="en-GB"), "help")
    assert reply.lang == "en"


def test_out_of_scope_gets_honest_fallback_with_contacts(brain: Brain) -> None:
    [reply] = brain.handle_text(chat(), "come si rinnova il passaporto")
    assert reply.status == "fallback"
    assert "conciliazione@regione.lombardia.it" in reply.text
    assert "Consultorio" in reply.text


def test_clarify_offers_candidates_and_none_of_these(brain: Brain) -> None:
    ids = [e.id for e in brain.kb.entries if e.topic == "nasko"][:2]
    close = decide(
        [Candidate(ids[0], ANSWER_THRESHOLD + 1), Candidate(ids[1], ANSWER_THRESHOLD + 1)]
    )
    assert close.status == "clarify"
    entries = [brain.kb.entry(i) for i in ids]
    clarify = brain.k.composer.clarify(entries, "it", close.score, "clarify.text")
    assert clarify is not None
    assert brain.k.composer.clarify(entries[:1], "it", 60.0, "clarify.text") is None
    data = _buttons(clarify)
    assert data == [f"e:{ids[0]}", f"e:{ids[1]}", "n:"]
    assert [oid for oid, _ in clarify.options] == ids
    assert all(title in clarify.text for _, title in clarify.options)
    [picked] = brain.handle_button(chat(), data[0])
    assert picked.status == "answer" and picked.entry == ids[0]
    [none] = brain.handle_button(chat(), "n:")
    assert none.status == "fallback"


@pytest.mark.parametrize("text", BAD_INPUTS)
def test_bad_input_never_raises(brain: Brain, text: str) -> None:
    replies = brain.handle_text(chat(), text)
    assert replies and all(isinstance(r, Reply) for r in replies)
    assert replies[0].status in {"fallback", "smalltalk", "answer", "clarify"}
    assert brain.answer_question(text).status in {"fallback", "smalltalk", "answer", "clarify"}


@pytest.mark.parametrize("text", BAD_INPUTS[:7])
def test_garbage_gets_fallback_or_smalltalk(brain: Brain, text: str) -> None:
    assert brain.answer_question(text).status in {"fallback", "smalltalk"}


@pytest.mark.parametrize(
    "data",
    [
        "",
        "e:",
        "e:does-not-exist",
        "zz:1",
        "m:nope",
        "l:xx",
        "p:nowhere|XX",
        "f:start:nope",
        "fb:+:nope",
        "x" * 200,
        "e:" + "é" * 40,
    ],
)
def test_forged_or_stale_buttons_get_a_polite_reply(brain: Brain, data: str) -> None:
    replies = brain.handle_button(chat(), data)
    assert replies and all(isinstance(r, Reply) for r in replies)


def test_commands_of_the_contract_all_reply(brain: Brain) -> None:
    for command in CONTRACT_COMMANDS:
        replies = brain.handle_command(chat(), command)
        assert replies and replies[0].text, command
    [unknown] = brain.handle_command(chat(), "nonexistent")
    assert "/help" in unknown.text


def test_deep_link_opens_a_topic(brain: Brain) -> None:
    [reply] = brain.handle_command(chat(), "start", "cresco")
    assert reply.status in {"answer", "flow"}


def test_lingua_switches_language(brain: Brain) -> None:
    [reply] = brain.handle_button(chat(3), "l:en")
    assert reply.lang == "en"
    [reply] = brain.handle_command(chat(3), "help")
    assert reply.lang == "en" and "Commands" in reply.text


def test_menus_lead_somewhere(brain: Brain) -> None:
    for item in ("m:families", "m:orgs", "m:contacts", "m:check", "m:menu"):
        [first, *_] = brain.handle_button(chat(), item)
        assert first.buttons, item
    [families] = brain.handle_button(chat(), "m:families")
    assert sum(d.startswith("e:") for d in _buttons(families)) >= 3


def test_unanswered_questions_are_logged_without_identifiers(brain: Brain) -> None:
    brain.handle_text(chat(123456789), "come si rinnova il passaporto")
    records = brain.store.questions()
    assert [r.text for r in records] == ["come si rinnova il passaporto"]
    assert records[0].status == "fallback"
    db = (brain.store.path).read_bytes()
    assert b"123456789" not in db


@pytest.mark.parametrize(
    ("question", "status", "entry_prefix"),
    [
        ("sono di Vigevano", "answer", "ats:pavia"),
        ("a chi mi rivolgo a Lodi?", "answer", "ats:milano"),
        ("abito a Varese, qual è la mia ATS?", "answer", "ats:insubria"),
        ("breno valcamonica ats", "answer", "ats:montagna"),
        ("I live in Bergamo, who do I contact", "answer", "ats:bergamo"),
        ("che tempo fa domani a Milano", "fallback", None),
        ("voli economici milano londra", "fallback", None),
        ("concorsi ats bergamo assunzioni infermieri", "fallback", None),
    ],
)
def test_place_questions_are_routed_by_what_they_ask(
    brain: Brain, question: str, status: str, entry_prefix: str | None
) -> None:
    reply = brain.answer_question(question)
    assert reply.status == status, (reply.status, reply.entry)
    if entry_prefix:
        assert reply.entry == entry_prefix


def test_topic_question_naming_a_place_gets_the_answer_plus_the_ats(brain: Brain) -> None:
    reply = brain.answer_question("dove si fa domanda per il nasko a Pavia?")
    assert reply.status == "answer" and reply.entry and reply.entry.startswith("nasko")
    assert "ATS di Pavia" in reply.text


def test_place_is_remembered_for_contacts(brain: Brain) -> None:
    brain.handle_text(chat(42), "sono di Crema")
    replies = brain.handle_command(chat(42), "contatti")
    assert len(replies) == 2 and "Val Padana" in replies[1].plain_text
