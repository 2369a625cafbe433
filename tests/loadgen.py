"""A test-only load generator: N simulated Telegram users talking to a bot through the fake Bot API.

Each simulated user has a script (`User.steps`): commands, questions, presses of the buttons
the bot just showed, answers to an eligibility check. `run_load` plays every user's script at
the same time against a `TrackingBotApi` (the fake Bot API of tests/fakebotapi.py, plus a
per-chat wake-up so that hundreds of waiting users cost nothing), like people would: a user
sends, waits for the whole reply, thinks, sends the next thing. It measures, per step, the time
from the update being queued at the fake Telegram to the last message of the reply reaching it
(end-to-end latency, as a user would feel it on a fast network), and checks what arrived
against an oracle:

- `BrainOracle`: the replies our brain gives on the same knowledge, rendered as the Telegram
  door renders them (a reference brain with its own store, so no state is shared);
- `EchoOracle`: what the bare echo bot of benchmarks/echo_bot.py sends back.

Who reads what: the oracle resolves every button press ("the first button of the reply") from
its expected replies, so a wrong reply is reported, never silently followed.

Isolation check: every "checker" user types a number of years no one else types (its nonce);
the bot echoes it in the "looks too high" notice. A message to any other chat containing that
nonce (and not expected there) is a leak. Besides, every chat's whole message sequence must
equal the expected one, and no message may go to a chat that is not one of the users'.

Used by tests/test_load.py (in-process bot) and benchmarks/run.py (bot processes).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
import re
import signal
import statistics
import subprocess
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from tests.fakebotapi import FakeBotApi, SentMessage

# What a chat received, comparably: (HTML as sent, callback data of its buttons).
Sent = tuple[str, tuple[str, ...]]

FIRST_CHAT_ID = 700_000
# Questions a family or an organisation could type (Italian and English), with a place in some.
QUESTIONS: dict[str, tuple[str, ...]] = {
    "it": (
        "quanto dà il fondo nasko?",
        "sono incinta e non ho soldi, c'è un aiuto?",
        "cos'è il fondo cresco?",
        "come aderisce un comune a una rete di conciliazione?",
        "chi può essere capofila di un'alleanza locale?",
        "a chi mi rivolgo a Lodi?",
        "che cos'è la conciliazione vita lavoro?",
        "c'è un bonus per le famiglie con un neonato?",
        "che tempo fa domani a Milano?",
        "ciao",
    ),
    "en": (
        "how much does the nasko fund pay?",
        "what is the cresco fund?",
        "how can a company join a local alliance?",
        "who do I contact in Bergamo?",
        "is there any help for pregnant women with no money?",
        "what is work-life balance in Lombardy?",
    ),
}
THANKS = {"it": "grazie", "en": "thank you"}
YEARS_WORD = {"it": "anni", "en": "years"}
# Share of users per script (asker, checker, browser).
DEFAULT_MIX = (0.4, 0.4, 0.2)
NONCE_BASE, NONCE_STEP = 3001, 29  # 4-digit, never a plausible year of residence start


@dataclass(frozen=True)
class Step:
    """One user action: "say" a text (commands start with "/") or "press" a button.

    For "press", `value` is callback data, or "#N": the N-th button of the bot's last message.
    """

    kind: str
    value: str


@dataclass
class User:
    chat_id: int
    lang: str
    script: str
    steps: list[Step]
    nonce: str | None = None  # digits only this user types


def say(text: str) -> Step:
    return Step("say", text)


def press(value: str) -> Step:
    return Step("press", value)


def build_users(
    count: int,
    *,
    seed: int = 0,
    first_chat_id: int = FIRST_CHAT_ID,
    mix: tuple[float, float, float] = DEFAULT_MIX,
) -> list[User]:
    """`count` users with a deterministic mix of scripts:

    - asker: /start, a question, the first button of the answer, another question;
    - checker: /start nasko (deep link), three button answers, a typed number of years that
      is out of range (its nonce, echoed back), /annulla;
    - browser: /start, "families" menu, the first topic, thanks.
    """
    rng = random.Random(seed)
    users = []
    kinds = ["asker", "checker", "browser"]
    for index in range(count):
        lang = "en" if rng.random() < 0.3 else "it"
        kind = rng.choices(kinds, weights=mix)[0]
        chat_id = first_chat_id + index
        nonce = None
        if kind == "asker":
            first, second = rng.sample(QUESTIONS[lang], 2)
            steps = [say("/start"), say(first), press("#0"), say(second)]
        elif kind == "checker":
            nonce = str(NONCE_BASE + NONCE_STEP * index)
            steps = [
                say("/start nasko"),
                press("#0"),
                press("#0"),
                press("#0"),
                say(f"{nonce} {YEARS_WORD[lang]}"),
                say("/annulla"),
            ]
        else:
            steps = [say("/start"), press("#0"), press("#0"), say(THANKS[lang])]
        users.append(User(chat_id, lang, kind, steps, nonce))
    return users


# -- oracles ---------------------------------------------------------------------------------
@dataclass
class Expectation:
    """What one user should do and get: concrete steps, and the messages expected per step."""

    steps: list[Step]
    replies: list[list[Sent]]


class Oracle(Protocol):
    def expect(self, user: User) -> Expectation: ...


def _resolve(step: Step, last: Sequence[Sent], default: str) -> Step:
    if step.kind != "press" or not step.value.startswith("#"):
        return step
    index = int(step.value[1:])
    buttons = [data for _, data in last if data]
    data = buttons[-1] if buttons else ()
    return press(data[index] if index < len(data) else default)


def rendered(replies: Iterable[Any]) -> list[Sent]:
    """The Telegram messages the door sends for the brain's replies, comparably."""
    from handlers.render import render

    out = []
    for reply in replies:
        for message in render(reply):
            rows = message.keyboard.inline_keyboard if message.keyboard else ()
            out.append((message.html, tuple(str(b.callback_data) for r in rows for b in r)))
    return out


