"""Load: 200 people write at once (after a poster or a newsletter), through the real Telegram door.

The production Application (request layer, the rate limiter that keeps the bot within
Telegram's 30 messages per second, per-chat ordering, the brain) polls the fake Bot API
over HTTP in this process, while the load generator (tests/loadgen.py) plays 200 users: people
asking questions and pressing the buttons of the answers, people running the NASKO check,
people browsing the menus. Every user must get every reply, exactly the replies our brain gives
on its own, and nobody may receive another user's text. The latencies are printed.

Latency here is mostly the wait in the rate limiter's queue: ~1,000 messages at Telegram's
30 per second take ~33 s however fast the bot is. benchmarks/run.py measures latency at a
realistic pace and the bot's capacity without the limiter (docs/performance.md); the second
test here lifts the limit (MAX_MESSAGES_PER_SECOND=0) and checks the same crowd is answered
just as right, many times faster.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.brain import Brain
from bot.settings import Settings
from bot.store import SQLiteStore
from handlers.app import build_application
from tests.fakebotapi import DEFAULT_TOKEN
from tests.loadgen import (
    BrainOracle,
    TrackingBotApi,
    build_users,
    expect_all,
    latency_stats,
    nonce_echoed,
    polling,
    run_load,
)
from tests.support import real_kb

# Slow: hundreds of simulated users (deselect with -m 'not slow').
pytestmark = pytest.mark.slow

USERS = 200
# Telegram's limit for a bot's messages across all chats (what the rate limiter enforces).
TELEGRAM_MESSAGES_PER_SECOND = 30


@pytest.mark.parametrize("limit", ["", "0"], ids=["telegram-limit", "no-overall-limit"])
async def test_two_hundred_users_at_once_each_get_all_and_only_their_replies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], limit: str
) -> None:
    kb = real_kb()
    reference = Brain(kb, SQLiteStore(tmp_path / "reference"))
    users = build_users(USERS, seed=7)
    expectations = expect_all(BrainOracle(reference), users)
    reference.close()
    checkers = [u for u in users if u.script == "checker"]
    assert {u.script for u in users} == {"asker", "checker", "browser"}
    # The isolation check relies on each checker's number being echoed back to them only.
    assert checkers and all(nonce_echoed(u, expectations[u.chat_id]) for u in checkers)
    async with TrackingBotApi() as api:
        settings = Settings.from_env(
            {
                "BOT_TOKEN": DEFAULT_TOKEN,
                "BOT_API_BASE_URL": api.base_url,
                "BOT_DATA_DIR": str(tmp_path / "data"),
                "KNOWLEDGE_DIR": os.environ.get("KNOWLEDGE_DIR", ""),
                "MAX_MESSAGES_PER_SECOND": limit,
            }
        )
        brain = Brain(kb, SQLiteStore(settings.data_dir), settings)
        async with polling(build_application(settings, brain)):
            # Everyone starts within a second and answers within a second of each reply.
            report = await run_load(
                api, users, expectations, ramp=1.0, think=(0.2, 1.0), step_timeout=90
            )
        sends = [c for c in api.calls_to("sendMessage") if c.status == 200]
        refused = [c for c in api.calls if c.status >= 400]
    stats = latency_stats(report.latencies)
    with capsys.disabled():
        print(f"\n[load, MAX_MESSAGES_PER_SECOND={limit or 'default'}] {report.summary()}")
        for script, values in sorted(report.by_script.items()):
            line = ", ".join(f"{k} {v:.0f} ms" for k, v in latency_stats(values).items())
            print(f"[load]   {script}: {len(values)} steps; {line}")
    assert not report.problems, "\n".join(report.problems[:20])
    assert len(report.latencies) == report.updates == sum(len(u.steps) for u in users)
    assert not refused, [(c.method, c.status) for c in refused[:10]]
    rate = len(sends) / report.duration
    if not limit:
        # Within Telegram's limit: a busy machine can only send slower, never faster. How fast
        # the bot is (rates, latencies) is measured by benchmarks/run.py, not asserted here,
        # where another job on the machine could make any lower bound fail.
        assert rate <= TELEGRAM_MESSAGES_PER_SECOND * 1.5, f"{rate:.0f} messages/s"
    assert stats["p95"] > 0
