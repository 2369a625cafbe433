"""One chat's state as the brain keeps it: sticky language, running check, comune, usage.

Every read or write here degrades on a store error (a warning, a default) rather than
failing the reply: remembering is a courtesy, answering is the job.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from bot.chat import ChatContext, lang_hint
from bot.flows.session import SLOT, Session
from bot.language import clear_language, detect_language
from bot.matcher import MatchResult
from bot.privacy import redact_identifiers
from bot.reply import Reply
from bot.services import Knowledge
from bot.store import Store, StoreError

logger = logging.getLogger(__name__)

DEFAULT_LANG = "it"
# The measure a chat last got an answer about, for a follow-up ("quanto mi spetta?"): kept in
# memory only (never written to the store), for this long, for at most this many chats.
FOLLOW_UP_SECONDS = 30 * 60
FOLLOW_UP_CHATS = 10_000
# A chat's state not read yet (bot.brain reads it once per message when it can).
UNREAD = object()


class ChatState:
    """Reads and writes what the brain remembers of a chat, in one store."""

    def __init__(self, store: Store, knowledge: Callable[[], Knowledge]) -> None:
        self.store = store
        self._knowledge = knowledge  # always the current one: /reload replaces it
        self._measures: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self._measures_lock = threading.Lock()

    # -- language ---------------------------------------------------------------------------
    def stored_lang(self, chat: ChatContext) -> str | None:
        try:
            return self.store.get_prefs(chat.chat_id).get("lang")
        except StoreError:
            return None

    def remembered_lang(self, chat: ChatContext) -> str:
        return self.stored_lang(chat) or lang_hint(chat.user_lang) or DEFAULT_LANG

    def lang_for_text(self, chat: ChatContext, text: str, in_check: bool) -> str:
        """The chat's language, changed only by clear evidence (a sentence), never mid-check.

        A chat with no language yet takes the message's (a greeting is enough); after that
        only /lingua or a sentence clearly in the other language changes it, never a date,
        an amount, a place name or a word.
        """
        stored = self.stored_lang(chat)
        default = stored or lang_hint(chat.user_lang) or DEFAULT_LANG
        if in_check:
            return default
        lang = detect_language(text, default) if stored is None else clear_language(text)
        if lang is None or lang == default and stored is not None:
            return default
        if lang != stored:
            try:
                self.store.set_pref(chat.chat_id, lang=lang)
            except StoreError:
                logger.warning("could not remember the language")
        return lang

    # -- the guided check -------------------------------------------------------------------
    def active_check(self, chat: ChatContext, stored: object = UNREAD) -> str | None:
        """The check the chat is in, if any; `stored`: the chat's state, when read already."""
        flows = self._knowledge().flows
        if flows is None:
            return None
        if stored is not UNREAD:
            session = Session.load((stored if isinstance(stored, dict) else {}).get(SLOT))
            return session.flow_id if session else None
        try:
            check: str | None = flows.active(chat.chat_id)
        except StoreError:
            return None
        return check

    def then_the_check(self, chat: ChatContext, replies: list[Reply], lang: str) -> list[Reply]:
        """During a guided check, what was asked is answered, then the pending question."""
        flows = self._knowledge().flows
        if flows is not None and self.active_check(chat):
            pending = flows.reprompt(chat.chat_id, lang)
            if pending is not None:
                return [*replies, pending]
        return replies

    # -- the measure talked about (memory only) ---------------------------------------------
    def note_measure(self, chat: ChatContext, reply: Reply) -> None:
        """Keep, in memory, the measure an answer was about (NASKO, CRESCO, ...), so that a
        follow-up naming none ("e quanto mi spetta?") is read as about it."""
        k = self._knowledge()
        entry = k.kb.entry(reply.entry) if reply.status == "answer" and reply.entry else None
        if entry is None:
            return
        measures = k.understander.lexicon.measures
        measure = next((m for m, rule in measures.items() if entry.topic in rule.topics), None)
        if measure is None:
            return
        key = str(chat.chat_id)
        with self._measures_lock:
            self._measures[key] = (measure, time.monotonic())
            self._measures.move_to_end(key)
            while len(self._measures) > FOLLOW_UP_CHATS:
                self._measures.popitem(last=False)

    def measure_talked_about(self, chat: ChatContext) -> str | None:
        """The measure of the chat's last answer, if given in the last FOLLOW_UP_SECONDS."""
        with self._measures_lock:
            found = self._measures.get(str(chat.chat_id))
        if found is None or time.monotonic() - found[1] > FOLLOW_UP_SECONDS:
            return None
        return found[0]

    def forget_measure(self, chat: ChatContext) -> None:
        with self._measures_lock:
            self._measures.pop(str(chat.chat_id), None)

    # -- the chat's comune ------------------------------------------------------------------
    def remember_place(self, chat: ChatContext, place: object) -> None:
        """A place naming exactly one comune is kept, so /contatti can show its ATS later."""
        comuni: tuple[object, ...] = tuple(getattr(place, "comuni", ()))
        if getattr(place, "kind", "") == "comune" and len(comuni) == 1:
            comune = comuni[0]
            try:
                self.store.set_pref(
                    chat.chat_id,
                    comune=f"{getattr(comune, 'name', '')}|{getattr(comune, 'province', '')}",
                )
            except StoreError:
                logger.warning("could not remember the comune")

    def remembered_comune(self, chat: ChatContext) -> str | None:
        """The name of the comune last named in this chat, if any."""
        key = self.store.get_prefs(chat.chat_id).get("comune")
        return key.split("|", 1)[0] if key else None

    # -- anonymous usage --------------------------------------------------------------------
    def count(self, kind: str, key: str) -> None:
        try:
            self.store.count_event(kind, key)
        except StoreError:
            logger.warning("could not record usage")

    def record(self, text: str, result: MatchResult, reply: Reply, lang: str) -> None:
        """Anonymous usage: topic counters, and the questions we could not answer well."""
        try:
            if reply.status == "answer" and reply.entry:
                entry = self._knowledge().kb.entry(reply.entry)
                self.store.count_event("topic", entry.topic if entry else reply.entry)
            else:
                best = result.best
                self.store.log_question(
                    redact_identifiers(text),
                    result.norm,
                    lang,
                    reply.status,
                    best.entry_id if best else None,
                    result.score,
                )
                self.store.count_event("status", reply.status)
        except StoreError:
            logger.warning("could not record usage")