def received(messages: Iterable[SentMessage]) -> list[Sent]:
    return [(m.text, tuple(m.callback_data)) for m in messages]


class BrainOracle:
    """Our brain's replies, rendered as the Telegram door sends them."""

    def __init__(self, brain: Any) -> None:
        self.brain = brain

    def expect(self, user: User) -> Expectation:
        from bot.chat import ChatContext

        chat = ChatContext(chat_id=f"oracle-{user.chat_id}", user_lang=user.lang)
        steps, replies = [], []
        last: list[Sent] = []
        for raw in user.steps:
            step = _resolve(raw, last, "m:menu")
            if step.kind == "press":
                out = self.brain.handle_button(chat, step.value)
            elif step.value.startswith("/"):
                command, _, args = step.value[1:].partition(" ")
                out = self.brain.handle_command(chat, command, args.strip())
            else:
                out = self.brain.handle_text(chat, step.value)
            last = rendered(out)
            steps.append(step)
            replies.append(last)
        return Expectation(steps, replies)


class EchoOracle:
    """benchmarks/echo_bot.py: every text comes back as it is; a press sends its data back."""

    def expect(self, user: User) -> Expectation:
        steps: list[Step] = []
        replies: list[list[Sent]] = []
        for raw in user.steps:
            step = _resolve(raw, [], "m:menu")
            steps.append(step)
            replies.append([(step.value, ())])
        return Expectation(steps, replies)


