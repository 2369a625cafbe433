"""The store contract, run against both backends (SQLite and a throw-away PostgreSQL)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.store import STATE_TTL_DAYS, SQLiteStore, Store, StoreError
from bot.store.migrations import LATEST

DAY = 86_400


def test_state_slots_and_clearing(store: Store) -> None:
    assert store.get_state(1) is None
    store.update_state(1, "flow", {"id": "nasko", "answers": {"pregnant": True}})
    store.update_state(1, "pending", {"kind": "comune"})
    assert store.get_state(1) == {
        "flow": {"id": "nasko", "answers": {"pregnant": True}},
        "pending": {"kind": "comune"},
    }
    assert store.get_state(2) is None  # chats never see each other's state
    store.update_state(1, "flow", None)
    assert store.get_state(1) == {"pending": {"kind": "comune"}}
    store.update_state(1, "pending", None)  # an empty state is deleted
    assert store.get_state(1) is None
    store.set_state("group:5", {"flow": {"id": "cresco"}})
    store.clear_state("group:5")
    assert store.get_state("group:5") is None


def test_prefs_merge_and_forget(store: Store) -> None:
    assert store.get_prefs(1) == {"lang": None, "comune": None}
    store.set_pref(1, lang="en")
    store.set_pref(1, comune="Lodi|LO")
    store.set_pref(2, lang="it")
    assert store.get_prefs(1) == {"lang": "en", "comune": "Lodi|LO"}
    store.update_state(1, "flow", {"id": "nasko"})
    store.forget_chat(1)
    assert store.get_prefs(1) == {"lang": None, "comune": None} and store.get_state(1) is None
    assert store.get_prefs(2)["lang"] == "it"
    assert store.wait_for_maintenance(timeout=30)
    assert store.compactions == 1, "one disk scrub per /cancellami"


def test_chat_keys_are_keyed_hashes(store: Store) -> None:
    key = store.chat_key(604_417_993_128)
    assert len(key) == 32 and "604417993128" not in key
    assert key == store.chat_key("604417993128") != store.chat_key(604_417_993_129)


def test_anonymous_editor_data(store: Store) -> None:
    store.log_question("domanda", "domand", "it", "fallback", None, 0.0)
    store.log_question("altro", "altr", "it", "answer", "nasko", 91.5)
    store.log_question("forse", "fors", "en", "clarify", "cresco", 55.0)
    assert [q.text for q in store.questions()] == ["domanda", "forse"]
    assert [q.entry for q in store.questions(("answer",))] == ["nasko"]
    first = store.add_feedback("nasko", -1)
    second = store.add_feedback("cresco", 1)
    assert second != first
    store.set_feedback_comment(first, "x" * 2000)
    rows = store.feedback_rows()
    assert [(r[1], r[2]) for r in rows] == [("nasko", -1), ("cresco", 1)]
    assert len(rows[0][3] or "") == 1000 and rows[1][3] is None
    store.count_event("status", "fallback")
    store.count_event("status", "fallback", 2)
    store.count_event("topic", "nasko")
    assert [(k, key, n) for _, k, key, n in store.events()] == [
        ("status", "fallback", 3),
        ("topic", "nasko", 1),
    ]
    assert [(key, n) for _, _, key, n in store.events("topic")] == [("nasko", 1)]


def test_retention_purge(store: Store) -> None:
    store.update_state(1, "flow", {"id": "nasko"})
    store.set_pref(1, lang="en")
    store.log_question("domanda", "domand", "it", "fallback", None, 0.0)
    store.add_feedback("nasko", 1)
    store.count_event("topic", "nasko")
    store.mark_update_done(41)
    now = time.time()
    assert store.purge_expired(now=now + DAY) == 0
    assert store.update_done(41)
    assert store.purge_expired(now=now + 3 * DAY) == 0  # (update ids are not counted)
    assert not store.update_done(41), "answered update ids are forgotten after two days"
    assert store.purge_expired(now=now + (STATE_TTL_DAYS + 1) * DAY) == 1
    assert store.get_state(1) is None and store.get_prefs(1)["lang"] == "en"
    assert store.purge_expired(now=now + 181 * DAY) == 4
    assert store.questions() == [] and store.feedback_rows() == [] and store.events() == []
    assert store.get_prefs(1) == {"lang": None, "comune": None}


def test_answered_updates_are_remembered(store: Store) -> None:
    assert not store.update_done(100_001)
    store.mark_update_done(100_001)
    store.mark_update_done(100_001)  # a second replica marking it too is harmless
    assert store.update_done(100_001) and not store.update_done(100_002)


def test_schema_is_migrated_to_the_latest_version(store: Store) -> None:
    assert store.schema_version() == LATEST
    store.ping()


def test_a_second_store_on_the_same_database_shares_everything(
    store: Store, tmp_path: Path
) -> None:
    """Two processes (replicas) on one database compute the same chat keys and see each other."""
    if isinstance(store, SQLiteStore):
        other: Store = SQLiteStore(store.data_dir)
    else:
        from bot.store.postgres import PostgresStore

        other = PostgresStore(store.url)  # type: ignore[attr-defined]
    try:
        assert other.chat_key(7) == store.chat_key(7)
        store.update_state(7, "flow", {"id": "nasko", "step": 3})
        assert other.get_state(7) == {"flow": {"id": "nasko", "step": 3}}
        other.mark_update_done(5)
        assert store.update_done(5)
        assert other.schema_version() == LATEST  # migrations are not applied twice
    finally:
        other.close()


def test_sqlite_databases_made_before_versioning_are_adopted(tmp_path: Path) -> None:
    import sqlite3

    from bot.store.migrations import SQLITE

    data = tmp_path / "data"
    data.mkdir()
    with sqlite3.connect(data / "conciliazione.sqlite3") as conn:
        conn.executescript(SQLITE[0][1])  # the old unversioned schema
        conn.execute("INSERT INTO chat_prefs VALUES('k', 'en', NULL, 1.0)")
    store = SQLiteStore(data)
    try:
        assert store.schema_version() == LATEST
        assert store._read("SELECT lang FROM chat_prefs WHERE chat='k'") == [("en",)]
    finally:
        store.close()


def test_postgres_refuses_a_server_that_is_not_there() -> None:
    from bot.store.postgres import PostgresStore

    with pytest.raises(StoreError, match="cannot open the store at postgresql://127.0.0.1:9/x"):
        PostgresStore("postgresql://u:pw@127.0.0.1:9/x", timeout=1)


def test_postgres_never_shows_the_password_in_errors() -> None:
    from bot.store.postgres import PostgresStore

    with pytest.raises(StoreError) as error:
        PostgresStore("postgresql://u:s3cr3tpw@127.0.0.1:9/x", timeout=1)
    assert "s3cr3tpw" not in str(error.value)
