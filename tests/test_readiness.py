"""/readyz follows the database: unready while PostgreSQL is down, ready when it is back, and
no user message is lost in between (each gets the apology or, later, its answer)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.brain import Brain
from bot.chat import ChatContext
from bot.reply import Reply
from bot.store import SQLiteStore
from tests.loadgen import TrackingBotApi, received, rendered
from tests.pgcluster import Cluster, PostgresUnavailable, start_cluster
from tests.replicas import http_get, start_replicas, stop_all
from tests.support import real_kb

QUESTION = "quanto dà il fondo nasko?"


@pytest.fixture
def own_cluster() -> Iterator[Cluster]:
    """A PostgreSQL server of this test alone: it is stopped and started again."""
    import os

    try:
        cluster = start_cluster()
    except PostgresUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL could not be started for the tests: {exc}", pytrace=False)
        pytest.skip(f"PostgreSQL could not be started: {exc}")
    try:
        yield cluster
    finally:
        cluster.remove()


def wait_status(url: str, status: int, timeout: float) -> float:
    started = time.monotonic()
    while http_get(url, timeout=5)[0] != status:
        if time.monotonic() - started > timeout:
            raise AssertionError(f"{url} never answered {status} within {timeout:.0f} s")
        time.sleep(0.2)
    return time.monotonic() - started


@pytest.mark.slow
def test_readyz_follows_the_database_and_no_message_is_lost(
    own_cluster: Cluster, tmp_path: Path
) -> None:
    reference = Brain(real_kb(), SQLiteStore(tmp_path / "reference"))
    chat = ChatContext(chat_id="ref", user_lang="it")
    answer = rendered(reference.handle_text(chat, QUESTION))
    apology = rendered([Reply(reference.texts.get("error.store", "it"), status="info")])
    reference.close()
    with TrackingBotApi.serve_in_thread() as api:
        [replica], forwarder = start_replicas(api, own_cluster.new_database(), tmp_path, 1)
        ready = replica.url + "/readyz"
        try:
            assert http_get(ready)[0] == 200 and http_get(replica.url + "/healthz")[0] == 200
            api.push_message(1, QUESTION)
            assert received(api.wait_for_messages(1, 1, timeout=15)) == answer

            own_cluster.stop()
            wait_status(ready, 503, timeout=20)
            assert http_get(replica.url + "/healthz")[0] == 200  # alive, only not ready
            # Messages while the database is down: each gets the apology (none is lost).
            for chat_id in (2, 3):
                api.push_message(chat_id, QUESTION)
            for chat_id in (2, 3):
                got = received(api.wait_for_messages(chat_id, 1, timeout=15))
                assert got in (apology, answer), got
            assert replica.metric("conciliazione_store_errors_total") > 0

            own_cluster.start()
            wait_status(ready, 200, timeout=40)
            for chat_id in (1, 2, 3):
                before = len(api.sent_to(chat_id))
                api.push_message(chat_id, QUESTION)
                api.wait_for_messages(chat_id, before + 1, timeout=15)
                assert received(api.sent_to(chat_id)[before:]) == answer
            assert replica.process is not None and replica.process.poll() is None
        finally:
            assert stop_all([replica], forwarder) == [0], replica.tail()


@pytest.mark.slow  # the bot process itself
def test_polling_mode_serves_health_and_metrics_on_metrics_port(tmp_path: Path) -> None:
    """Without a webhook, METRICS_PORT serves the same /healthz, /readyz and /metrics."""
    import os
    import subprocess
    import sys

    from tests.fakebotapi import DEFAULT_TOKEN
    from tests.loadgen import stop_process
    from tests.replicas import ROOT, free_port

    port = free_port()
    with TrackingBotApi.serve_in_thread() as api:
        env = {
            **os.environ,
            "BOT_TOKEN": DEFAULT_TOKEN,
            "BOT_API_BASE_URL": api.base_url,
            "BOT_DATA_DIR": str(tmp_path / "data"),
            "METRICS_PORT": str(port),
        }
        log = tmp_path / "bot.log"
        with log.open("ab") as stream:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=ROOT,
                env=env,
                stdout=stream,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_status(f"http://127.0.0.1:{port}/readyz", 200, timeout=40)
            assert http_get(f"http://127.0.0.1:{port}/healthz")[0] == 200
            api.push_message(1, QUESTION)
            api.wait_for_messages(1, 1, timeout=15)
            api.wait_quiet(0.3, timeout=15)
            status, body = http_get(f"http://127.0.0.1:{port}/metrics")
            assert status == 200
            assert "conciliazione_updates_received_total 1.0" in body
            assert 'conciliazione_replies_total{status="answer"} 1.0' in body
            assert "conciliazione_update_handling_seconds_count 1.0" in body
        finally:
            assert stop_process(process) == 0, log.read_text(errors="replace")[-3000:]
