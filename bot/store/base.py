"""What every store backend offers, and what they share: keyed hashes, state slots, maintenance.

Two backends implement `Store`: `SQLiteStore` (embedded, the default) and `PostgresStore`
(shared by several bot replicas behind one webhook, when DATABASE_URL is set).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # asyncio is imported by the doors that hold chat locks, not by `ask`
    import asyncio

logger = logging.getLogger(__name__)

# Dialogue answers (pregnancy, income) of a flow left unfinished are purged after this long.
STATE_TTL_DAYS = 7
DEFAULT_RETENTION_DAYS = 180
# Update ids answered by the webhook are remembered this long: Telegram stops re-delivering an
# update well before (it gives up after some hours).
UPDATE_TTL_DAYS = 2


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


class Store(ABC):
    """Per-chat dialogue state and preferences, anonymous editor data, answered update ids."""

    retention_days: int
    _salt: bytes

    def __init__(self) -> None:
        # Failed operations since start (the /metrics endpoint exports it).
        self.errors = 0
        self._last_key: tuple[str, bytes, str] | None = None  # (chat id, salt, chat_key)
        # Disk maintenance runs done (see request_compaction).
        self.compactions = 0
        self._maintenance_lock = threading.Lock()
        self._maintenance_wanted = False
        self._maintenance_thread: threading.Thread | None = None
        self._maintenance_idle = threading.Event()
        self._maintenance_idle.set()

    # -- keyed hashes -------------------------------------------------------------------------
    def chat_key(self, chat_id: int | str) -> str:
        """The pseudonymous key under which a chat's data is stored.

        The last chat's key is remembered: one message asks for it 4-5 times (state, prefs,
        the check), and an HMAC costs more than the look-up. One tuple, replaced whole, so
        threads never see a key paired with another chat."""
        name = str(chat_id)
        last = self._last_key
        if last is not None and last[0] == name and last[1] == self._salt:
            return last[2]
        key = hmac.new(self._salt, name.encode(), hashlib.sha256).hexdigest()[:32]
        self._last_key = (name, self._salt, key)
        return key

    def _failed(self, exc: BaseException) -> StoreError:
        self.errors += 1
        return StoreError(str(exc) or type(exc).__name__)

    # -- dialogue state -------------------------------------------------------------------------
    @abstractmethod
    def get_state(self, chat_id: int | str) -> dict[str, Any] | None: ...

    @abstractmethod
    def set_state(self, chat_id: int | str, state: dict[str, Any]) -> None: ...

    @abstractmethod
    def clear_state(self, chat_id: int | str) -> None: ...

    def update_state(self, chat_id: int | str, key: str, value: Any) -> None:
        """Set one feature's slot of the chat state (value None removes it; empty state is deleted).

        Each feature owns one key: "flow" (eligibility flows), "pending" (a question the bot
        asked and awaits a typed answer for, e.g. a feedback comment or a comune). Updates of
        one chat are serialised by the door (and across replicas by `UpdateGate`), so this
        read-modify-write needs no transaction of its own.
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

    # -- preferences ------------------------------------------------------------------------------
    @abstractmethod
    def get_prefs(self, chat_id: int | str) -> dict[str, str | None]: ...

    @abstractmethod
    def set_pref(
        self, chat_id: int | str, *, lang: str | None = None, comune: str | None = None
    ) -> None: ...

    @abstractmethod
    def delete_chat_rows(self, chat_id: int | str) -> None:
        """Delete the chat's state and preferences in one transaction."""

    def forget_chat(self, chat_id: int | str) -> None:
        """Delete everything stored under this chat (/cancellami); the disk is scrubbed after.

        The scrub (see `compact`) runs in a background thread with its own connection, so
        other chats never wait for it.
        """
        self.delete_chat_rows(chat_id)
        self.request_compaction()

    # -- anonymous editor data ------------------------------------------------------------------
    @abstractmethod
    def log_question(
        self, text: str, norm: str, lang: str, status: str, entry: str | None, score: float
    ) -> None: ...

    @abstractmethod
    def questions(
        self, statuses: tuple[str, ...] = ("fallback", "clarify")
    ) -> list[QuestionRecord]: ...

    @abstractmethod
    def add_feedback(self, entry: str, vote: int) -> int: ...

    @abstractmethod
    def set_feedback_comment(self, feedback_id: int, comment: str) -> None: ...

    @abstractmethod
    def feedback_rows(self) -> list[tuple[str, str, int, str | None]]: ...

    @abstractmethod
    def count_event(self, kind: str, key: str, n: int = 1) -> None: ...

    @abstractmethod
    def events(self, kind: str | None = None) -> list[tuple[str, str, str, int]]: ...

    @abstractmethod
    def purge_expired(self, now: float | None = None) -> int:
        """Delete data past its retention. Returns the number of rows deleted."""

    # -- answered updates (webhook re-deliveries) ---------------------------------------------
    @abstractmethod
    def update_done(self, update_id: int) -> bool:
        """Whether this Telegram update was already answered."""

    @abstractmethod
    def mark_update_done(self, update_id: int) -> None: ...

    # -- health -----------------------------------------------------------------------------------
    @abstractmethod
    def ping(self) -> None:
        """Raise StoreError unless the store answers now."""

    @abstractmethod
    def schema_version(self) -> int: ...

    # -- disk maintenance -------------------------------------------------------------------------
    @abstractmethod
    def compact(self) -> bool:
        """Scrub deleted data from the disk, on a connection of its own. False when it could not."""

    def request_compaction(self) -> None:
        """Run `compact` soon in a background thread; requests made meanwhile are merged."""
        with self._maintenance_lock:
            self._maintenance_wanted = True
            self._maintenance_idle.clear()
            if self._maintenance_thread is None:
                self._maintenance_thread = threading.Thread(
                    target=self._maintain, name="store maintenance", daemon=True
                )
                self._maintenance_thread.start()

    def _maintain(self) -> None:
        while True:
            with self._maintenance_lock:
                if not self._maintenance_wanted:
                    self._maintenance_thread = None
                    self._maintenance_idle.set()
                    return
                self._maintenance_wanted = False
            try:
                if not self.compact():
                    logger.warning("disk maintenance skipped: the database is busy")
            except Exception:  # a background thread must not die silently
                logger.exception("disk maintenance failed")

    def wait_for_maintenance(self, timeout: float | None = None) -> bool:
        """Block until no disk maintenance is pending or running (tests, shutdown)."""
        return self._maintenance_idle.wait(timeout)

    @abstractmethod
    def close(self) -> None: ...

    def update_gate(self) -> UpdateGate:
        """What the webhook server passes each update through (see UpdateGate)."""
        return LocalUpdateGate(self)