# -- the fake Telegram with per-chat wake-ups ------------------------------------------------------
class TrackingBotApi(FakeBotApi):
    """FakeBotApi that wakes exactly the simulated user whose chat got a message."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._chat_events: dict[int, asyncio.Event] = {}

    async def __aenter__(self) -> TrackingBotApi:
        await self.start()
        return self

    def _record_sent(self, message: SentMessage) -> None:
        super()._record_sent(message)
        event = self._chat_events.get(message.chat_id)
        if event is not None:
            event.set()

    async def wait_chat(self, chat_id: int, count: int, timeout: float) -> bool:
        """True once `chat_id` has at least `count` messages; False after `timeout` seconds."""
        event = self._chat_events.setdefault(chat_id, asyncio.Event())
        deadline = time.monotonic() + timeout
        while len(self._sent_by_chat.get(chat_id, ())) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
        return True


# -- running the load ------------------------------------------------------------------------
@dataclass
class LoadReport:
    """What happened: latencies of the answered steps and everything that went wrong."""

    users: int
    updates: int
    duration: float
    latencies: list[float]
    problems: list[str] = field(default_factory=list)
    by_script: dict[str, list[float]] = field(default_factory=dict)

    @property
    def throughput(self) -> float:
        """Updates answered per second of wall time."""
        return len(self.latencies) / self.duration if self.duration else 0.0

    def percentile(self, p: float) -> float:
        return percentile(self.latencies, p)

    def summary(self) -> str:
        return (
            f"{self.users} users, {self.updates} updates in {self.duration:.2f} s "
            f"({self.throughput:.0f} updates/s); latency p50 {1000 * self.percentile(50):.0f} ms, "
            f"p95 {1000 * self.percentile(95):.0f} ms, p99 {1000 * self.percentile(99):.0f} ms, "
            f"max {1000 * max(self.latencies, default=0):.0f} ms; {len(self.problems)} problem(s)"
        )


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(math.ceil(p / 100 * len(ordered)), 1)
    return ordered[min(rank, len(ordered)) - 1]


async def run_load(
    api: TrackingBotApi,
    users: Sequence[User],
    expectations: dict[int, Expectation],
    *,
    ramp: float = 0.0,
    think: tuple[float, float] = (0.0, 0.0),
    step_timeout: float = 30.0,
    seed: int = 0,
) -> LoadReport:
    """Play every user's script at once against `api` (call on the api's event loop).

    `expectations`: per chat, from `expect_all(oracle, users)` (computed beforehand, so the
    oracle's work does not compete with the bot). `ramp`: users start evenly spread over this
    many seconds (0: all at once). `think`: each user pauses uniformly between these bounds
    before each step after the first.
    """
    rng = random.Random(seed)
    plans = {
        u.chat_id: (rng.random() * ramp, [rng.uniform(*think) for _ in u.steps]) for u in users
    }
    by_chat = {u.chat_id: u for u in users}
    latencies: list[float] = []
    by_script: dict[str, list[float]] = {}
    problems: list[str] = []
    before = {u.chat_id: len(api.sent_to(u.chat_id)) for u in users}
    sent_before = len(api.sent)

    async def play(user: User) -> None:
        delay, pauses = plans[user.chat_id]
        expectation = expectations[user.chat_id]
        await asyncio.sleep(delay)
        received = before[user.chat_id]
        for number, (step, expected) in enumerate(
            zip(expectation.steps, expectation.replies, strict=True)
        ):
            if number:
                await asyncio.sleep(pauses[number])
            started = time.monotonic()
            if step.kind == "press":
                api.push_callback(user.chat_id, step.value, lang=user.lang)
            else:
                api.push_message(user.chat_id, step.value, lang=user.lang)
            received += max(len(expected), 1)
            if not await api.wait_chat(user.chat_id, received, step_timeout):
                problems.append(
                    f"chat {user.chat_id} ({user.script}) step {number + 1} {step.value!r}: "
                    f"no complete reply within {step_timeout:.0f} s"
                )
                return
            latency = api.sent_to(user.chat_id)[received - 1].at - started
            latencies.append(latency)
            by_script.setdefault(user.script, []).append(latency)

    started = time.monotonic()
    await asyncio.gather(*(play(u) for u in users))
    duration = time.monotonic() - started
    with contextlib.suppress(TimeoutError):
        await api.wait_quiet(0.2, timeout=5)  # extra, unexpected messages would show now
    problems.extend(check_replies(api, users, expectations, before))
    strays = sorted({m.chat_id for m in api.sent[sent_before:] if m.chat_id not in by_chat})
    if strays:
        problems.append(f"messages went to chats that are none of the users': {strays[:10]}")
    return LoadReport(
        users=len(users),
        updates=sum(len(u.steps) for u in users),
        duration=duration,
        latencies=latencies,
        problems=problems,
        by_script=by_script,
    )


def check_replies(
    api: FakeBotApi,
    users: Sequence[User],
    expectations: dict[int, Expectation],
    before: dict[int, int] | None = None,
) -> list[str]:
    """Every chat got exactly its expected messages, and no other user's nonce."""
    problems = []
    nonces = {u.chat_id: _nonce_pattern(u.nonce) for u in users if u.nonce}
    for user in users:
        got = received(api.sent_to(user.chat_id))
        got = got[(before or {}).get(user.chat_id, 0) :]
        expected = [message for reply in expectations[user.chat_id].replies for message in reply]
        if got != expected:
            first = next(
                (i for i, (a, b) in enumerate(zip(got, expected, strict=False)) if a != b),
                min(len(got), len(expected)),
            )
            detail = f"; first difference at message {first + 1}"
            if first < len(got):
                detail += f": got {got[first][0][:80]!r}"
            if first < len(expected):
                detail += f", expected {expected[first][0][:80]!r}"
            problems.append(
                f"chat {user.chat_id} ({user.script}): {len(got)} message(s), "
                f"expected {len(expected)}{detail}"
            )
        expected_text = " ".join(text for text, _ in expected)
        for owner, pattern in nonces.items():
            if owner == user.chat_id or pattern.search(expected_text):
                continue
            if any(pattern.search(text) for text, _ in got):
                problems.append(f"chat {user.chat_id} received the text of chat {owner}")
    return problems


def _nonce_pattern(nonce: str) -> re.Pattern[str]:
    """The nonce as the bot may print it: 4711, 4.711 or 4,711 (thousands separators)."""
    digits = nonce[: len(nonce) % 3 or 3] + "".join(
        f"[.,\u00a0\u202f]?{nonce[i : i + 3]}" for i in range(len(nonce) % 3 or 3, len(nonce), 3)
    )
    return re.compile(rf"(?<![\d.,]){digits}(?!\d)")


def nonce_echoed(user: User, expectation: Expectation) -> bool:
    """Whether the bot is expected to echo this user's nonce (the isolation check needs it)."""
    if not user.nonce:
        return False
    pattern = _nonce_pattern(user.nonce)
    return any(pattern.search(text) for reply in expectation.replies for text, _ in reply)


def run_load_in_thread(
    api: Any, users: Sequence[User], expectations: dict[int, Expectation], **options: Any
) -> LoadReport:
    """`run_load` for a fake Bot API served by `TrackingBotApi.serve_in_thread()` (its proxy)."""
    server: TrackingBotApi = api.api
    loop = server._loop  # noqa: SLF001 - the loop the server thread runs
    assert loop is not None, "the fake Bot API is not running"
    coroutine = run_load(server, users, expectations, **options)
    return asyncio.run_coroutine_threadsafe(coroutine, loop).result()


def expect_all(oracle: Oracle, users: Iterable[User]) -> dict[int, Expectation]:
    return {u.chat_id: oracle.expect(u) for u in users}


def latency_stats(values: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/mean/max in milliseconds."""
    if not values:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0, "mean": 0.0, "max": 0.0}
    return {
        "p50": 1000 * percentile(values, 50),
        "p95": 1000 * percentile(values, 95),
        "p99": 1000 * percentile(values, 99),
        "mean": 1000 * statistics.fmean(values),
        "max": 1000 * max(values),
    }


# -- an in-process bot on the fake server -------------------------------------------------------
@contextlib.asynccontextmanager
async def polling(application: Any, *, timeout: int = 2) -> AsyncIterator[Any]:
    """Run `application` (built by handlers.app.build_application) like run_polling, in this loop.

    post_init and post_shutdown are called as run_polling does; on exit pending updates are
    finished (Application.stop) before the shutdown.
    """
    from handlers.app import ALLOWED_UPDATES

    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await application.updater.start_polling(
            allowed_updates=list(ALLOWED_UPDATES), timeout=timeout, poll_interval=0.0
        )
        await application.start()
        try:
            yield application
        finally:
            if application.updater.running:
                await application.updater.stop()
            if application.running:
                await application.stop()
            if application.post_shutdown is not None:
                await application.post_shutdown(application)
    finally:
        await application.shutdown()


def stop_process(process: subprocess.Popen[bytes], grace: float = 15.0) -> int:
    """SIGTERM a bot process (it finishes in-flight updates), SIGKILL it after `grace` seconds."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
    return int(process.returncode)
