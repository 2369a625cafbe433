"""Bad input, fuzzed with hypothesis: the brain always replies, the loader always explains.

The brain gets any text (any Unicode, lone surrogates, control characters, markup, format
strings, huge payloads), any callback data (random, forged in every namespace, real data of
other flows and steps, stale data pressed long after) and any command with any arguments, from
any chat and language. It must never raise, always return at least one reply, and every reply
must become messages Telegram accepts: valid HTML, at most 4096 characters, buttons with 1-64
bytes of callback data.

The knowledge loader gets malformed YAML: every file of knowledge/ in turn, mutated (lines
dropped, duplicated, swapped, re-indented, truncated; junk and YAML tricks inserted; values
replaced) or replaced by random YAML or bytes. It must load (and the bot then work) or raise
KnowledgeError with one line per problem, never anything else.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test

from bot.brain import Brain
from bot.chat import ADMIN_COMMANDS, PUBLIC_COMMANDS, ChatContext
from bot.knowledge import KnowledgeBase, KnowledgeError
from bot.knowledge_loader import default_knowledge_dir, load_knowledge
from bot.reply import Reply
from bot.store import SQLiteStore
from handlers.render import MAX_CALLBACK_DATA_BYTES, MAX_MESSAGE_LENGTH, render, telegram_length
from tests.fakebotapi import parse_telegram_html
from tests.support import real_kb

# Slow: hypothesis-generated input, many examples (deselect with -m 'not slow').
pytestmark = pytest.mark.slow

STATUSES = {"answer", "clarify", "fallback", "smalltalk", "flow", "verdict", "info"}
FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)

# -- inputs -------------------------------------------------------------------------------------
ANY_CHAR = st.characters(exclude_categories=())  # every code point, lone surrogates included
ENCODABLE = st.characters()  # what a UTF-8 file can hold (no lone surrogates)
TRICKY = list("ab <>&\"'\n\t\r/\\:;{}%$#@*!?.,0123456789😀è\u0000\u202e\u200b\ufeff\ud800")
QUESTIONS = [
    "quanto dà il fondo nasko?",
    "sono incinta e non ho soldi",
    "a chi mi rivolgo a Lodi?",
    "how much does cresco pay?",
    "ciao",
    "grazie",
    "/start nasko",
    "9000",
    "sì",
    "no",
    "indietro",
]
TEXTS = st.one_of(
    st.text(ANY_CHAR, max_size=200),
    st.text(st.sampled_from(TRICKY), max_size=300),
    st.builds(lambda q, junk: q + junk, st.sampled_from(QUESTIONS), st.text(ANY_CHAR, max_size=40)),
    st.sampled_from(["{text}", "{0}", "%s %d", "<b>x</b>", "&amp;", "' OR 1=1 --", "\u0000" * 10]),
    # Huge payloads: far more than Telegram's 4096 characters.
    st.builds(
        lambda chunk, times: chunk * times,
        st.text(ANY_CHAR, min_size=1, max_size=5),
        st.integers(1000, 40_000),
    ),
)
LANG_HINTS = st.one_of(
    st.none(),
    st.sampled_from(["it", "en", "en-GB", "IT", "de", "", "zz-ZZ"]),
    st.text(ANY_CHAR, max_size=8),
)
COMMANDS = st.one_of(
    st.sampled_from(PUBLIC_COMMANDS + tuple(c for c in ADMIN_COMMANDS if c != "reload")),
    st.text(ANY_CHAR, max_size=40),
    st.builds(lambda c, bot: f"{c}@{bot}", st.sampled_from(PUBLIC_COMMANDS), st.text(max_size=20)),
)


def callback_data(kb: KnowledgeBase) -> list[str]:
    """Every callback data the knowledge can put on a button (each pressed out of turn here)."""
    data = [f"e:{e.id}" for e in kb.entries] + [f"fb:+:{e.id}" for e in kb.entries[:5]]
    data += [
        "n:",
        "fb:skip",
        "fb:-:nasko",
        "l:it",
        "l:en",
        "l:xx",
        "x:forget",
        "x:keep",
        "a:stats",
        "a:unanswered",
        "a:reload",
        "f:cancel",
        "f:menu",
        "p:Milano|MI",
        "p:Nowhere|XX",
        "p:",
        "f:",
        "m:",
    ]
    data += [f"m:{item}" for item in ("families", "orgs", "check", "contacts", "ats", "menu", "x")]
    for flow_id, flow in kb.flows.items():
        data += [f"f:start:{flow_id}", f"f:ok:{flow_id}"]
        for step in flow.steps:
            values = [o.id for o in step.options] + ["yes", "no", "unknown", "42"]
            data += [f"f:a:{flow_id}:{step.id}:{value}" for value in values]
            data += [
                f"f:back:{flow_id}:{step.id}",
                f"f:edit:{flow_id}:{step.id}",
                f"f:pick:{flow_id}:{step.id}:0",
                f"f:pick:{flow_id}:{step.id}:99",
            ]
    return data


REAL_DATA = callback_data(real_kb())
PREFIXES = [
    "e:",
    "n:",
    "m:",
    "f:",
    "f:a:",
    "f:a:nasko:",
    "f:a:nasko:pregnant:",
    "f:back:nasko:",
    "f:edit:nasko:",
    "f:pick:nasko:comune:",
    "f:ok:",
    "f:start:",
    "p:",
    "fb:+:",
    "fb:-:",
    "fb:",
    "l:",
    "x:",
    "a:",
    ":",
    "::",
    "",
]
DATA = st.one_of(
    st.sampled_from(REAL_DATA),
    st.builds(lambda p, rest: p + rest, st.sampled_from(PREFIXES), st.text(ANY_CHAR, max_size=70)),
    st.builds(lambda d, junk: d + junk, st.sampled_from(REAL_DATA), st.text(ANY_CHAR, max_size=8)),
    st.text(ANY_CHAR, max_size=100),
    st.builds(lambda d, n: d * n, st.sampled_from(REAL_DATA), st.integers(2, 2000)),
)


# -- what every reply must be ---------------------------------------------------------------
def assert_sendable(replies: Any) -> None:
    """At least one reply, each becoming messages Telegram would accept."""
    assert isinstance(replies, list) and replies, "no reply"
    for reply in replies:
        assert isinstance(reply, Reply)
        assert reply.status in STATUSES and reply.lang in ("it", "en")
        messages = render(reply)
        assert messages, f"a reply that renders to nothing: {reply!r}"
        for message in messages:
            assert telegram_length(message.html) <= MAX_MESSAGE_LENGTH
            plain, _ = parse_telegram_html(message.html)  # raises on invalid Telegram HTML
            assert plain.strip(), "Telegram refuses empty messages"
            rows = message.keyboard.inline_keyboard if message.keyboard else ()
            for button in (b for row in rows for b in row):
                assert button.text.strip()
                assert 1 <= len(str(button.callback_data).encode()) <= MAX_CALLBACK_DATA_BYTES


@pytest.fixture(scope="module")
def brain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Brain]:
    brain = Brain(real_kb(), SQLiteStore(tmp_path_factory.mktemp("fuzz-store")))
    yield brain
    brain.close()


# What the door passes: a chat id, or "chat:user" for one person in a group.
CHATS = st.one_of(
    st.integers(1, 5),
    st.integers(-(10**13), 10**13),
    st.builds(lambda c, u: f"{c}:{u}", st.integers(-(10**13), -1), st.integers(1, 10**10)),
)


def context(chat_id: int | str, lang: str | None, admin: bool) -> ChatContext:
    return ChatContext(chat_id=chat_id, user_lang=lang, is_admin=admin)


@FUZZ
@given(chat=CHATS, lang=LANG_HINTS, text=TEXTS)
def test_any_text_gets_a_reply(brain: Brain, chat: int | str, lang: str | None, text: str) -> None:
    assert_sendable(brain.handle_text(context(chat, lang, False), text))


@FUZZ
@given(chat=CHATS, lang=LANG_HINTS, admin=st.booleans(), data=DATA)
def test_any_button_data_gets_a_reply(
    brain: Brain, chat: int | str, lang: str | None, admin: bool, data: str
) -> None:
    assert_sendable(brain.handle_button(context(chat, lang, admin), data))


@FUZZ
@given(chat=CHATS, lang=LANG_HINTS, admin=st.booleans(), command=COMMANDS, args=TEXTS)
def test_any_command_gets_a_reply(
    brain: Brain, chat: int | str, lang: str | None, admin: bool, command: str, args: str
) -> None:
    if command.lower().split("@", 1)[0] == "reload":
        admin = False  # an admin's /reload re-reads knowledge/: tested in test_admin.py
    assert_sendable(brain.handle_command(context(chat, lang, admin), command, args))


class Conversations(RuleBasedStateMachine):
    """Three people talk at once; they press what they were offered, or old and forged buttons."""

    brain: Brain
    numbers = count(1)

    @initialize()
    def open_chats(self) -> None:
        base = 10_000_000 * next(self.numbers)
        self.chats = [base + i for i in range(3)]
        self.offered: dict[int, list[str]] = {}
        self.history: list[str] = []

    def _after(self, chat_id: int, replies: list[Reply]) -> None:
        assert_sendable(replies)
        data = [b.data for reply in replies for b in reply.all_buttons()]
        if data:
            self.offered[chat_id] = data
            self.history.extend(data)

    def _chat(self, index: int, lang: str | None = "it") -> tuple[int, ChatContext]:
        chat_id = self.chats[index % 3]
        return chat_id, ChatContext(chat_id=chat_id, user_lang=lang)

    @rule(index=st.integers(0, 2), text=TEXTS)
    def types(self, index: int, text: str) -> None:
        chat_id, chat = self._chat(index)
        self._after(chat_id, self.brain.handle_text(chat, text))

    @rule(index=st.integers(0, 2), answer=st.sampled_from(QUESTIONS + ["3", "15000", "Milano"]))
    def answers(self, index: int, answer: str) -> None:
        chat_id, chat = self._chat(index)
        self._after(chat_id, self.brain.handle_text(chat, answer))

    @rule(index=st.integers(0, 2), button=st.integers(0, 30))
    def presses_what_was_offered(self, index: int, button: int) -> None:
        chat_id, chat = self._chat(index)
        offered = self.offered.get(chat_id) or ["m:menu"]
        data = offered[button % len(offered)]
        if data == "a:reload":
            return
        self._after(chat_id, self.brain.handle_button(chat, data))

    @rule(index=st.integers(0, 2), old=st.integers(0, 10_000))
    def presses_an_old_button(self, index: int, old: int) -> None:
        chat_id, chat = self._chat(index)
        if self.history:  # from any chat, any time ago: stale or someone else's
            data = self.history[old % len(self.history)]
            self._after(chat_id, self.brain.handle_button(chat, data))

    @rule(index=st.integers(0, 2), data=DATA)
    def presses_a_forged_button(self, index: int, data: str) -> None:
        chat_id, chat = self._chat(index)
        self._after(chat_id, self.brain.handle_button(chat, data))

    @rule(index=st.integers(0, 2), command=COMMANDS, args=st.one_of(st.just(""), TEXTS))
    def commands(self, index: int, command: str, args: str) -> None:
        chat_id, chat = self._chat(index)
        self._after(chat_id, self.brain.handle_command(chat, command, args))

    @rule(
        index=st.integers(0, 2),
        flow=st.sampled_from(
            ["nasko", "cresco", "bonus-famiglia", "aderire", "time-saving", "nope"]
        ),
    )
    def starts_a_check(self, index: int, flow: str) -> None:
        chat_id, chat = self._chat(index)
        self._after(chat_id, self.brain.handle_command(chat, "start", flow))


def test_conversations_mixing_real_stale_and_forged_input(brain: Brain) -> None:
    Conversations.brain = brain
    run_state_machine_as_test(
        Conversations,
        settings=settings(
            max_examples=100,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        ),
    )


# -- the knowledge loader ---------------------------------------------------------------------
JUNK = [
    "",
    ":",
    ": :",
    "- ",
    "-",
    "  ",
    "\t",
    "{",
    "}",
    "[",
    "]",
    "&a",
    "*a",
    "*undefined",
    "!!python/object/apply:os.system ['true']",
    "!!binary x",
    "? ",
    "|",
    ">",
    "%YAML 1.1",
    "---",
    "...",
    "'",
    '"',
    "#",
    "@",
    "`",
    "\u0000",
    "\ufeff",
    "😀",
    "key: [1, 2",
    "a: b: c",
    "<<: *a",
    "!!timestamp x",
    "null",
    "~",
    "0x1F",
    "1e999",
    "2026-13-45",
    "yes",
    "no",
]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(ENCODABLE, max_size=30),
    st.dates(),
)
YAML_VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=25,
)


def knowledge_files() -> list[str]:
    root = default_knowledge_dir()
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.yaml"))


@st.composite
def mutations(draw: st.DrawFn, original: str) -> bytes:
    lines = original.splitlines()
    kind = draw(
        st.sampled_from(
            [
                "drop",
                "duplicate",
                "swap",
                "indent",
                "truncate",
                "insert",
                "value",
                "random_yaml",
                "random_text",
                "bytes",
                "empty",
            ]
        )
    )
    where = draw(st.integers(0, max(len(lines) - 1, 0)))
    if kind == "drop" and lines:
        del lines[where]
    elif kind == "duplicate" and lines:
        lines.insert(where, lines[where])
    elif kind == "swap" and lines:
        other = draw(st.integers(0, len(lines) - 1))
        lines[where], lines[other] = lines[other], lines[where]
    elif kind == "indent" and lines:
        lines[where] = draw(st.sampled_from(["", "  ", "    ", "\t", " "])) + lines[where].lstrip()
    elif kind == "truncate":
        return original[: draw(st.integers(0, len(original)))].encode()
    elif kind == "insert":
        junk = draw(st.sampled_from(JUNK) | st.text(ENCODABLE, max_size=20))
        column = draw(st.integers(0, len(lines[where]) if lines else 0))
        line = lines[where] if lines else ""
        lines[where : where + 1] = [line[:column] + junk + line[column:]]
    elif kind == "value" and lines:
        key, colon, _ = lines[where].partition(":")
        replacement = yaml.safe_dump(draw(YAML_VALUES), default_flow_style=True, width=10_000)
        lines[where] = f"{key}{colon or ':'} {replacement.strip().removesuffix('...').strip()}"
    elif kind == "random_yaml":
        return yaml.safe_dump(draw(YAML_VALUES), allow_unicode=True).encode()
    elif kind == "random_text":
        text = draw(st.text(ENCODABLE, max_size=300))
        return text.encode()
    elif kind == "bytes":
        return draw(st.binary(max_size=300))
    elif kind == "empty":
        return b""
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture(scope="module")
def knowledge_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("fuzz-knowledge") / "knowledge"
    shutil.copytree(default_knowledge_dir(), target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def assert_one_line_per_problem(problems: list[str]) -> None:
    assert problems, "KnowledgeError without a problem"
    for problem in problems:
        assert isinstance(problem, str) and problem.strip()
        assert "\n" not in problem, f"one line per problem: {problem!r}"
        # file: entry: field: what is wrong
        assert problem.count(": ") >= 3 or problem.count(":") >= 3, problem


# The files of knowledge/ in two halves, one test each: 2 x 20 examples, so that two test
# workers share the 40 mutations instead of one of them running all of them last.
FILE_HALVES = (knowledge_files()[0::2], knowledge_files()[1::2])


@settings(
    # Each example loads a knowledge base and builds a brain (~1 s of CPU): 40 in all (was 80)
    # keep the suite within its 3 minutes, about one or two mutations per file per run.
    max_examples=20,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)
@pytest.mark.parametrize("half", [0, 1])
@given(data=st.data())
def test_malformed_knowledge_is_loaded_or_explained(
    knowledge_copy: Path, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject, half: int
) -> None:
    name = data.draw(st.sampled_from(FILE_HALVES[half]), label="file")
    path = knowledge_copy / name
    original = (default_knowledge_dir() / name).read_text(encoding="utf-8")
    path.write_bytes(data.draw(mutations(original), label="mutated"))
    try:
        try:
            kb = load_knowledge(knowledge_copy)
        except KnowledgeError as exc:
            assert_one_line_per_problem(exc.problems)
            return
        # Accepted: then the bot must work on it.
        brain = Brain(kb, SQLiteStore(tmp_path_factory.mktemp("fuzz-kb-store")))
        try:
            assert_sendable(brain.handle_text(ChatContext(1), "quanto dà il fondo nasko?"))
            assert_sendable(brain.handle_command(ChatContext(2), "start", "nasko"))
            assert_sendable(brain.handle_command(ChatContext(3), "verifica", ""))
        finally:
            brain.close()
    finally:
        path.write_text(original, encoding="utf-8")
