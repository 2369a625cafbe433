"""The queries both backends share, written once.

SQLite (3.35+) and PostgreSQL accept the same SQL for everything here (upserts with
`ON CONFLICT`, `excluded.`); only the parameter placeholder differs, so the statements are
written with `?` and a backend that uses another placeholder sets `PLACEHOLDER`. A backend
gives `_read`, `_write` and `_tx` (a transaction whose connection has `execute(sql, params)`);
what truly differs (the `IN` list of `questions`, the id of a new feedback row, migrations,
compaction) stays in the backend.
"""

from __future__ import annotations

import json
import time
from abc import abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import date, timedelta
from typing import Any

from bot.store.base import STATE_TTL_DAYS, UPDATE_TTL_DAYS, Store

# What a retention purge deletes: (table, column compared, which cut-off).
PURGED = (
    ("questions", "day", "day"),
    ("feedback", "day", "day"),
    ("events", "day", "day"),
    ("chat_state", "updated_at", "state"),
    ("chat_prefs", "updated_at", "prefs"),
)


class QueryStore(Store):
    """A store whose rows live in SQL tables (the schema of bot/store/migrations)."""

    PLACEHOLDER = "?"

    @abstractmethod
    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]: ...

    @abstractmethod
    def _write(self, sql: str, params: tuple[Any, ...] = ()) -> int: ...

    @abstractmethod
    def _tx(self) -> AbstractContextManager[Any]: ...

    def _sql(self, sql: str) -> str:
        return sql if self.PLACEHOLDER == "?" else sql.replace("?", self.PLACEHOLDER)

    def _get(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self._read(self._sql(sql), params)

    def _set(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        return self._write(self._sql(sql), params)

    def _in_tx(self, statements: Iterator[tuple[str, tuple[Any, ...]]]) -> int:
        """Run statements in one transaction; the rows they touched."""
        touched = 0
        with self._tx() as conn:
            for sql, params in statements:
                touched += conn.execute(self._sql(sql), params).rowcount
        return touched

    @staticmethod
    def _today() -> str:
        return date.today().isoformat()

    # -- dialogue state ---------------------------------------------------------------------
    def get_state(self, chat_id: int | str) -> dict[str, Any] | None:
        rows = self._get("SELECT state FROM chat_state WHERE chat=?", (self.chat_key(chat_id),))
        if not rows:
            return None
        try:
            value = json.loads(rows[0][0])
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def set_state(self, chat_id: int | str, state: dict[str, Any]) -> None:
        payload = json.dumps(state, ensure_ascii=False)
        self._set(
            "INSERT INTO chat_state(chat, state, updated_at) VALUES(?,?,?) "
            "ON CONFLICT(chat) DO UPDATE SET state=excluded.state, updated_at=excluded.updated_at",
            (self.chat_key(chat_id), payload, time.time()),
        )

    def clear_state(self, chat_id: int | str) -> None:
        self._set("DELETE FROM chat_state WHERE chat=?", (self.chat_key(chat_id),))

    # -- preferences --------------------------------------------------------------------------
    def get_prefs(self, chat_id: int | str) -> dict[str, str | None]:
        rows = self._get(
            "SELECT lang, comune FROM chat_prefs WHERE chat=?", (self.chat_key(chat_id),)
        )
        if not rows:
            return {"lang": None, "comune": None}
        return {"lang": rows[0][0], "comune": rows[0][1]}

    def set_pref(
        self, chat_id: int | str, *, lang: str | None = None, comune: str | None = None
    ) -> None:
        self._set(
            "INSERT INTO chat_prefs(chat, lang, comune, updated_at) VALUES(?,?,?,?) "
            "ON CONFLICT(chat) DO UPDATE SET lang=COALESCE(excluded.lang, chat_prefs.lang), "
            "comune=COALESCE(excluded.comune, chat_prefs.comune), updated_at=excluded.updated_at",
            (self.chat_key(chat_id), lang, comune, time.time()),
        )

    def delete_chat_rows(self, chat_id: int | str) -> None:
        key = (self.chat_key(chat_id),)
        self._in_tx(
            iter(
                (
                    ("DELETE FROM chat_state WHERE chat=?", key),
                    ("DELETE FROM chat_prefs WHERE chat=?", key),
                )
            )
        )

    # -- anonymous editor data --------------------------------------------------------------
    def log_question(
        self, text: str, norm: str, lang: str, status: str, entry: str | None, score: float
    ) -> None:
        self._set(
            "INSERT INTO questions(day, text, norm, lang, status, entry, score) "
            "VALUES(?,?,?,?,?,?,?)",
            (self._today(), text[:1000], norm[:1000], lang, status, entry, float(score)),
        )

    def set_feedback_comment(self, feedback_id: int, comment: str) -> None:
        self._set("UPDATE feedback SET comment=? WHERE id=?", (comment[:1000], feedback_id))

    def feedback_rows(self) -> list[tuple[str, str, int, str | None]]:
        rows = self._get("SELECT day, entry, vote, comment FROM feedback ORDER BY id")
        return [(d, e, int(v), c) for d, e, v, c in rows]

    def count_event(self, kind: str, key: str, n: int = 1) -> None:
        self._set(
            "INSERT INTO events(day, kind, key, count) VALUES(?,?,?,?) "
            "ON CONFLICT(day, kind, key) DO UPDATE SET count=events.count+excluded.count",
            (self._today(), kind, key, n),
        )

    def events(self, kind: str | None = None) -> list[tuple[str, str, str, int]]:
        if kind is None:
            rows = self._get("SELECT day, kind, key, count FROM events ORDER BY day, kind, key")
        else:
            rows = self._get(
                "SELECT day, kind, key, count FROM events WHERE kind=? ORDER BY day, key", (kind,)
            )
        return [(d, k, key, int(c)) for d, k, key, c in rows]

    def purge_expired(self, now: float | None = None) -> int:
        """Delete data past its retention. Returns the number of rows deleted."""
        now = time.time() if now is None else now
        cutoffs = {
            "day": (date.fromtimestamp(now) - timedelta(days=self.retention_days)).isoformat(),
            "state": now - STATE_TTL_DAYS * 86400,
            "prefs": now - self.retention_days * 86400,
        }
        deleted = self._in_tx(
            (f"DELETE FROM {table} WHERE {column} < ?", (cutoffs[which],))
            for table, column, which in PURGED
        )
        self._set(
            "DELETE FROM answered_updates WHERE answered_at < ?", (now - UPDATE_TTL_DAYS * 86400,)
        )
        if deleted:
            self._after_purge()
        return deleted

    def _after_purge(self) -> None:
        """Rows were deleted: make their space reusable, in the background."""
        self.request_compaction()

    # -- answered updates ---------------------------------------------------------------------
    def update_done(self, update_id: int) -> bool:
        return bool(self._get("SELECT 1 FROM answered_updates WHERE update_id=?", (update_id,)))

    def mark_update_done(self, update_id: int) -> None:
        self._set(
            "INSERT INTO answered_updates(update_id, answered_at) VALUES(?,?) "
            "ON CONFLICT DO NOTHING",
            (update_id, time.time()),
        )
