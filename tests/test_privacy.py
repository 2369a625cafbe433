"""Privacy: /privacy explains, /cancellami deletes for real, logs and tables never name a user."""

from __future__ import annotations

import dataclasses
import logging
import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.admin import controller_placeholder_present
from bot.brain import Brain
from bot.chat import ChatContext
from bot.report import build_report
from bot.store import DB_FILENAME, STATE_TTL_DAYS, SQLiteStore, Store
from tests.support import ROOT, chat, make_brain, real_kb

CHAT_ID = 604_417_993_128
DAY = 86_400


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture()
def brain(data_dir: Path) -> Brain:
    return make_brain(data_dir)


# PostgreSQL starts a server per test worker: its half runs with the whole suite (slow).
@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.slow)])
def any_brain(request: pytest.FixtureRequest, data_dir: Path) -> Iterator[Brain]:
    """The brain on either store backend: the privacy guarantees hold on both."""
    if request.param == "sqlite":
        store: Store = SQLiteStore(data_dir)
    else:
        from bot.store.postgres import PostgresStore

        store = PostgresStore(request.getfixturevalue("pg_url"))
    brain = Brain(real_kb(), store)
    try:
        yield brain
    finally:
        brain.close()


def _files_naming(data_dir: Path, *needles: str) -> list[str]:
    """Every file in BOT_DATA_DIR (database, -wal, -shm, anything else) containing a needle."""
    hits = []
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        content = path.read_bytes()
        hits += [f"{path.name}: {needle}" for needle in needles if needle.encode() in content]
    return hits


def _leave_traces(brain: Brain, user: ChatContext) -> None:
    """A user who set a language, named a comune, is in a check and owes a feedback comment."""
    brain.handle_command(user, "lingua", "en")
    brain.handle_text(user, "a chi mi rivolgo a Lodi?")
    [answer] = brain.handle_text(user, "how much does the cresco fund pay per month?")
    assert answer.entry
    brain.handle_button(user, f"fb:-:{answer.entry}")
    if brain.kb.flows:
        brain.handle_command(user, "verifica", next(iter(brain.kb.flows)))
    else:
        brain.store.update_state(
            user.chat_id, "flow", {"id": "nasko", "answers": {"pregnant": True}}
        )
    assert set(brain.store.get_state(user.chat_id) or {}) == {"flow", "pending"}


# -- /privacy ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "it",
            [
                "Cosa memorizzo",
                "Perché",
                "180 giorni",
                f"{STATE_TTL_DAYS} giorni",
                "nome utente",
                "/cancellami",
                "/annulla",
                "gestore del servizio",
                "registri",
            ],
        ),
        (
            "en",
            [
                "What I keep",
                "Why",
                "180 days",
                f"{STATE_TTL_DAYS} days",
                "username",
                "/cancellami",
                "/annulla",
                "service operator",
                "logs",
            ],
        ),
    ],
)
def test_privacy_explains_what_why_how_long_and_who(
    brain: Brain, lang: str, words: list[str]
) -> None:
    [reply] = brain.handle_command(chat(CHAT_ID, lang=lang), "privacy")
    for word in words:
        assert word in reply.plain_text, word
    # No invented data controller: a clearly marked placeholder for the operator to fill in.
    assert "[titolare del trattamento: da completare a cura del gestore" in reply.text
    assert controller_placeholder_present(brain.texts)
    assert [b.data for b in reply.all_buttons()] == ["x:ask"]
    assert len(reply.plain_text) < 4096  # one Telegram message


def test_privacy_text_follows_the_configured_retention(data_dir: Path) -> None:
    brain = Brain(real_kb(), SQLiteStore(data_dir, retention_days=30))
    [reply] = brain.handle_command(chat(CHAT_ID), "privacy")
    assert "30 giorni" in reply.text and "180" not in reply.text


# -- /cancellami -------------------------------------------------------------------------------
def test_cancellami_asks_first_and_keep_deletes_nothing(any_brain: Brain) -> None:
    user = chat(CHAT_ID)
    _leave_traces(any_brain, user)
    [ask] = any_brain.handle_command(user, "cancellami")
    assert [b.data for b in ask.all_buttons()] == ["x:forget", "x:keep"]
    assert any_brain.store.get_prefs(CHAT_ID)["lang"] == "en"  # nothing deleted by just asking
    [kept] = any_brain.handle_button(user, "x:keep")
    assert kept.status == "info"
    assert any_brain.store.get_prefs(CHAT_ID)["comune"] and any_brain.store.get_state(CHAT_ID)


def test_after_cancellami_nothing_in_the_data_dir_names_the_user(
    brain: Brain, data_dir: Path
) -> None:
    user = chat(CHAT_ID)
    key = brain.store.chat_key(CHAT_ID)
    brain.handle_text(user, "how do I renew my passport")  # an anonymous question stays
    _leave_traces(brain, user)
    assert _files_naming(data_dir, key), "the test must start with the user's data on disk"

    privacy, *pending_question = brain.handle_command(user, "privacy")
    assert pending_question, "during a check, /privacy repeats the pending question"
    [ask] = brain.handle_button(user, privacy.all_buttons()[0].data)
    [done] = brain.handle_button(user, "x:forget")
    assert "language" in done.text and "comune" in done.text and "check in progress" in done.text

    assert brain.store.get_state(CHAT_ID) is None
    assert brain.store.get_prefs(CHAT_ID) == {"lang": None, "comune": None}
    assert brain.store.wait_for_maintenance(timeout=30), "the disk scrub never finished"
    assert _files_naming(data_dir, key, str(CHAT_ID)) == []
    brain.close()
    assert _files_naming(data_dir, key, str(CHAT_ID)) == []
    # ... while the anonymous editors' data is still there.
    store = SQLiteStore(data_dir)
    assert [q.text for q in store.questions()] == ["how do I renew my passport"]
    assert store.feedback_rows()


