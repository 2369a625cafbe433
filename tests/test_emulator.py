"""The real bot process against a third-party Bot API emulator that is killed and restarted.

The emulator is telegram-test-api (npm, pinned in tests/emulator/package-lock.json), written
independently of this project and of python-telegram-bot: its own update numbering, getUpdates
that never long-polls and ignores the offset, no setMyCommands, and all state lost when the
process dies. `tests/emulator/serve.js` completes the few answers that differ from what
Telegram sends and would stop any python-telegram-bot bot (see there): the bot under test has
no code for emulators.

When the emulator is restarted, its update ids go on growing from where they were, as
Telegram's always do (an emulator that lost its state would number from 1 again; Telegram
never does, so the bot is not asked to cope with it).

The test needs Node.js and npm (the emulator is installed from the npm registry on first use);
without them it is skipped, saying why.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.brain import Brain
from handlers.render import render
from tests.loadgen import stop_process
from tests.support import chat, free_port, make_brain

# Slow: a third-party emulator in Node.js, killed and restarted (deselect with -m 'not slow').
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
EMULATOR_DIR = ROOT / "tests" / "emulator"
TOKEN = "123456789:EmulatorTestTokenAAAAAAAAAAAAAAAAAA"
USERS = 100
QUESTIONS = (
    "cos'è il fondo nasko?",
    "quanto dà il fondo cresco?",
    "come aderire a una rete di conciliazione",
    "chi può essere capofila di un'alleanza locale?",
    "a chi mi rivolgo per la conciliazione a Bergamo?",
)
ANSWER_TIMEOUT = 90.0
DOWN_FOR = 5.0


def install_emulator() -> None:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("Node.js and npm are needed to run the third-party Bot API emulator")
    if (EMULATOR_DIR / "node_modules" / "telegram-test-api").is_dir():
        return
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"],
        cwd=EMULATOR_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        pytest.skip(f"could not install telegram-test-api from npm: {done.stderr[-500:]}")


class Emulator:
    """telegram-test-api in its own Node.js process, and the users' side of it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.client = httpx.Client(timeout=10)

    def start(self, first_update_id: int = 1) -> None:
        node = shutil.which("node") or "node"
        self.process = subprocess.Popen(
            [node, "serve.js", str(self.port), str(first_update_id)],
            cwd=EMULATOR_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the emulator did not start")

    def kill(self) -> None:
        """SIGKILL: the emulator dies at once, with everything it held."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.kill()
        self.client.close()

    def ask(self, chat_id: int, text: str) -> None:
        """A person writes to the bot."""
        person = {"id": chat_id, "is_bot": False, "first_name": "Utente", "language_code": "it"}
        message = {
            "botToken": TOKEN,
            "from": person,
            "chat": {"id": chat_id, "type": "private", "first_name": "Utente"},
            "date": int(time.time()),
            "text": text,
        }
        self.client.post(f"{self.url}/sendMessage", json=message).raise_for_status()

    def last_update_id(self) -> int:
        """The highest update id the emulator has handed out so far."""
        response = self.client.post(f"{self.url}/getUpdatesHistory", json={"token": TOKEN})
        response.raise_for_status()
        return max((int(item["updateId"]) for item in response.json()["result"]), default=0)

    def replies(self) -> dict[int, list[str]]:
        """Texts the bot sent, by chat, oldest first."""
        response = self.client.post(f"{self.url}/getUpdatesHistory", json={"token": TOKEN})
        response.raise_for_status()
        sent: dict[int, list[str]] = {}
        for item in response.json()["result"]:
            message = item.get("message") or {}
            if "chat_id" in message:  # the bot's messages; people's have a `chat`
                sent.setdefault(int(message["chat_id"]), []).append(str(message.get("text")))
        return sent


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    install_emulator()
    emulator = Emulator(free_port())
    emulator.start()
    yield emulator
    emulator.close()


@pytest.fixture
def reference(tmp_path: Path) -> Brain:
    return make_brain(tmp_path / "reference")


def expected_first_message(reference: Brain, chat_id: int, text: str) -> str:
    return render(reference.handle_text(chat(chat_id, "it"), text)[0])[0].html


def wave(emulator: Emulator, first_chat: int) -> dict[int, str]:
    """USERS people write at once; their chat ids and questions."""
    asked = {first_chat + i: QUESTIONS[i % len(QUESTIONS)] for i in range(USERS)}
    for chat_id, text in asked.items():
        emulator.ask(chat_id, text)
    return asked


def wait_for_answers(
    emulator: Emulator, asked: dict[int, str], timeout: float, process: Any
) -> dict[int, list[str]]:
    deadline = time.monotonic() + timeout
    while True:
        sent = emulator.replies()
        if all(sent.get(chat_id) for chat_id in asked):
            return sent
        if process.poll() is not None:
            pytest.fail(f"the bot exited with code {process.returncode}")
        if time.monotonic() > deadline:
            missing = sorted(chat_id for chat_id in asked if not sent.get(chat_id))
            pytest.fail(f"{len(missing)} of {len(asked)} people got no answer: {missing[:10]}")
        time.sleep(0.25)


def test_the_bot_outlives_a_third_party_emulator_killed_and_restarted(
    emulator: Emulator, reference: Brain, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "BOT_TOKEN": TOKEN,
        "BOT_API_BASE_URL": f"{emulator.url}/bot",
        "BOT_DATA_DIR": str(tmp_path / "data"),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    log = (tmp_path / "bot.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    try:
        # 1. A hundred people at once.
        asked = wave(emulator, 1_000)
        sent = wait_for_answers(emulator, asked, ANSWER_TIMEOUT, process)
        for chat_id, text in asked.items():
            assert sent[chat_id][0] == expected_first_message(reference, chat_id, text), chat_id

        # 2. Another hundred, and the emulator is killed while the bot is answering them.
        cut_off = wave(emulator, 2_000)
        time.sleep(0.5)
        # Ids handed out from here to the kill are lost with the emulator: leave a wide margin.
        next_update_id = emulator.last_update_id() + 10_000
        emulator.kill()
        time.sleep(DOWN_FOR)
        assert process.poll() is None, "the bot died with the emulator"

        # 3. The emulator comes back with nothing (its update ids going on, as Telegram's would):
        #    a hundred more.
        emulator.start(first_update_id=next_update_id)
        asked = wave(emulator, 3_000)
        sent = wait_for_answers(emulator, asked, ANSWER_TIMEOUT, process)
        for chat_id, text in asked.items():
            assert sent[chat_id][0] == expected_first_message(reference, chat_id, text), chat_id
            assert sent[chat_id] == render_all(reference, chat_id, text), chat_id
        # Besides them, only people cut off by the crash may hear from the bot (a late answer),
        # never the first hundred again.
        assert set(sent) <= set(asked) | set(cut_off)
        assert process.poll() is None
    finally:
        code = stop_process(process)
        log.close()
    output = (tmp_path / "bot.log").read_text(errors="replace")
    assert code == 0, output[-3000:]
    assert "Traceback" not in output, output[-3000:]


def render_all(reference: Brain, chat_id: int, text: str) -> list[str]:
    """Every message of the answer (a fresh chat of the reference brain: same first question)."""
    replies = reference.handle_text(chat(chat_id + 100_000, "it"), text)
    return [message.html for reply in replies for message in render(reply)]
