"""The embedded SQLite backend (the default): one file in BOT_DATA_DIR.

Privacy by design (see docs/privacy.md):
- chats are keyed by a keyed hash (HMAC-SHA256 with a random per-installation salt kept in the
  database), never by the raw Telegram id; no names or usernames are ever stored;
- question logs and feedback carry no chat key at all;
- dialogue state is deleted when a flow ends, on /annulla and /cancellami, and purged when stale;
- deleted rows are overwritten in place (secure_delete), and a background checkpoint empties
  the write-ahead log after /cancellami, so what was deleted is gone from the files.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot.store.base import (
    DEFAULT_RETENTION_DAYS,
    QuestionRecord,
    StoreError,
)
from bot.store.migrations import SQLITE as MIGRATIONS
from bot.store.queries import QueryStore

DB_FILENAME = "conciliazione.sqlite3"


class SQLiteStore(QueryStore):
    """Thread-safe SQLite store. One connection, serialised by a lock; WAL journal.

    Disk maintenance (the checkpoint after /cancellami, VACUUM after a purge) runs in a
    background thread on a connection of its own and never takes the lock the chats wait on.
    """

    def __init__(
        self,
        data_dir: Path | str,
        *,
        retention_days: int = DEFAULT_RETENTION_DAYS,
        timeout: float = 5.0,
    ) -> None:
        super().__init__()
        self.data_dir = Path(data_dir)
        self.retention_days = retention_days
        self.path = self.data_dir / DB_FILENAME
        self._timeout = timeout
        self._lock = threading.Lock()
        self._vacuum_wanted = False
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            # Deleted rows are overwritten, not just unlinked (pregnancy and income answers).
            self._conn.execute("PRAGMA secure_delete=ON")
            self._migrate()
            self._salt = self._load_salt()
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the store in {self.data_dir}: {exc}") from exc

    # -- plumbing ---------------------------------------------------------------------------
    def _migrate(self) -> None:
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
        )
        for version, sql in MIGRATIONS:
            if version <= self.schema_version():
                continue
            # One script, one transaction: a migration is applied whole or not at all.
            self._conn.executescript(
                f"BEGIN IMMEDIATE; {sql}; "
                f"INSERT INTO meta(key, value) VALUES('schema_version', '{version}') "
                f"ON CONFLICT(key) DO UPDATE SET value=excluded.value; COMMIT;"
            )

    def schema_version(self) -> int:
        row = self._conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(row[0]) if row else 0

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
                raise self._failed(exc) from exc

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise self._failed(exc) from exc

    def _write(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        # What `with self._tx() as conn: return conn.execute(...).rowcount` does, written out:
        # a message makes 2-4 writes, and the generator's context manager costs each a few us.
        with self._lock:
            conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    touched = int(conn.execute(sql, params).rowcount)
                    conn.execute("COMMIT")
                except BaseException:
                    # SQLite may have rolled back already (disk full); a failed COMMIT may not.
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise self._failed(exc) from exc
        return touched

    def ping(self) -> None:
        self._read("SELECT 1")

    def compact(self) -> bool:
        """Empty the write-ahead log (and VACUUM after a purge) so deleted data is really gone.

        Deleted rows are already zeroed in the database file (secure_delete); older copies of
        their pages may still sit in the write-ahead log, which TRUNCATE checkpoints and empties.
        Runs on its own connection: the chats' lock is never held. Returns False (data intact)
        when another connection keeps the file busy.
        """
        vacuum, self._vacuum_wanted = self._vacuum_wanted, False
        try:
            conn = sqlite3.connect(self.path, timeout=self._timeout, isolation_level=None)
        except sqlite3.Error:
            return False
        try:
            conn.execute("PRAGMA secure_delete=ON")
            if vacuum:
                conn.execute("VACUUM")
            # PASSIVE first: it copies the log into the file without stopping the writers,
            # so the TRUNCATE that must stop them briefly has little left to do.
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        except sqlite3.Error:
            return False
        finally:
            conn.close()
        self.compactions += 1
        return not busy

    def close(self) -> None:
        self.wait_for_maintenance(timeout=30)
        with self._lock:
            self._conn.close()

    def _after_purge(self) -> None:
        self._vacuum_wanted = True  # also give the freed pages back to the file system
        super()._after_purge()

    # -- what SQLite says differently ---------------------------------------------------------
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
