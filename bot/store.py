"""The state store: per-chat dialogue state and preferences, plus anonymous editor data.

SQLite (embedded, in BOT_DATA_DIR) behind a small interface, so a shared server can replace it
when several bot instances run behind a webhook.

Privacy by design (see docs/privacy.md):
- chats are keyed by a keyed hash (HMAC-SHA256 with a random per-installation salt kept in the
  database), never by the raw Telegram id; no names or usernames are ever stored;
- question logs and feedback carry no chat key at all;
- dialogue state is deleted when a flow ends, on /annulla and /cancellami, and purged when stale.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

DB_FILENAME = "conciliazione.sqlite3"
# Dialogue answers (pregnancy, income) of a flow left unfinished are purged after this long.
STATE_TTL_DAYS = 7
DEFAULT_RETENTION_DAYS = 180

SCHEMA = """
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
"""


class StoreError(RuntimeError):
    """The store could not read or write (locked, disk full, corrupted); nothing half-written."""


@dataclass(frozen=True)
class QuestionRecord:
    day: str
    text: str
    norm: str
    lang: str
    status: str
    entry: str | None
    score: float


class SQLiteStore:
    """Thread-safe SQLite store. One connection, serialised by a lock; WAL journal."""

    def __init__(
        self,
        data_dir: Path | str,
        *,
        retention_days: int = DEFAULT_RETENTION_DAYS,
        timeout: float = 5.0,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.retention_days = retention_days
        self.path = self.data_dir / DB_FILENAME
        self._lock = threading.Lock()
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            # Deleted rows are overwritten, not just unlinked (pregnancy and income answers).
            self._conn.execute("PRAGMA secure_delete=ON")
            self._conn.executescript(SCHEMA)
            self._salt = self._load_salt()
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the store in {self.data_dir}: {exc}") from exc

    # -- plumbing ---------------------------------------------------------------------------
    def _load_salt(self) -> bytes:
        row = self._conn.execute("SELECT value FROM meta WHERE key='salt'").fetchone()
        if row:
            return bytes.fromhex(row[0])
        salt = secrets.token_bytes(32)
        self._conn.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES('salt', ?)", (salt.hex(),)
        )
        row = self._conn.execute("SELECT value FROM meta WHERE key='salt'").fetchone()
        return bytes.fromhex(row[0])

    def chat_key(self, chat_id: int | str) -> str:
        """The pseudonymous key under which a chat's data is stored."""
        return hmac.new(self._salt, str(chat_id).encode(), hashlib.sha256).hexdigest()[:32]

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn
                    self._conn.execute("COMMIT")
                except BaseException:
                    # SQLite may have rolled back already (disk full); a failed COMMIT may not.
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise StoreError(str(exc)) from exc

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise StoreError(str(exc)) from exc

    def compact(self) -> bool:
        """Rewrite the file and empty the write-ahead log so deleted data is really gone.

        Returns False (and leaves data intact) when another connection keeps the file busy.
        """
        with self._lock:
            try:
                self._conn.execute("VACUUM")
                busy = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            except sqlite3.Error:
                return False
            return not busy

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @staticmethod
    def _today() -> str:
        return date.today().isoformat()

    # -- dialogue state ---------------------------------------------------------------------
    def get_state(self, chat_id: int | str) -> dict[str, Any] | None:
        rows = self._read("SELECT state FROM chat_state WHERE chat=?", (self.chat_key(chat_id),))
        if not rows:
            return None
        try:
            value = json.loads(rows[0][0])
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def set_state(self, chat_id: int | str, state: dict[str, Any]) -> None:
        payload = json.dumps(state, ensure_ascii=False)
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO chat_state(chat, state, updated_at) VALUES(?,?,?) "
                "ON CONFLICT(chat) DO UPDATE SET "
                "state=excluded.state, updated_at=excluded.updated_at",
                (self.chat_key(chat_id), payload, time.time()),
            )

    def update_state(self, chat_id: int | str, key: str, value: Any) -> None:
        """Set one feature's slot of the chat state (value None removes it; empty state is deleted).

        Each feature owns one key: "flow" (eligibility flows), "pending" (a question the bot
        asked and awaits a typed answer for, e.g. a feedback comment or a comune).
        """
        state = self.get_state(chat_id) or {}
        if value is None:
            state.pop(key, None)
        else:
            state[key] = value
        if state:
            self.set_state(chat_id, state)
        else:
            self.clear_state(chat_id)

    def clear_state(self, chat_id: int | str) -> None:
        with self._tx() as conn:
            conn.execute("DELETE FROM chat_state WHERE chat=?", (self.chat_key(chat_id),))

    # -- preferences --------------------------------------------------------------------------
    def get_prefs(self, chat_id: int | str) -> dict[str, str | None]:
        rows = self._read(
            "SELECT lang, comune FROM chat_prefs WHERE chat=?", (self.chat_key(chat_id),)
        )
        if not rows:
            return {"lang": None, "comune": None}
        return {"lang": rows[0][0], "comune": rows[0][1]}

    def set_pref(
        self, chat_id: int | str, *, lang: str | None = None, comune: str | None = None
    ) -> None:
        key = self.chat_key(chat_id)
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO chat_prefs(chat, lang, comune, updated_at) VALUES(?,?,?,?) "
                "ON CONFLICT(chat) DO UPDATE SET lang=COALESCE(excluded.lang, chat_prefs.lang), "
                "comune=COALESCE(excluded.comune, chat_prefs.comune), "
                "updated_at=excluded.updated_at",
                (key, lang, comune, time.time()),
            )

    def forget_chat(self, chat_id: int | str) -> None:
        """Delete everything stored under this chat (/cancellami), leaving no trace in the files."""
        key = self.chat_key(chat_id)
        with self._tx() as conn:
            conn.execute("DELETE FROM chat_state WHERE chat=?", (key,))
            conn.execute("DELETE FROM chat_prefs WHERE chat=?", (key,))
        self.compact()

    # -- anonymous editor data --------------------------------------------------------------
    def log_question(
        self, text: str, norm: str, lang: str, status: str, entry: str | None, score: float
    ) -> None:
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO questions(day, text, norm, lang, status, entry, score) "
                "VALUES(?,?,?,?,?,?,?)",
                (self._today(), text[:1000], norm[:1000], lang, status, entry, float(score)),
            )

    def questions(
        self, statuses: tuple[str, ...] = ("fallback", "clarify")
    ) -> list[QuestionRecord]:
        marks = ",".join("?" for _ in statuses)
        rows = self._read(
            f"SELECT day, text, norm, lang, status, entry, score FROM questions "
            f"WHERE status IN ({marks}) ORDER BY id",
            statuses,
        )
        return [QuestionRecord(*row) for row in rows]

    def add_feedback(self, entry: str, vote: int) -> int:
        with self._tx() as conn:
            cur = conn.execute(
                "INSERT INTO feedback(day, entry, vote) VALUES(?,?,?)", (self._today(), entry, vote)
            )
            return int(cur.lastrowid or 0)

    def set_feedback_comment(self, feedback_id: int, comment: str) -> None:
        with self._tx() as conn:
            conn.execute("UPDATE feedback SET comment=? WHERE id=?", (comment[:1000], feedback_id))

    def feedback_rows(self) -> list[tuple[str, str, int, str | None]]:
        return [
            tuple(r)
            for r in self._read("SELECT day, entry, vote, comment FROM feedback ORDER BY id")
        ]  # type: ignore[misc]

    def count_event(self, kind: str, key: str, n: int = 1) -> None:
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO events(day, kind, key, count) VALUES(?,?,?,?) "
                "ON CONFLICT(day, kind, key) DO UPDATE SET count=count+excluded.count",
                (self._today(), kind, key, n),
            )

    def events(self, kind: str | None = None) -> list[tuple[str, str, str, int]]:
        if kind is None:
            rows = self._read("SELECT day, kind, key, count FROM events ORDER BY day, kind, key")
        else:
            rows = self._read(
                "SELECT day, kind, key, count FROM events WHERE kind=? ORDER BY day, key", (kind,)
            )
        return [tuple(r) for r in rows]  # type: ignore[misc]

    def purge_expired(self, now: float | None = None) -> int:
        """Delete data past its retention. Returns the number of rows deleted."""
        now = time.time() if now is None else now
        cutoff_day = (date.fromtimestamp(now) - timedelta(days=self.retention_days)).isoformat()
        state_cutoff = now - STATE_TTL_DAYS * 86400
        prefs_cutoff = now - self.retention_days * 86400
        with self._tx() as conn:
            deleted = 0
            deleted += conn.execute("DELETE FROM questions WHERE day < ?", (cutoff_day,)).rowcount
            deleted += conn.execute("DELETE FROM feedback WHERE day < ?", (cutoff_day,)).rowcount
            deleted += conn.execute("DELETE FROM events WHERE day < ?", (cutoff_day,)).rowcount
            deleted += conn.execute(
                "DELETE FROM chat_state WHERE updated_at < ?", (state_cutoff,)
            ).rowcount
            deleted += conn.execute(
                "DELETE FROM chat_prefs WHERE updated_at < ?", (prefs_cutoff,)
            ).rowcount
        if deleted:
            self.compact()
        return deleted
