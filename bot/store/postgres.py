"""The PostgreSQL backend (DATABASE_URL): one database shared by several bot replicas.

psycopg 3 with a small connection pool (psycopg_pool). Autocommit, except where several
statements must hold together. Migrations run at start under an advisory lock, so replicas
starting together do not race. The per-installation salt of the chat keys lives in `meta`, as in
SQLite, so every replica computes the same keys.

Privacy: rows are deleted exactly as in SQLite; a background VACUUM (own connection) makes
their space reusable. See docs/privacy.md for what PostgreSQL does not promise on disk.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any, TypeVar

import psycopg
from psycopg_pool import AsyncConnectionPool, ConnectionPool, PoolTimeout

from bot.store.base import (
    DEFAULT_RETENTION_DAYS,
    QuestionRecord,
    StoreError,
    UpdateGate,
)
from bot.store.migrations import POSTGRES as MIGRATIONS
from bot.store.queries import QueryStore

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Connections this process keeps for the brain's store calls (they are short and sequential:
# the door calls the brain on its event loop, slow commands in a few worker threads).
POOL_MIN = 1
POOL_MAX = 6
# After the server was found unreachable, store calls fail at once for this long instead of each
# waiting for a connection: the brain runs on the door's event loop, which must keep flowing
# (every user gets the apology quickly) while the database is down. /readyz still probes.
FAIL_FAST_SECONDS = 1.0
# pg_advisory_xact_lock key under which migrations run (an arbitrary constant of this app).
MIGRATION_LOCK = 7_365_001


def redacted(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.Error:
        return "the DATABASE_URL"
    host, db = info.get("host", "localhost"), info.get("dbname", "")
    return f"postgresql://{host}:{info.get('port', 5432)}/{db}"


class PostgresStore(QueryStore):
    """Thread-safe PostgreSQL store over a small pool of autocommit connections."""

    PLACEHOLDER = "%s"

    def __init__(
        self,
        url: str,
        *,
        retention_days: int = DEFAULT_RETENTION_DAYS,
        timeout: float = 5.0,
        pool_max: int = POOL_MAX,
    ) -> None:
        super().__init__()
        self.url = url
        self.retention_days = retention_days
        self._timeout = timeout
        self._down_until = 0.0
        connect_timeout = max(1, int(timeout))
        self._pool = ConnectionPool(
            url,
            min_size=POOL_MIN,
            max_size=pool_max,
            timeout=timeout,
            open=False,
            kwargs={"autocommit": True, "connect_timeout": connect_timeout},
            name="store",
            # A connection that broke while idle (database restarted) is replaced, not used.
            reconnect_timeout=24 * 3600,
        )
        try:
            self._pool.open(wait=True, timeout=timeout)
            self._migrate()
            self._salt = self._load_salt()
        except (psycopg.Error, StoreError) as exc:
            self._pool.close()
            raise StoreError(f"cannot open the store at {redacted(url)}: {exc}") from exc

    # -- plumbing ---------------------------------------------------------------------------
    @contextmanager
    def _conn(self, probe: bool = False) -> Iterator[psycopg.Connection[Any]]:
        if not probe and time.monotonic() < self._down_until:
            raise self._failed(StoreError("the database was unreachable a moment ago"))
        try:
            with self._pool.connection(timeout=self._timeout) as conn:
                yield conn
        except psycopg.Error as exc:
            if isinstance(exc, psycopg.OperationalError):
                self._down_until = time.monotonic() + FAIL_FAST_SECONDS
                # The server went away: drop the other idle connections too, they are dead.
                self._pool.check()
            raise self._failed(exc) from exc
        self._down_until = 0.0

    @contextmanager
    def _tx(self) -> Iterator[psycopg.Connection[Any]]:
        with self._conn() as conn, conn.transaction():
            yield conn

    def _run(self, work: Callable[[psycopg.Connection[Any]], T], probe: bool = False) -> T:
        """`work` on a pooled connection; once more on a fresh one if that one was dead."""
        if not probe and time.monotonic() < self._down_until:
            raise self._failed(StoreError("the database was unreachable a moment ago"))
        for attempt in (1, 2):
            try:
                with self._pool.connection(timeout=self._timeout) as conn:
                    result = work(conn)
            except PoolTimeout as exc:
                self._down_until = time.monotonic() + FAIL_FAST_SECONDS
                raise self._failed(exc) from exc
            except psycopg.OperationalError as exc:
                # Idle connections die with a server restart and fail on first use: drop the
                # dead ones and try again on a fresh one, before telling the user anything.
                self._pool.check()
                if attempt == 2:
                    self._down_until = time.monotonic() + FAIL_FAST_SECONDS
                    raise self._failed(exc) from exc
            except psycopg.Error as exc:
                raise self._failed(exc) from exc
            else:
                self._down_until = 0.0
                return result
        raise AssertionError("unreachable")

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self._run(lambda conn: conn.execute(sql, params).fetchall())

    def _write(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        return self._run(lambda conn: conn.execute(sql, params).rowcount)

    def _migrate(self) -> None:
        with self._tx() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            conn.execute(
                "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
            )
            current = self._version(conn)
            for version, sql in MIGRATIONS:
                if version > current:
                    conn.execute(sql)  # type: ignore[arg-type]
                    conn.execute(
                        "INSERT INTO meta(key, value) VALUES('schema_version', %s) "
                        "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                        (str(version),),
                    )

    @staticmethod
    def _version(conn: psycopg.Connection[Any]) -> int:
        row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(row[0]) if row else 0

    def schema_version(self) -> int:
        with self._conn() as conn:
            return self._version(conn)

    def _load_salt(self) -> bytes:
        with self._conn() as conn:
            conn.execute(
                "INSERT INTO meta(key, value) VALUES('salt', %s) ON CONFLICT(key) DO NOTHING",
                (secrets.token_bytes(32).hex(),),
            )
            row = conn.execute("SELECT value FROM meta WHERE key='salt'").fetchone()
        if row is None:
            raise StoreError("the salt of the chat keys could not be stored")
        return bytes.fromhex(row[0])

    def ping(self) -> None:
        self._run(lambda conn: conn.execute("SELECT 1"), probe=True)

    def compact(self) -> bool:
        """VACUUM the per-chat tables on a connection of its own (never one the chats use)."""
        try:
            with psycopg.connect(
                self.url, autocommit=True, connect_timeout=max(1, int(self._timeout))
            ) as conn:
                conn.execute("VACUUM chat_state, chat_prefs")
        except psycopg.Error:
            return False
        self.compactions += 1
        return True

    def close(self) -> None:
        self.wait_for_maintenance(timeout=30)
        self._pool.close()

    # -- what PostgreSQL says differently -----------------------------------------------------
    def questions(
        self, statuses: tuple[str, ...] = ("fallback", "clarify")
    ) -> list[QuestionRecord]:
        rows = self._read(
            "SELECT day, text, norm, lang, status, entry, score FROM questions "
            "WHERE status = ANY(%s) ORDER BY id",
            (list(statuses),),
        )
        return [QuestionRecord(*row) for row in rows]

    def add_feedback(self, entry: str, vote: int) -> int:
        rows = self._read(
            "INSERT INTO feedback(day, entry, vote) VALUES(%s,%s,%s) RETURNING id",
            (self._today(), entry, vote),
        )
        return int(rows[0][0])

    # -- answered updates ---------------------------------------------------------------------
    def update_gate(self) -> UpdateGate:
        return PostgresUpdateGate(self)


def chat_lock_id(chat_key: str) -> int:
    """The advisory lock number of a chat: from its keyed hash, so pg_locks names nobody."""
    return int.from_bytes(bytes.fromhex(chat_key[:16]), "big", signed=True)


class PostgresUpdateGate:
    """Replicas behind one webhook: a transaction per update holds the chat's advisory lock.

    The transaction (on a connection of its own, from an async pool opened in the server's
    event loop) takes `pg_advisory_xact_lock(chat)` and inserts the update's row in
    `answered_updates`; it commits once the update is handled, which releases the lock. A
    replica killed mid-update loses its connection: PostgreSQL rolls back and releases the
    lock, and Telegram's re-delivery (no 200 was sent) is answered by whichever replica gets it.
    """

    def __init__(self, store: PostgresStore, max_size: int = 20) -> None:
        self._store = store
        self._max_size = max_size
        self._pool: AsyncConnectionPool | None = None

    async def open(self) -> None:
        self._pool = AsyncConnectionPool(
            self._store.url,
            min_size=2,
            max_size=self._max_size,
            # The server bounds updates in flight below max_size: waiting here means the
            # database is slow or down, and the update is then answered unguarded.
            timeout=max(5.0, self._store._timeout),
            open=False,
            kwargs={"autocommit": True, "connect_timeout": max(1, int(self._store._timeout))},
            name="update gate",
            reconnect_timeout=24 * 3600,
        )
        await self._pool.open(wait=False)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()

    @asynccontextmanager
    async def claim(self, update_id: int, chat_id: int | str | None) -> AsyncIterator[bool]:
        """One transaction per update: BEGIN, the chat's lock, the update's row; then COMMIT.

        The row is inserted first, ON CONFLICT DO NOTHING: a replica handling the same update
        holds that row uncommitted, so the insert waits for it and then finds the update
        answered (committed) or free again (rolled back: that replica failed or died). The
        three statements go in one round trip (a pipeline); the COMMIT is the second.
        """
        assert self._pool is not None, "open() first"
        for attempt in (1, 2):
            stack = contextlib.AsyncExitStack()
            try:
                if time.monotonic() < self._store._down_until:
                    raise PoolTimeout("the database was unreachable a moment ago")
                conn = await stack.enter_async_context(self._pool.connection())
                async with conn.pipeline():
                    await conn.execute("BEGIN")
                    if chat_id is not None:
                        lock = chat_lock_id(self._store.chat_key(chat_id))
                        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock,))
                    cursor = await conn.execute(
                        "INSERT INTO answered_updates(update_id, answered_at) VALUES(%s,%s) "
                        "ON CONFLICT DO NOTHING RETURNING 1",
                        (update_id, time.time()),
                    )
                fresh = await cursor.fetchone() is not None
                break
            except psycopg.Error as exc:
                with contextlib.suppress(Exception):
                    await stack.aclose()  # a connection left in a transaction is rolled back
                if attempt == 1 and not isinstance(exc, PoolTimeout):
                    await self._pool.check()  # a connection that died idle: try a fresh one
                    continue
                self._store._failed(exc)
                self._store._down_until = time.monotonic() + FAIL_FAST_SECONDS
                yield True  # unguarded: the brain will apologise if the store is still down
                return
        async with stack:
            try:
                yield fresh
            except BaseException:
                with contextlib.suppress(psycopg.Error):
                    await conn.execute("ROLLBACK")  # not answered: the re-delivery will be
                raise
            try:
                await conn.execute("COMMIT")
            except psycopg.Error as exc:  # the replies went out; only the record is missing
                self._store._failed(exc)
                logger.warning("update %d answered but not recorded", update_id)


__all__ = ["PostgresStore", "PostgresUpdateGate", "StoreError", "redacted"]