def test_cancellami_twice_says_there_is_nothing_left(any_brain: Brain) -> None:
    user = chat(CHAT_ID)
    any_brain.handle_button(user, "x:forget")
    [again] = any_brain.handle_button(user, "x:forget")
    assert "non c'era nulla" in again.text


# -- what is stored --------------------------------------------------------------------------
def _schema(data_dir: Path) -> dict[str, list[str]]:
    with sqlite3.connect(data_dir / DB_FILENAME) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: [row[1] for row in conn.execute(f"PRAGMA table_info({t})")] for t in tables}


def test_no_table_can_hold_a_name_and_anonymous_tables_have_no_chat_key(
    brain: Brain, data_dir: Path
) -> None:
    brain.handle_text(chat(CHAT_ID), "how do I renew my passport")
    schema = _schema(data_dir)
    for table, columns in schema.items():
        for column in columns:
            assert not re.search(r"name|user|phone|first|last", column), (table, column)
    for table in ("questions", "feedback", "events"):
        assert "chat" not in schema[table]
    assert {f.name for f in dataclasses.fields(ChatContext)} == {"chat_id", "user_lang", "is_admin"}


def test_every_table_and_column_is_documented_in_docs_privacy(brain: Brain, data_dir: Path) -> None:
    doc = (ROOT / "docs" / "privacy.md").read_text(encoding="utf-8")
    for table, columns in _schema(data_dir).items():
        assert f"`{table}`" in doc, table
        for column in columns:
            assert f"`{column}`" in doc, f"{table}.{column}"


def test_logs_never_carry_a_chat_id_or_message_text(
    any_brain: Brain, caplog: pytest.LogCaptureFixture
) -> None:
    brain = any_brain
    user = chat(CHAT_ID)
    admin = chat(CHAT_ID + 1, admin=True)
    texts = ["sono incinta e non ho soldi", "how do I renew my passport", "cercavo il modulo ISEE"]
    with caplog.at_level(logging.DEBUG):
        brain.handle_text(user, texts[0])
        brain.handle_text(user, texts[1])
        [answer] = brain.handle_text(user, "quanto dà il fondo cresco al mese?")
        brain.handle_button(user, f"fb:-:{answer.entry}")
        brain.handle_text(user, texts[2])
        brain.handle_command(admin, "reload")
        brain.handle_command(admin, "stats")
        brain.handle_command(user, "cancellami")
        brain.handle_button(user, "x:forget")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in [str(CHAT_ID), str(CHAT_ID + 1), brain.store.chat_key(CHAT_ID), *texts]:
        assert secret not in logged


# -- retention ----------------------------------------------------------------------------------
def test_the_periodic_purge_removes_expired_rows(any_brain: Brain) -> None:
    user = chat(CHAT_ID)
    any_brain.handle_text(user, "how do I renew my passport")
    _leave_traces(any_brain, user)
    any_brain.handle_text(
        chat(CHAT_ID + 5), "come si rinnova il passaporto"
    )  # default language: no prefs row
    store = any_brain.store
    assert store.questions() and store.feedback_rows() and store.events()

    assert store.purge_expired(now=time.time() + 3 * DAY) == 0  # nothing is old yet
    assert store.purge_expired(now=time.time() + (STATE_TTL_DAYS + 1) * DAY) >= 1
    assert store.get_state(CHAT_ID) is None  # the answers of an unfinished check went first
    assert store.get_prefs(CHAT_ID)["lang"] == "en" and store.questions()

    assert store.purge_expired(now=time.time() + 181 * DAY) > 0
    assert store.questions() == [] and store.feedback_rows() == [] and store.events() == []
    assert store.get_prefs(CHAT_ID) == {"lang": None, "comune": None}
    report = build_report(store, any_brain.kb)
    assert report.unanswered_clusters == [] and report.worst_answers == []
    assert any_brain.purge_expired() == 0  # the brain's hook for the daily job


def test_retention_is_configurable(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path, retention_days=30)
    store.log_question("domanda", "domand", "it", "fallback", None, 0.0)
    assert store.purge_expired(now=time.time() + 29 * DAY) == 0
    assert store.purge_expired(now=time.time() + 31 * DAY) >= 1
    assert store.questions() == []


@pytest.mark.slow  # a PostgreSQL server
def test_after_cancellami_no_row_in_postgresql_names_the_user(pg_url: str) -> None:
    """On the shared database too, nothing names the user once they asked to be forgotten."""
    import psycopg

    from bot.store.postgres import PostgresStore

    brain = Brain(real_kb(), PostgresStore(pg_url))
    try:
        user = chat(CHAT_ID)
        key = brain.store.chat_key(CHAT_ID)
        brain.handle_text(user, "how do I renew my passport")
        _leave_traces(brain, user)

        def rows_naming(*needles: str) -> list[str]:
            hits = []
            with psycopg.connect(pg_url) as conn:
                tables = [
                    row[0]
                    for row in conn.execute(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                    )
                ]
                for table in tables:
                    for (text,) in conn.execute(f"SELECT t::text FROM {table} AS t"):
                        hits += [f"{table}: {n}" for n in needles if n in text]
            return hits

        assert rows_naming(key), "the test must start with the user's data in the database"
        [done] = brain.handle_button(user, "x:forget")
        assert "language" in done.text and "comune" in done.text
        assert rows_naming(key, str(CHAT_ID)) == []
        assert brain.store.wait_for_maintenance(timeout=30) and brain.store.compactions == 1
        assert [q.text for q in brain.store.questions()] == ["how do I renew my passport"]
    finally:
        brain.close()
