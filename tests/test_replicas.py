"""Two webhook replicas on one PostgreSQL behave exactly as one bot.

Real processes (`python -m bot run --webhook`), a throw-away PostgreSQL (tests/pgcluster.py),
the fake Bot API posting every update to a round-robin forwarder (tests/replicas.py), so that
consecutive updates of one conversation land on different replicas. Expected replies come from
a reference brain on the same knowledge.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.brain import Brain
from bot.chat import ChatContext
from bot.store import SQLiteStore
from tests.loadgen import (
    BrainOracle,
    Sent,
    TrackingBotApi,
    build_users,
    expect_all,
    latency_stats,
    received,
    rendered,
    run_load_in_thread,
)
from tests.pgcluster import Cluster
from tests.replicas import (
    Replica,
    RoundRobin,
    http_get,
    http_post,
    start_replicas,
    stop_all,
)
from tests.support import real_kb

# Several bot processes and a PostgreSQL cluster: end to end.
pytestmark = pytest.mark.slow

REPLY_TIMEOUT = 15.0
VERDICT_MARKS = ("✅", "❌", "⚠️")


class Reference:
    def __init__(self, folder: Path) -> None:
        self.brain = Brain(real_kb(), SQLiteStore(folder))

    def say(self, chat_id: int, text: str) -> list[Sent]:
        chat = ChatContext(chat_id=f"ref-{chat_id}", user_lang="it")
        if text.startswith("/"):
            command, _, args = text[1:].partition(" ")
            return rendered(self.brain.handle_command(chat, command, args.strip()))
        return rendered(self.brain.handle_text(chat, text))

    def press(self, chat_id: int, data: str) -> list[Sent]:
        chat = ChatContext(chat_id=f"ref-{chat_id}", user_lang="it")
        return rendered(self.brain.handle_button(chat, data))


class Pair:
    """The fake Telegram, two replicas, the forwarder, a reference brain."""

    def __init__(
        self, api: Any, replicas: list[Replica], forwarder: RoundRobin, reference: Reference
    ) -> None:
        self.api, self.replicas, self.forwarder, self.reference = (
            api,
            replicas,
            forwarder,
            reference,
        )

    def exchange(self, chat_id: int, push: Any, expect: int) -> list[Sent]:
        before = len(self.api.sent_to(chat_id))
        push()
        self.api.wait_for_messages(chat_id, before + expect, timeout=REPLY_TIMEOUT)
        self.api.wait_quiet(0.3, timeout=REPLY_TIMEOUT)
        return received(self.api.sent_to(chat_id)[before:])

    def say(self, chat_id: int, text: str) -> tuple[list[Sent], list[Sent]]:
        expected = self.reference.say(chat_id, text)
        got = self.exchange(chat_id, lambda: self.api.push_message(chat_id, text), len(expected))
        return got, expected

    def press(self, chat_id: int, data: str) -> tuple[list[Sent], list[Sent]]:
        expected = self.reference.press(chat_id, data)
        got = self.exchange(chat_id, lambda: self.api.push_callback(chat_id, data), len(expected))
        return got, expected

    def nasko_check(self, chat_id: int, *, kill_after: int | None = None) -> list[Sent]:
        """/start nasko, then the first button of each question to the verdict.

        Returns everything the reference expected, in order.
        """
        got, expected = self.say(chat_id, "/start nasko")
        assert got == expected
        everything = list(expected)
        for step in range(1, 20):
            if kill_after == step:
                self.replicas[0].kill()
            data = [d for _, d in got if d][-1][0]
            got, expected = self.press(chat_id, data)
            assert got == expected, f"step {step}"
            everything += expected
            if got[0][0].startswith(VERDICT_MARKS):
                return everything
        raise AssertionError("no verdict after 20 answers")


@pytest.fixture(scope="module")
def pair(pg_cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    folder = tmp_path_factory.mktemp("replicas")
    reference = Reference(folder / "reference")
    with TrackingBotApi.serve_in_thread() as api:
        # The flood limit is lifted: what is tested here is the replicas, not Telegram's pace.
        replicas, forwarder = start_replicas(
            api, pg_cluster.new_database(), folder, MAX_MESSAGES_PER_SECOND="0"
        )
        try:
            yield Pair(api, replicas, forwarder, reference)
        finally:
            codes = stop_all(replicas, forwarder)
            reference.brain.close()
    # Every replica still running at the end stops cleanly on SIGTERM.
    assert all(code in (0, -9) for code in codes), codes


def test_a_nasko_check_alternating_replicas_is_answered_as_by_one_bot(pair: Pair) -> None:
    start = len(pair.forwarder.log)
    pair.nasko_check(4001)
    hops = pair.forwarder.log[start:]
    assert len(hops) >= 6 and all(status == 200 for _, status in hops), hops
    targets = [index for index, _ in hops]
    assert all(a != b for a, b in zip(targets, targets[1:], strict=False)), targets


def test_the_webhook_secret_is_checked_on_every_replica(pair: Pair) -> None:
    for replica in pair.replicas:
        url = replica.url + "/telegram/hook"
        assert http_post(url, b'{"update_id": 1}', secret="wrong") == 403
        assert http_post(url, b'{"update_id": 1}', secret="") == 403
        assert http_get(replica.url + "/healthz")[0] == 200


def test_an_update_delivered_twice_or_to_both_replicas_is_answered_once(pair: Pair) -> None:
    chat_id = 4002
    got, expected = pair.say(chat_id, "/start")  # the chat exists for the fake Telegram
    assert got == expected
    update = pair.api.push_message(chat_id, "quanto dà il fondo nasko?")
    pair.api.wait_for_messages(chat_id, len(got) + 1, timeout=REPLY_TIMEOUT)
    pair.api.wait_quiet(0.3, timeout=REPLY_TIMEOUT)
    after_first = len(pair.api.sent_to(chat_id))
    duplicates_before = sum(
        r.metric("conciliazione_updates_redelivered_total") for r in pair.replicas
    )
    body = json.dumps(update).encode()
    # Telegram re-delivers the answered update, to each replica.
    for replica in pair.replicas:
        assert http_post(replica.url + "/telegram/hook", body) == 200
    # A new update posted to both replicas at the same moment, then once more.
    fresh = {**update, "update_id": 9_000_001}
    fresh_body = json.dumps(fresh).encode()
    statuses: list[int] = []
    threads = [
        threading.Thread(
            target=lambda url=r.url: statuses.append(http_post(url + "/telegram/hook", fresh_body))
        )
        for r in pair.replicas
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert statuses == [200, 200]
    assert http_post(pair.replicas[0].url + "/telegram/hook", fresh_body) == 200
    pair.api.wait_quiet(0.5, timeout=REPLY_TIMEOUT)
    answer = pair.reference.say(chat_id, "quanto dà il fondo nasko?")
    new = received(pair.api.sent_to(chat_id)[after_first:])
    assert new == answer, "the fresh update is answered exactly once, the old one not again"
    duplicates = sum(r.metric("conciliazione_updates_redelivered_total") for r in pair.replicas)
    assert duplicates - duplicates_before == 4


def test_metrics_count_updates_and_replies_by_status(pair: Pair) -> None:
    # A check of its own: on parallel workers the other tests of this file may run elsewhere.
    pair.nasko_check(4007)
    replica = pair.replicas[0]
    status, body = http_get(replica.url + "/metrics")
    assert status == 200
    assert replica.metric("conciliazione_updates_received_total") > 0
    assert sum(r.metric("conciliazione_replies_total", 'status="flow"') for r in pair.replicas)
    assert "conciliazione_update_handling_seconds_bucket" in body
    assert "conciliazione_store_errors_total 0.0" in body
    assert "conciliazione_bot_api_flood_waits_total" in body
    # No chats, no texts (a chat id is a whole number: timings like 0.1142483440019 are not).
    assert re.search(r"(?<![\d.])4007(?![\d.])", body) is None
    assert "nasko" not in body.lower()


@pytest.mark.slow
def test_two_hundred_users_across_both_replicas_get_their_own_replies(
    pair: Pair, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = Brain(real_kb(), SQLiteStore(tmp_path / "oracle"))
    users = build_users(200, seed=11, first_chat_id=800_000)
    expectations = expect_all(BrainOracle(reference), users)
    reference.close()
    start = len(pair.forwarder.log)
    # People arriving over 5 s and reading each reply for 2-4 s (~60 updates/s offered).
    report = run_load_in_thread(
        pair.api, users, expectations, ramp=5.0, think=(2.0, 4.0), step_timeout=60
    )
    hops = pair.forwarder.log[start:]
    with capsys.disabled():
        print(f"\n[two replicas, PostgreSQL] {report.summary()}")
    assert not report.problems, "\n".join(report.problems[:20])
    assert len(report.latencies) == report.updates
    assert {index for index, _ in hops} == {0, 1} and all(s == 200 for _, s in hops)
    # Only a sanity bound: the fake Telegram, the forwarder and 200 users share this test's
    # one Python process on a shared machine; benchmarks/run.py measures the real figures.
    assert latency_stats(report.latencies)["p95"] < 10_000


def test_a_replica_killed_mid_check_loses_nothing(pair: Pair) -> None:
    """SIGKILL one replica after two answers: Telegram's retries reach the other one.

    (Last in this module: the killed replica stays dead.)
    """
    start = len(pair.forwarder.log)
    everything = pair.nasko_check(4003, kill_after=3)
    hops = [status for _, status in pair.forwarder.log[start:]]
    assert 502 in hops, "some deliveries did reach the dead replica (and were retried)"
    # Nothing lost, nothing answered twice: the chat got exactly the reference's sequence.
    pair.api.wait_quiet(0.5, timeout=REPLY_TIMEOUT)
    assert received(pair.api.sent_to(4003)) == everything
    assert pair.replicas[1].process is not None and pair.replicas[1].process.poll() is None
