"""The brain: one object that every door (Telegram, console chat, `ask`) talks to.

It knows nothing of Telegram. It turns a text, a button press or a command into channel-neutral
`Reply` objects. A message goes through one pipeline (docs/architecture.md):

    understand (bot/understanding.py) -> decide (bot/answering.py) -> compose (bot/compose.py)

with the conversation state around it (bot/chat_state.py: a pending question, a running guided
check, the chat's sticky language). Commands and button presses are routed by bot/routing.py;
menus, contacts and place cards are built by bot/menus.py; the editors' and privacy features
live in bot/admin.py.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.admin import Admin
from bot.chat import PUBLIC_COMMANDS, ChatContext, clean_input, command_name
from bot.chat_state import UNREAD, ChatState
from bot.flows import LazyFlowEngine
from bot.knowledge import KnowledgeBase, KnowledgeError
from bot.knowledge_loader import load_knowledge
from bot.language import detect_language
from bot.matcher import BaselineMatcher, MatchResult
from bot.menus import Menus
from bot.normalise import fold
from bot.reply import Reply
from bot.routing import Router
from bot.services import AdminServices, Knowledge
from bot.settings import Settings
from bot.store import Store, StoreError, open_store
from bot.texts import Texts
from bot.understanding import Understanding

if TYPE_CHECKING:
    from bot.flows.engine import FlowEngine

logger = logging.getLogger(__name__)

# How long a write waits for a database locked by another process before the user gets the
# "try again later" apology (the bot's own writes are serialised and never wait on each other).
STORE_BUSY_TIMEOUT_SECONDS = 1.0
# A message typed mid-check that is not an answer is taken as a question of its own when it
# has a question mark or at least this many words; shorter ones go back to the check.
MIN_QUESTION_WORDS_MID_CHECK = 4
# Messages mid-check that are answered even though they are not answers to the check.
URGENT_CATEGORIES = frozenset({"emergency", "emergency_mild", "violence"})


# While a rebuild runs beside the chats, the interpreter hands the lock to another thread
# every 0.5 ms instead of every 5: a chat's message, which gives the lock up at each store
# call, would otherwise wait up to 5 ms to get it back each time (p95 70-160 ms -> see
# docs/performance.md, "Other chats while maintenance runs").
REBUILD_SWITCH_INTERVAL = 0.0005


@contextmanager
def _quick_thread_switches() -> Iterator[None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, REBUILD_SWITCH_INTERVAL))
    try:
        yield
    finally:
        sys.setswitchinterval(before)


class Brain:
    """Everything the assistant decides. Thread-safe: doors may call it from worker threads."""

    def __init__(self, kb: KnowledgeBase, store: Store, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.store = store
        self._reload_lock = threading.Lock()
        self.admin = Admin(
            AdminServices(
                store=store,
                knowledge=lambda: self.k,
                answer=lambda text, lang: self.answer_question(text, lang),
                reload=self.reload,
                settings=self.settings,
                forget_in_memory=lambda chat: self.state.forget_measure(chat),
            )
        )
        self.k = self._build(kb)
        self._baseline: BaselineMatcher | None = None
        self.state = ChatState(store, lambda: self.k)
        self.menus = Menus(lambda: self.k, self.state)
        self.router = Router(lambda: self.k, self.state, self.menus, self.admin)

    def _build(self, kb: KnowledgeBase) -> Knowledge:
        # The engine is made at the first check (`ask` and `eval` never run one).
        flows = LazyFlowEngine(kb.flows, kb.texts, self.store, kb.places) if kb.flows else None
        return Knowledge.build(kb, flows, self.admin.feedback_buttons)

    # -- what one knowledge base gives (swapped as one object by /reload) --------------------
    @property
    def kb(self) -> KnowledgeBase:
        return self.k.kb

    @property
    def texts(self) -> Texts:
        return self.k.kb.texts

    @property
    def matcher(self):  # type: ignore[no-untyped-def]
        return self.k.matcher

    @property
    def flows(self) -> FlowEngine | None:
        # A LazyFlowEngine: the engine's methods, made at first use.
        return self.k.flows  # type: ignore[no-any-return]

    @property
    def places(self):  # type: ignore[no-untyped-def]
        return self.k.kb.places

    @classmethod
    def from_settings(cls, settings: Settings) -> Brain:
        from bot.cache import load_knowledge_cached  # the disk cache: validated, indexed

        kb = load_knowledge_cached(settings.knowledge_dir)
        store = open_store(
            settings.data_dir,
            settings.database_url.get(),
            retention_days=settings.retention_days,
            timeout=STORE_BUSY_TIMEOUT_SECONDS,
        )
        brain = cls(kb, store, settings)
        if brain.k.flows is not None:
            brain.k.flows.engine  # noqa: B018  (a bot that runs checks makes it now, not at a message)
        return brain

    def reload(self) -> list[str]:
        """Re-read knowledge/; on problems keep serving the old one. Returns the problems."""
        with self._reload_lock, _quick_thread_switches():
            try:
                kb = load_knowledge(self.k.kb.directory)
            except KnowledgeError as exc:
                return exc.problems
            fresh = self._build(kb)
            self.k = fresh  # one assignment: a request sees the old or the new, never a mix
            self._baseline = None
        return []

    @property
    def baseline(self) -> BaselineMatcher:
        if self._baseline is None:
            self._baseline = BaselineMatcher(self.kb.entries)
        return self._baseline

    def close(self) -> None:
        self.store.close()

    def purge_expired(self) -> int:
        return self.store.purge_expired()

    # -- public entry points ----------------------------------------------------------------
    def handle_text(self, chat: ChatContext, text: str) -> list[Reply]:
        text = clean_input(text)
        # The chat's state, read once for its running check and for the message (a database
        # read each; nothing the message does before the second use writes it).
        stored = self._stored_state(chat)
        check = self.state.active_check(chat, stored)
        if fold(text):
            words = self.k.understander.without_place(text)
            lang = self.state.lang_for_text(chat, words, bool(check))
        else:
            lang = self.state.remembered_lang(chat)
        return self._guard(lang, lambda: self._on_text(chat, text, lang, check, stored))

    def _stored_state(self, chat: ChatContext) -> dict[str, object] | None | object:
        """The chat's stored state, or UNREAD: no checks (nothing asks before the message
        does) or a store error (the check is taken as none, the message reads it again)."""
        if self.flows is None:
            return UNREAD
        try:
            return self.store.get_state(chat.chat_id)
        except StoreError:
            return UNREAD

    def handle_button(self, chat: ChatContext, data: str) -> list[Reply]:
        lang = self.state.remembered_lang(chat)
        return self._guard(lang, lambda: self.router.on_button(chat, clean_input(data), lang))

    def handle_command(self, chat: ChatContext, command: str, args: str = "") -> list[Reply]:
        lang = self.state.remembered_lang(chat)
        command = command_name(command)
        args = clean_input(args).strip()
        return self._guard(lang, lambda: self.router.on_command(chat, command, args, lang))

    def command_menu(self, lang: str) -> list[tuple[str, str]]:
        return [(name, self.texts.get(f"command.{name}", lang)) for name in PUBLIC_COMMANDS]

    def unsupported_media(self, chat: ChatContext) -> Reply:
        return self.menus.info("media.unsupported", self.state.remembered_lang(chat))

    def error_reply(self, lang: str) -> Reply:
        return self.menus.info("error.generic", lang)

    def _guard(self, lang: str, action: Callable[[], list[Reply]]) -> list[Reply]:
        try:
            return action()
        except StoreError:
            logger.exception("store unavailable")
            return [self.menus.info("error.store", lang)]

    # -- stateless question answering (ask, eval) -------------------------------------------
    def understand(self, text: str) -> Understanding:
        return self.k.understander.understand(clean_input(text))

    def answer_question(
        self, text: str, lang: str | None = None, matcher: str = "default"
    ) -> Reply:
        """Answer one question with no conversation state (the `ask` contract)."""
        text = clean_input(text)
        lang = lang or detect_language(self.k.understander.without_place(text), "it")
        if matcher == "baseline":
            return self._reply_for_baseline(self.baseline.match(text), lang)
        understood = self.k.understander.understand(text)
        if understood.is_smalltalk:
            return self.menus.smalltalk(understood.act, lang)
        return self.k.answerer.answer(understood, lang).reply

    def _reply_for_baseline(self, result: MatchResult, lang: str) -> Reply:
        composer = self.k.composer
        if result.status == "answer" and result.best is not None:
            entry = self.kb.entry(result.best.entry_id)
            if entry is not None:
                return composer.entry_reply(entry, lang, score=result.score)
        if result.status == "clarify":
            entries = [self.kb.entry(c.entry_id) for c in result.candidates]
            found = [e for e in entries if e is not None]
            reply = composer.clarify(found, lang, result.score, "clarify.text")
            if reply is not None:
                return reply
        return composer.fallback(lang, score=result.score)

    # -- text --------------------------------------------------------------------------------
    def _on_text(
        self, chat: ChatContext, text: str, lang: str, check: str | None, stored: object = UNREAD
    ) -> list[Reply]:
        if not fold(text):
            if check:  # an emoji or a sticker-like message mid-check: the check re-asks
                return self.flows.handle_text(chat.chat_id, text, lang)  # type: ignore[union-attr]
            return [
                Reply(
                    self.texts.get("fallback.empty", lang),
                    status="fallback",
                    lang=lang,
                    buttons=self.k.composer.menu_buttons(lang),
                )
            ]
        read = self.store.get_state(chat.chat_id) if stored is UNREAD else stored
        state = read if isinstance(read, dict) else {}
        pending = state.get("pending")
        if isinstance(pending, dict):
            handled = self._on_pending(chat, pending, text, lang)
            if handled is not None:
                return handled
        if check:
            return self._during_check(chat, text, lang)
        understood = self.k.understander.understand(text)
        if understood.is_smalltalk:
            return [self.menus.smalltalk(understood.act, lang)]
        if understood.vague:  # "quanto mi spetta?" right after an answer about NASKO
            understood = replace(understood, measure_before=self.state.measure_talked_about(chat))
        answer = self.k.answerer.answer(understood, lang)
        self.state.note_measure(chat, answer.reply)
        if understood.place is not None:
            self.state.remember_place(chat, understood.place)
        self.state.record(text, answer.result, answer.reply, lang)
        return [answer.reply]

    def _during_check(self, chat: ChatContext, text: str, lang: str) -> list[Reply]:
        """A message typed during a guided check: an answer, or something to answer first.

        An answer attempt goes to the check. Anything else the bot can answer (a question,
        small talk, an emergency) is answered, then the pending question is asked again; the
        rest goes to the check, which explains what it expects.
        """
        flows = self.flows
        assert flows is not None
        if flows.accepts(chat.chat_id, text):
            return flows.handle_text(chat.chat_id, text, lang)
        understood = self.k.understander.understand(text)
        if understood.is_smalltalk and understood.act not in ("ack", "help"):
            reply = self.menus.smalltalk(understood.act, lang)
        else:
            urgent = understood.out_of_scope in URGENT_CATEGORIES
            # "quasi 2 anni" typed at a yes/no question is a bad answer, not a question.
            asks = "?" in text or len(text.split()) >= MIN_QUESTION_WORDS_MID_CHECK
            if not (urgent or asks):
                return flows.handle_text(chat.chat_id, text, lang)
            reply = self.k.answerer.answer(understood, lang).reply
            if reply.status != "answer" and not urgent:
                return flows.handle_text(chat.chat_id, text, lang)
        return self.state.then_the_check(chat, [reply], lang)

    def _on_pending(
        self, chat: ChatContext, pending: dict[str, object], text: str, lang: str
    ) -> list[Reply] | None:
        """The answer to a question the bot asked: a comune, or a comment on a 👎."""
        kind = pending.get("kind")
        if kind == "comune" and self.places is not None:
            self.store.update_state(chat.chat_id, "pending", None)
            reply = self.menus.place(chat, text, lang)
            return [reply if reply is not None else self.menus.place_not_found(lang)]
        if kind == "feedback":
            self.store.update_state(chat.chat_id, "pending", None)
            return self.admin.feedback_comment(pending, text, lang)
        return None