class UpdateGate(Protocol):
    """Per-chat ordering across processes and "answer each update once", for the webhook.

    `claim(update_id, chat_id)` is entered once per delivered update, after the door's own
    per-chat lock, and holds until the update is handled: it yields True when the update must
    be answered, False when it was answered already (a re-delivery). Leaving it normally
    records the update as answered; leaving it with an exception records nothing, so the
    re-delivery that follows is answered. When the store is down it yields True unguarded:
    the brain then apologises, and nothing is lost.
    """

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    def claim(
        self, update_id: int, chat_id: int | str | None
    ) -> AbstractAsyncContextManager[bool]: ...


class LocalUpdateGate:
    """One process (SQLite): the door's per-chat lock orders the chat; ids are kept in the store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def open(self) -> None:
        """Nothing to open."""

    async def close(self) -> None:
        """Nothing to close."""

    @asynccontextmanager
    async def claim(self, update_id: int, chat_id: int | str | None) -> AsyncIterator[bool]:
        try:
            done = self._store.update_done(update_id)
        except StoreError:
            done = False
        if done:
            yield False
            return
        yield True
        try:
            self._store.mark_update_done(update_id)
        except StoreError:
            logger.warning("update %d answered but not recorded (store unavailable)", update_id)


class ChatLocks:
    """One asyncio lock per active chat, first come first served; idle chats are forgotten."""

    def __init__(self) -> None:
        self._locks: dict[Any, asyncio.Lock] = {}
        self._users: dict[Any, int] = {}

    @asynccontextmanager
    async def hold(self, chat: Any) -> AsyncIterator[None]:
        if chat is None:
            yield
            return
        import asyncio

        lock = self._locks.setdefault(chat, asyncio.Lock())
        self._users[chat] = self._users.get(chat, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[chat] -= 1
            if not self._users[chat]:
                del self._users[chat], self._locks[chat]
