"""Disk maintenance never stalls the other chats: /cancellami scrubs the disk in the background.

The store's lock (the one every chat's read and write takes) is never held through disk work:
the scrub runs in a thread on its own connection, once per /cancellami. Measured here on a
store with a realistic amount of data (months of logged questions), with generous margins.
"""

from __future__ import annotations

import statistics
import threading
import time
from pathlib import Path

import pytest

from bot.brain import Brain
from bot.chat import ChatContext
from bot.store import SQLiteStore
from tests.loadgen import percentile
from tests.support import real_kb

OTHERS = [f"other-{n}" for n in range(40)]
QUESTIONS = ["quanto dà il fondo nasko?", "cos'è il fondo cresco?", "a chi mi rivolgo a Lodi?"]
ROWS = 30_000  # about six months of unanswered questions of a busy installation
P95_LIMIT_MS = 50.0
ROUNDS = 20


def fill(store: SQLiteStore) -> None:
    rows = [
        ("2026-06-01", f"domanda numero {n} " + "x" * 120, f"domand {n}", "it", "fallback", None, 0)
        for n in range(ROWS)
    ]
    with store._lock:
        store._conn.execute("BEGIN")
        store._conn.executemany(
            "INSERT INTO questions(day, text, norm, lang, status, entry, score) "
            "VALUES(?,?,?,?,?,?,?)",
            rows,
        )
        store._conn.execute("COMMIT")


class OtherChats:
    """Forty other chats writing in a thread; their messages timed against busy windows."""

    def __init__(self, brain: Brain) -> None:
        self.brain = brain
        self.samples: list[tuple[float, float]] = []  # (start, seconds) of each message
        self.windows: list[tuple[float, float]] = []  # when the maintenance ran
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._write, daemon=True)

    def _write(self) -> None:
        n = 0
        while not self._stop.is_set():
            chat = ChatContext(chat_id=OTHERS[n % len(OTHERS)], user_lang="it")
            started = time.perf_counter()
            self.brain.handle_text(chat, QUESTIONS[n % len(QUESTIONS)])
            self.samples.append((started, time.perf_counter() - started))
            n += 1
            time.sleep(0.002)  # a door's other work between messages

    def __enter__(self) -> OtherChats:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)

    def split(self) -> tuple[list[float], list[float]]:
        """The seconds of the messages that overlapped a window, and of the others."""
        during, calm = [], []
        for started, seconds in self.samples:
            busy = any(a <= started + seconds and started <= b for a, b in self.windows)
            (during if busy else calm).append(seconds)
        return during, calm


def test_other_chats_keep_flowing_while_cancellami_scrubs_the_disk(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "data")
    fill(store)
    brain = Brain(real_kb(), store)
    with OtherChats(brain) as others:
        time.sleep(0.5)
        for round_ in range(ROUNDS):
            user = ChatContext(chat_id=f"leaver-{round_}", user_lang="it")
            brain.handle_command(user, "lingua", "en")
            brain.handle_command(user, "verifica", "nasko")
            before = store.compactions
            started = time.perf_counter()
            [done] = brain.handle_button(user, "x:forget")
            assert store.wait_for_maintenance(timeout=60)
            others.windows.append((started, time.perf_counter()))
            assert store.compactions == before + 1, "exactly one disk scrub per /cancellami"
            assert done.status == "info" and store.get_prefs(user.chat_id)["lang"] is None
            time.sleep(0.05)
    during, calm = others.split()
    brain.close()
    assert len(during) >= ROUNDS, f"too few messages measured during the scrubs ({len(during)})"
    p95 = 1000 * percentile(during, 95)
    print(
        f"\n[maintenance] other chats during /cancellami: {len(during)} messages, "
        f"p50 {1000 * statistics.median(during):.1f} ms, p95 {p95:.1f} ms "
        f"(the others p95 {1000 * percentile(calm, 95):.1f} ms)"
    )
    assert p95 < P95_LIMIT_MS, f"p95 {p95:.1f} ms while /cancellami ran"


def test_the_scrub_does_not_take_the_chats_lock(tmp_path: Path) -> None:
    """Even with the store's lock held by a chat, the background scrub completes."""
    store = SQLiteStore(tmp_path / "data")
    store.set_pref(2, lang="en")
    store.delete_chat_rows(2)
    with store._lock:  # a chat's store call in progress
        store.request_compaction()  # what forget_chat does after deleting the rows
        assert store.wait_for_maintenance(timeout=30), "the scrub waited for the chats' lock"
    assert store.compactions == 1
    store.close()


@pytest.mark.slow  # three rebuilds of the knowledge base from YAML
def test_other_chats_keep_flowing_while_reload_rebuilds_the_knowledge(tmp_path: Path) -> None:
    brain = Brain(real_kb(), SQLiteStore(tmp_path / "data"))
    admin = ChatContext(chat_id="editor", user_lang="it", is_admin=True)
    with OtherChats(brain) as others:
        time.sleep(0.3)
        for _ in range(3):
            started = time.perf_counter()
            [done] = brain.handle_command(admin, "reload")  # the door runs it in a thread too
            others.windows.append((started, time.perf_counter()))
            assert done.status == "info"
            time.sleep(0.3)  # calm samples between the reloads, under the same machine load
    during, calm_samples = others.split()
    brain.close()
    assert len(during) >= 10, f"too few messages measured during the reloads ({len(during)})"
    p95 = 1000 * percentile(during, 95)
    calm = 1000 * percentile(calm_samples, 95)
    print(
        f"\n[maintenance] other chats during /reload: {len(during)} messages, p95 {p95:.1f} ms "
        f"(between the reloads: {calm:.1f} ms)"
    )
    # Under 50 ms; on a machine so busy that every message is slow, at most 4 times what the
    # same messages took between the reloads. And no message waits for a whole rebuild.
    longest = max(b - a for a, b in others.windows)
    assert p95 < max(P95_LIMIT_MS, 4 * calm), f"p95 {p95:.1f} ms while /reload ran"
    assert max(during) < longest, "a message waited for a whole reload"
