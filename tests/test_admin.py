"""Feedback and admin commands through the real Brain: the user (or admin) says X, the bot Y."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.brain import Brain
from bot.knowledge_loader import load_knowledge
from bot.reply import Reply
from bot.report import build_report
from bot.store import DB_FILENAME, SQLiteStore
from tests.support import button_data, chat, make_brain, real_kb

ANSWERED = "quanto dà il fondo cresco al mese?"
UNANSWERED = "dove posso parcheggiare la bicicletta in stazione"
ADMIN = chat(42, admin=True)
USER_ID = 555_000_111_222


@pytest.fixture()
def brain(tmp_path: Path) -> Brain:
    return make_brain(tmp_path / "data")


def _answer(brain: Brain, user: int = USER_ID) -> Reply:
    [reply] = brain.handle_text(chat(user), ANSWERED)
    assert reply.status == "answer" and reply.entry
    return reply


def _unknown_command_text(brain: Brain) -> str:
    [reply] = brain.handle_command(chat(USER_ID), "nosuchcommand")
    return reply.text


# -- feedback ---------------------------------------------------------------------------------
def test_every_answer_ends_with_a_thumbs_row_that_fits_telegram(brain: Brain) -> None:
    reply = _answer(brain)
    last_row = [b.data for b in reply.buttons[-1]]
    assert last_row == [f"fb:+:{reply.entry}", f"fb:-:{reply.entry}"]
    assert [b.title for b in reply.buttons[-1]] == ["👍", "👎"]
    for entry in real_kb().entries:  # every entry id fits in the 64-byte callback data
        assert all(len(b.data.encode()) <= 64 for b in brain.admin.feedback_buttons(entry.id))


def test_thumbs_up_is_recorded_and_thanked(brain: Brain) -> None:
    entry = _answer(brain).entry
    [reply] = brain.handle_button(chat(USER_ID), f"fb:+:{entry}")
    assert "Grazie" in reply.text
    assert brain.store.feedback_rows()[-1][1:] == (entry, 1, None)
    assert brain.store.get_state(USER_ID) is None  # nothing waits for a comment


def test_thumbs_down_asks_what_was_missing_and_the_comment_lands_in_the_report(
    brain: Brain, tmp_path: Path
) -> None:
    user = chat(USER_ID)
    entry = _answer(brain).entry
    [ask] = brain.handle_button(user, f"fb:-:{entry}")
    assert "Cosa stavi cercando? (facoltativo)" in ask.text
    assert button_data(ask) == ["fb:skip"] and ask.buttons[0][0].title == "Salta"
    pending = brain.store.get_state(USER_ID)["pending"]
    assert pending["kind"] == "feedback" and isinstance(pending["id"], int)

    [thanks, *_] = brain.handle_text(user, "le date delle domande per il 2026")
    assert "anonima" in thanks.text
    assert brain.store.get_state(USER_ID) is None  # the chat-to-vote link is gone

    report = build_report(brain.store, brain.kb)
    [worst] = report.worst_answers
    assert (worst.entry, worst.down, worst.up, worst.net) == (entry, 1, 0, 1)
    assert [c.text for c in worst.comments] == ["le date delle domande per il 2026"]

    # The feedback table has no column that could hold a chat, and no row holds the chat key.
    key = brain.store.chat_key(USER_ID)
    with sqlite3.connect(tmp_path / "data" / DB_FILENAME) as conn:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(feedback)")}
        rows = conn.execute("SELECT * FROM feedback").fetchall()
    assert columns == {"id", "day", "entry", "vote", "comment"}
    assert not any(key in str(value) or str(USER_ID) in str(value) for row in rows for value in row)


def test_skip_clears_the_wait_and_the_next_message_is_a_question_again(brain: Brain) -> None:
    user = chat(USER_ID)
    entry = _answer(brain).entry
    brain.handle_button(user, f"fb:-:{entry}")
    [skipped] = brain.handle_button(user, "fb:skip")
    assert skipped.status == "info"
    assert brain.store.get_state(USER_ID) is None
    [reply] = brain.handle_text(user, ANSWERED)
    assert reply.status == "answer"
    assert brain.store.feedback_rows()[-1][1:] == (entry, -1, None)


def test_a_comment_that_is_a_question_also_gets_an_answer(brain: Brain) -> None:
    user = chat(USER_ID)
    brain.handle_button(user, "fb:-:" + _answer(brain).entry)
    replies = brain.handle_text(user, "cos'è il fondo nasko?")
    assert [r.status for r in replies] == ["info", "answer"]
    assert replies[1].entry != brain.store.feedback_rows()[-1][1]


def test_identifiers_typed_in_a_comment_are_masked_before_storing(brain: Brain) -> None:
    user = chat(USER_ID)
    brain.handle_button(user, "fb:-:" + _answer(brain).entry)
    brain.handle_text(
        user, "scrivetemi a maria.rossi@example.com o al 333 123 4567, CF RSSMRA85M41F205X"
    )
    comment = brain.store.feedback_rows()[-1][3]
    assert "maria.rossi" not in comment and "4567" not in comment and "RSSMRA" not in comment
    assert "[email]" in comment and "[numero]" in comment and "[codice fiscale]" in comment


@pytest.mark.parametrize(
    "data",
    [
        "fb:",
        "fb:+",
        "fb:+:",
        "fb:+:no-such-entry",
        "fb:?:cresco-amount",
        "fb:skip:extra",
        "fb:-:" + "x" * 58,
        "x:",
        "x:delete-everyone",
        "x:forget:123",
        "a:",
        "a:stats",
        "a:reload",
        "a:unanswered",
    ],
)
def test_stale_or_forged_buttons_get_a_polite_reply_and_record_nothing(
    brain: Brain, data: str
) -> None:
    replies = brain.handle_button(chat(USER_ID), data)
    assert replies and all(r.text for r in replies)
    assert brain.store.feedback_rows() == []


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    prefix=st.sampled_from(["fb:", "fb:+:", "fb:-:", "x:", "a:"]),
    rest=st.text(max_size=70),
    admin=st.booleans(),
)
def test_no_button_data_raises(brain: Brain, prefix: str, rest: str, admin: bool) -> None:
    replies = brain.handle_button(chat(7, admin=admin), prefix + rest)
    assert replies and all(isinstance(r, Reply) and r.text for r in replies)


# -- admin commands ---------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["stats", "reload", "unanswered"])
def test_non_admins_get_the_ordinary_unknown_command_reply(brain: Brain, command: str) -> None:
    unknown = _unknown_command_text(brain)
    for args in ("", "5"):
        [reply] = brain.handle_command(chat(USER_ID, admin=False), command, args)
        assert reply.text == unknown
    [reply] = brain.handle_button(chat(USER_ID), f"a:{command}")
    assert reply.text == unknown


def test_admin_stats_counts_answers_questions_and_feedback(brain: Brain) -> None:
    entry = _answer(brain).entry
    brain.handle_text(chat(USER_ID), UNANSWERED)
    brain.handle_button(chat(USER_ID), f"fb:+:{entry}")
    [reply] = brain.handle_command(ADMIN, "stats")
    assert reply.text.startswith("📊")
    assert "Risposte date: 1" in reply.text
    assert "Domande senza risposta: 1" in reply.text
    assert "👍 1" in reply.text
    assert "a:unanswered" in button_data(reply)
    [again] = brain.handle_button(ADMIN, "a:stats")
    assert again.text == reply.text


def test_admin_unanswered_lists_the_question_and_the_entry_to_extend(brain: Brain) -> None:
    [empty] = brain.handle_command(ADMIN, "unanswered")
    assert "Nessuna domanda" in empty.text
    for _ in range(2):
        brain.handle_text(chat(USER_ID), UNANSWERED)
    brain.handle_text(chat(USER_ID + 1), UNANSWERED + "?")
    [reply] = brain.handle_command(ADMIN, "unanswered", "3")
    assert "×3" in reply.text and UNANSWERED in reply.text
    assert "→" in reply.text  # a suggestion (an entry to extend or "maybe a new entry")
    assert str(USER_ID) not in reply.text
    [en] = brain.handle_command(chat(42, lang="en", admin=True), "unanswered")
    assert "Unanswered" in en.text


def _editable_knowledge(tmp_path: Path) -> Path:
    copy = tmp_path / "knowledge"
    shutil.copytree(real_kb().directory, copy)
    return copy


def test_reload_with_a_broken_file_lists_the_problems_and_keeps_answering(tmp_path: Path) -> None:
    knowledge = _editable_knowledge(tmp_path)
    brain = Brain(load_knowledge(knowledge), SQLiteStore(tmp_path / "data"))
    [ok] = brain.handle_command(ADMIN, "reload")
    assert ok.text.startswith("✅") and str(len(brain.kb.entries)) in ok.text

    faq = sorted((knowledge / "faq").glob("*.yaml"))[0]
    faq.write_text(faq.read_text(encoding="utf-8") + "\n  - id: [broken\n", encoding="utf-8")
    (knowledge / "faq" / "zz-new.yaml").write_text(
        "entries:\n  - id: Bad Id\n    topic: x\n", encoding="utf-8"
    )
    [failed] = brain.handle_command(ADMIN, "reload")
    assert failed.text.startswith("❌")
    assert f"knowledge/faq/{faq.name}" in failed.text and "zz-new.yaml" in failed.text
    assert "Bad Id" in failed.text

    [still] = brain.handle_text(chat(USER_ID), ANSWERED)
    assert still.status == "answer" and "75" in still.text


NEW_ENTRY = """entries:
  - id: editor-new-entry
    topic: nasko
    audience: families
    title: {it: "Voce nuova", en: "New entry"}
    questions:
      it: ["zorblax quux frobnicate", "frobnicate zorblax"]
      en: ["zorblax quux frobnicate", "frobnicate zorblax"]
    answer: {it: "Risposta nuova.", en: "New answer."}
    sources: [{title: "Seed page", seed: 000_6872bb9527ec5f78.txt}]
    as_of: 2026-01-15
"""


def test_reload_picks_up_an_editors_new_entry(tmp_path: Path) -> None:
    knowledge = _editable_knowledge(tmp_path)
    brain = Brain(load_knowledge(knowledge), SQLiteStore(tmp_path / "data"))
    question = "zorblax quux frobnicate"
    [before] = brain.handle_text(chat(USER_ID), question)
    assert before.status == "fallback"
    (knowledge / "faq" / "zz-editor.yaml").write_text(NEW_ENTRY, encoding="utf-8")
    [ok] = brain.handle_command(ADMIN, "reload")
    assert ok.text.startswith("✅"), ok.text
    [after] = brain.handle_text(chat(USER_ID), question)
    assert after.status == "answer" and after.entry == "editor-new-entry"
