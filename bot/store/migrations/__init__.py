"""Versioned schema migrations, applied in order at start; the version lives in `meta`.

Append a migration, never edit one that has shipped: a database records the highest version
applied (`meta.schema_version`) and gets only the newer ones. Migration 1 of SQLite is written
with IF NOT EXISTS so that databases made before versioning are adopted as they are.
"""

from __future__ import annotations

Migration = tuple[int, str]

SQLITE: tuple[Migration, ...] = (
    (
        1,
        """
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS chat_state (
            chat TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at REAL NOT NULL);
        CREATE TABLE IF NOT EXISTS chat_prefs (
            chat TEXT PRIMARY KEY, lang TEXT, comune TEXT, updated_at REAL NOT NULL);
        CREATE TABLE IF NOT EXISTS questions (
            id INTEGER PRIMARY KEY AUTOINCREMENT, day TEXT NOT NULL, text TEXT NOT NULL,
            norm TEXT NOT NULL, lang TEXT NOT NULL, status TEXT NOT NULL,
            entry TEXT, score REAL NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS feedback (
            id INTEGER PRIMARY KEY AUTOINCREMENT, day TEXT NOT NULL, entry TEXT NOT NULL,
            vote INTEGER NOT NULL, comment TEXT);
        CREATE TABLE IF NOT EXISTS events (
            day TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, count INTEGER NOT NULL,
            PRIMARY KEY (day, kind, key));
        CREATE INDEX IF NOT EXISTS questions_day ON questions(day);
        CREATE INDEX IF NOT EXISTS feedback_day ON feedback(day);
        """,
    ),
    (
        2,
        """
        CREATE TABLE IF NOT EXISTS answered_updates (
            update_id INTEGER PRIMARY KEY, answered_at REAL NOT NULL);
        """,
    ),
)

POSTGRES: tuple[Migration, ...] = (
    (
        1,
        """
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE chat_state (
            chat TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at DOUBLE PRECISION NOT NULL);
        CREATE TABLE chat_prefs (
            chat TEXT PRIMARY KEY, lang TEXT, comune TEXT,
            updated_at DOUBLE PRECISION NOT NULL);
        CREATE TABLE questions (
            id BIGSERIAL PRIMARY KEY, day TEXT NOT NULL, text TEXT NOT NULL,
            norm TEXT NOT NULL, lang TEXT NOT NULL, status TEXT NOT NULL,
            entry TEXT, score DOUBLE PRECISION NOT NULL DEFAULT 0);
        CREATE TABLE feedback (
            id BIGSERIAL PRIMARY KEY, day TEXT NOT NULL, entry TEXT NOT NULL,
            vote INTEGER NOT NULL, comment TEXT);
        CREATE TABLE events (
            day TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, count BIGINT NOT NULL,
            PRIMARY KEY (day, kind, key));
        CREATE INDEX questions_day ON questions(day);
        CREATE INDEX feedback_day ON feedback(day);
        """,
    ),
    (
        2,
        """
        CREATE TABLE answered_updates (
            update_id BIGINT PRIMARY KEY, answered_at DOUBLE PRECISION NOT NULL);
        """,
    ),
)

LATEST = max(version for version, _ in SQLITE)
assert LATEST == max(version for version, _ in POSTGRES), "both backends share version numbers"
