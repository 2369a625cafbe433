"""The brain: one object that every door (Telegram, console chat, `ask`) talks to.

It knows nothing of Telegram. It turns a text, a button press or a command into channel-neutral
`Reply` objects. A message goes through one pipeline (docs/architecture.md):

    understand (bot/understanding.py) -> decide (bot/answering.py) -> compose (bot/compose.py)

with the conversation state around it: a pending question, a running guided check (bot/flows),
the chat's sticky language. Dialogue acts, commands and button prefixes are dispatched through
registries built in one place (`_register`), so adding one is one line.

Callback data namespaces:
  e:<entry>   open an entry            n:        "none of these"
  m:<item>    menu (families, check, orgs, contacts, menu, ats)
  f:...       eligibility flows (bot.flows)       p:<comune key>  a comune chosen from a list
  fb:<+|->:<entry>  feedback on an answer          l:<it|en>  language
  x:<action>  privacy actions (forget / keep)      a:<action> admin actions
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

from bot.admin import Admin
from bot.flows import FlowEngine
from bot.knowledge import Entry, KnowledgeBase, KnowledgeError, load_knowledge
from bot.language import clear_language, detect_language
from bot.matcher import BaselineMatcher, MatchResult
from bot.normalise import fold
from bot.privacy import redact_identifiers
from bot.reply import Button, Reply
from bot.services import AdminServices, Knowledge
from bot.settings import Settings
from bot.store import Store, StoreError, open_store
from bot.texts import LANGS, Texts
from bot.understanding import Understanding

logger = logging.getLogger(__name__)

MAX_INPUT_CHARS = 4000
PUBLIC_COMMANDS = (
    "start",
    "help",
    "menu",
    "verifica",
    "contatti",
    "aderire",
    "annulla",
    "lingua",
    "privacy",
    "cancellami",
)
ADMIN_COMMANDS = ("stats", "reload", "unanswered", "poster")
# What may take seconds rather than a millisecond: reloading the knowledge base, statistics
# over the logs, deleting a chat's data (a VACUUM of the whole file). A door with an event
# loop runs these in a worker thread and everything else inline (see `may_take_long`).
SLOW_COMMANDS = frozenset((*ADMIN_COMMANDS, "cancellami"))
SLOW_BUTTON_PREFIXES = ("x:", "a:")
# How long a write waits for a database locked by another process before the user gets the
# "try again later" apology (the bot's own writes are serialised and never wait on each other).
STORE_BUSY_TIMEOUT_SECONDS = 1.0
MENU_TOPICS = {
    "families": ("nasko", "cresco", "bonus-famiglia", "aiuti-famiglie", "misure-nazionali"),
    "orgs": ("aderire", "reti", "alleanze", "programmi", "conciliazione"),
}
# A message typed mid-check that is not an answer is taken as a question of its own when it
# has a question mark or at least this many words; shorter ones go back to the check.
MIN_QUESTION_WORDS_MID_CHECK = 4
# Messages mid-check that are answered even though they are not answers to the check.
URGENT_CATEGORIES = frozenset({"emergency", "violence"})
# Commands that, during a guided check, answer and then repeat the pending question.
KEEPS_THE_CHECK = frozenset({"help", "menu", "lingua", "privacy", "contatti", "aderire"})


@dataclass(frozen=True)
class ChatContext:
    """Who is talking, as much as the brain needs: never a name or a username."""

    chat_id: int | str
    user_lang: str | None = None  # the channel's language hint, e.g. Telegram "en-GB"
    is_admin: bool = False


# Lone UTF-16 surrogates (possible in decoded JSON) cannot be encoded: read as U+FFFD.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean(text: str | None) -> str:
    """User input as the brain reads it: at most MAX_INPUT_CHARS, always encodable."""
    return LONE_SURROGATE.sub("\ufffd", (text or "")[:MAX_INPUT_CHARS])


def _lang_hint(code: str | None) -> str | None:
    if not code:
        return None
    code = code.lower()[:2]
    return code if code in LANGS else None


def may_take_long(*, command: str | None = None, button: str | None = None) -> bool:
    """Whether a command or a button press may keep the brain busy for seconds.

    Everything else (questions, flows, menus) takes well under a millisecond of CPU: cheaper
    to run on a door's event loop than to hand to a worker thread (docs/performance.md).
    """
    if command is not None:
        return command.lower().split("@", 1)[0] in SLOW_COMMANDS
    return button is not None and button.startswith(SLOW_BUTTON_PREFIXES)


Handler = Callable[[ChatContext, str, str], list[Reply]]


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
            )
        )
        self.k = self._build(kb)
        self._baseline: BaselineMatcher | None = None
        self._register()

    def _build(self, kb: KnowledgeBase) -> Knowledge:
        flows = FlowEngine(kb.flows, kb.texts, self.store, kb.places) if kb.flows else None
        return Knowledge.build(kb, flows, self.admin.feedback_buttons)

    def _register(self) -> None:
        """The dispatch tables: small-talk acts, commands, button prefixes (order is free)."""
        self._commands: dict[str, Handler] = {
            "start": self._cmd_start,
            "help": self._cmd_help,
            "menu": self._cmd_menu,
            "verifica": self._cmd_verifica,
            "contatti": self._cmd_contatti,
            "aderire": self._cmd_aderire,
            "annulla": self._cmd_annulla,
            "lingua": self._cmd_lingua,
            "privacy": self._cmd_privacy,
            "cancellami": self._cmd_cancellami,
        }
        self._buttons: dict[str, Handler] = {
            "e": self._btn_entry,
            "n": self._btn_none,
            "m": self._btn_menu,
            "f": self._btn_flow,
            "l": self._btn_lang,
            "p": self._btn_place,
            "fb": self._btn_admin,
            "x": self._btn_admin,
            "a": self._btn_admin,
        }
        self._menu_items: dict[str, Handler] = {
            "families": lambda chat, rest, lang: [self._topic_menu("families", lang)],
            "orgs": lambda chat, rest, lang: [self._topic_menu("orgs", lang)],
            "check": lambda chat, rest, lang: [self._flows_menu(lang)],
            "contacts": lambda chat, rest, lang: self._contacts(chat, lang),
            "ats": lambda chat, rest, lang: self._ask_comune(chat, lang),
        }

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
        return cls(kb, store, settings)

    def reload(self) -> list[str]:
        """Re-read knowledge/; on problems keep serving the old one. Returns the problems."""
        with self._reload_lock:
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

    # -- language ---------------------------------------------------------------------------
    def _stored_lang(self, chat: ChatContext) -> str | None:
        try:
            return self.store.get_prefs(chat.chat_id).get("lang")
        except StoreError:
            return None

    def _remembered_lang(self, chat: ChatContext) -> str:
        return self._stored_lang(chat) or _lang_hint(chat.user_lang) or "it"

    def _lang_for_text(self, chat: ChatContext, text: str, in_check: bool) -> str:
        """The chat's language, changed only by clear evidence (a sentence), never mid-check.

        A chat with no language yet takes the message's (a greeting is enough); after that
        only /lingua or a sentence clearly in the other language changes it, never a date,
        an amount, a place name or a word.
        """
        stored = self._stored_lang(chat)
        default = stored or _lang_hint(chat.user_lang) or "it"
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

    # -- public entry points ----------------------------------------------------------------
    def handle_text(self, chat: ChatContext, text: str) -> list[Reply]:
        text = _clean(text)
        in_check = self.flows is not None and bool(self._active_check(chat))
        lang = (
            self._lang_for_text(chat, text, in_check) if fold(text) else self._remembered_lang(chat)
        )
        return self._guard(lang, lambda: self._on_text(chat, text, lang))

    def handle_button(self, chat: ChatContext, data: str) -> list[Reply]:
        lang = self._remembered_lang(chat)
        return self._guard(lang, lambda: self._on_button(chat, _clean(data), lang))

    def handle_command(self, chat: ChatContext, command: str, args: str = "") -> list[Reply]:
        lang = self._remembered_lang(chat)
        command = (command or "").lower().split("@", 1)[0]
        args = _clean(args).strip()
        return self._guard(lang, lambda: self._on_command(chat, command, args, lang))

    def command_menu(self, lang: str) -> list[tuple[str, str]]:
        return [(name, self.texts.get(f"command.{name}", lang)) for name in PUBLIC_COMMANDS]

    def unsupported_media(self, chat: ChatContext) -> Reply:
        lang = self._remembered_lang(chat)
        return Reply(self.texts.get("media.unsupported", lang), status="info", lang=lang)

    def error_reply(self, lang: str) -> Reply:
        return Reply(self.texts.get("error.generic", lang), status="info", lang=lang)

    def _guard(self, lang: str, action: Callable[[], list[Reply]]) -> list[Reply]:
        try:
            return action()
        except StoreError:
            logger.exception("store unavailable")
            return [Reply(self.texts.get("error.store", lang), status="info", lang=lang)]

    # -- stateless question answering (ask, eval) -------------------------------------------
    def understand(self, text: str) -> Understanding:
        return self.k.understander.understand(_clean(text))

    def answer_question(
        self, text: str, lang: str | None = None, matcher: str = "default"
    ) -> Reply:
        """Answer one question with no conversation state (the `ask` contract)."""
        text = _clean(text)
        lang = lang or detect_language(text, "it")
        if matcher == "baseline":
            return self._reply_for_baseline(self.baseline.match(text), lang)
        understood = self.k.understander.understand(text)
        if understood.is_smalltalk:
            return self._smalltalk(understood.act, lang)
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
    def _on_text(self, chat: ChatContext, text: str, lang: str) -> list[Reply]:
        check = self._active_check(chat)
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
        state = self.store.get_state(chat.chat_id) or {}
        pending = state.get("pending")
        if isinstance(pending, dict):
            handled = self._on_pending(chat, pending, text, lang)
            if handled is not None:
                return handled
        if check:
            return self._during_check(chat, text, lang)
        understood = self.k.understander.understand(text)
        if understood.is_smalltalk:
            if understood.act == "help":
                return [self._menu(lang)]
            return [self._smalltalk(understood.act, lang)]
        answer = self.k.answerer.answer(understood, lang)
        if understood.place is not None:
            self._remember_place(chat, understood.place)
        self._record(text, answer.result, answer.reply, lang)
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
            reply = self._smalltalk(understood.act, lang)
        else:
            urgent = understood.out_of_scope in URGENT_CATEGORIES
            # "quasi 2 anni" typed at a yes/no question is a bad answer, not a question.
            asks = "?" in text or len(text.split()) >= MIN_QUESTION_WORDS_MID_CHECK
            if not (urgent or asks):
                return flows.handle_text(chat.chat_id, text, lang)
            reply = self.k.answerer.answer(understood, lang).reply
            if reply.status != "answer" and not urgent:
                return flows.handle_text(chat.chat_id, text, lang)
        return self._then_the_check(chat, [reply], lang)

    def _active_check(self, chat: ChatContext) -> str | None:
        if self.flows is None:
            return None
        try:
            return self.flows.active(chat.chat_id)
        except StoreError:
            return None

    def _on_pending(
        self, chat: ChatContext, pending: dict[str, object], text: str, lang: str
    ) -> list[Reply] | None:
        kind = pending.get("kind")
        if kind == "comune" and self.places is not None:
            self.store.update_state(chat.chat_id, "pending", None)
            match = self.places.resolve(text) or self.places.find(text)
            if match is None:
                return [
                    Reply(
                        self.texts.get("contacts.comune_not_found", lang),
                        status="fallback",
                        lang=lang,
                        buttons=((Button(self.texts.get("contacts.find_ats", lang), "m:ats"),),),
                    )
                ]
            self._remember_place(chat, match)
            return [self.places.describe(match, self.texts, lang)]
        if kind == "feedback":
            self.store.update_state(chat.chat_id, "pending", None)
            return self.admin.feedback_comment(pending, text, lang)
        return None

    def _record(self, text: str, result: MatchResult, reply: Reply, lang: str) -> None:
        """Anonymous usage: topic counters, and the questions we could not answer well."""
        try:
            if reply.status == "answer" and reply.entry:
                entry = self.kb.entry(reply.entry)
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

    # -- building replies ------------------------------------------------------------------
    def _smalltalk(self, act: str, lang: str) -> Reply:
        if act == "help":
            return self._menu(lang)
        return self.k.composer.smalltalk(act, lang)

    def entry_reply(self, entry: Entry, lang: str, score: float = 100.0) -> Reply:
        """An entry's answer with its sources, dates and follow-up buttons."""
        return self.k.composer.entry_reply(entry, lang, score)

    def contacts_text(self, lang: str) -> str:
        office = self.kb.contacts
        if office is None:
            return ""
        from bot.compose import format_date

        line = self.texts.get(
            "contacts.regional", lang, office=office.name.get(lang), email=office.email, phones=""
        )
        return (
            line
            + " "
            + self.texts.get("contacts.as_of", lang, date=format_date(office.as_of, lang))
        )

    def _remember_place(self, chat: ChatContext, place: object) -> None:
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

    # -- menus ---------------------------------------------------------------------------------
    def _menu(self, lang: str) -> Reply:
        return Reply(
            self.texts.get("menu.text", lang),
            status="info",
            lang=lang,
            buttons=self.k.composer.menu_buttons(lang),
        )

    def _topic_menu(self, which: str, lang: str) -> Reply:
        rows = []
        for topic in MENU_TOPICS[which]:
            entry = self.k.topic_first.get(topic)
            if entry is not None:
                rows.append((Button(entry.title.get(lang), f"e:{entry.id}"),))
        rows.append((Button(self.texts.get("menu.back", lang), "m:menu"),))
        key = "menu.families_text" if which == "families" else "menu.organisations_text"
        return Reply(self.texts.get(key, lang), status="info", lang=lang, buttons=tuple(rows))

    def _contacts(self, chat: ChatContext, lang: str) -> list[Reply]:
        replies = [
            Reply(
                self.contacts_text(lang),
                status="info",
                lang=lang,
                title=self.texts.get("contacts.title", lang),
                buttons=((Button(self.texts.get("contacts.find_ats", lang), "m:ats"),),),
            )
        ]
        comune_key = self.store.get_prefs(chat.chat_id).get("comune")
        if comune_key and self.places is not None:
            match = self.places.resolve(comune_key.split("|", 1)[0])
            if match is not None:
                replies.append(self.places.describe(match, self.texts, lang))
        return replies

    def _ask_comune(self, chat: ChatContext, lang: str) -> list[Reply]:
        self.store.update_state(chat.chat_id, "pending", {"kind": "comune"})
        return [Reply(self.texts.get("contacts.ask_comune", lang), status="info", lang=lang)]

    def _flows_menu(self, lang: str) -> Reply:
        if self.flows is None:
            return self.k.composer.fallback(lang)
        reply: Reply = self.flows.menu(lang)
        return reply

    def _then_the_check(self, chat: ChatContext, replies: list[Reply], lang: str) -> list[Reply]:
        """During a guided check, what was asked is answered, then the pending question."""
        if self.flows is not None and self._active_check(chat):
            pending = self.flows.reprompt(chat.chat_id, lang)
            if pending is not None:
                return [*replies, pending]
        return replies

    # -- buttons -------------------------------------------------------------------------------
    def _on_button(self, chat: ChatContext, data: str, lang: str) -> list[Reply]:
        prefix, _, rest = data.partition(":")
        handler = self._buttons.get(prefix)
        if handler is None:  # stale or forged data: never an error, just the menu
            return [self._menu(lang)]
        return handler(chat, data if prefix in ("f", "fb", "x", "a") else rest, lang)

    def _btn_entry(self, chat: ChatContext, rest: str, lang: str) -> list[Reply]:
        entry = self.kb.entry(rest)
        if entry is None:
            return [self._menu(lang)]
        self._count("topic", entry.topic)
        return self._then_the_check(chat, [self.entry_reply(entry, lang)], lang)

    def _btn_none(self, chat: ChatContext, rest: str, lang: str) -> list[Reply]:
        self._count("status", "none_of_these")
        return [self.k.composer.fallback(lang, key="fallback.none_of_these")]

    def _btn_menu(self, chat: ChatContext, rest: str, lang: str) -> list[Reply]:
        handler = self._menu_items.get(rest)
        replies = handler(chat, rest, lang) if handler else [self._menu(lang)]
        return replies if rest == "check" else self._then_the_check(chat, replies, lang)

    def _btn_flow(self, chat: ChatContext, data: str, lang: str) -> list[Reply]:
        if self.flows is None:
            return [self._menu(lang)]
        return self.flows.handle_button(chat.chat_id, data, lang)

    def _btn_lang(self, chat: ChatContext, rest: str, lang: str) -> list[Reply]:
        if rest not in LANGS:
            return [self._menu(lang)]
        self.store.set_pref(chat.chat_id, lang=rest)
        reply = Reply(
            self.texts.get("lang.set", rest),
            status="info",
            lang=rest,
            buttons=self.k.composer.menu_buttons(rest),
        )
        return self._then_the_check(chat, [reply], rest)

    def _btn_place(self, chat: ChatContext, rest: str, lang: str) -> list[Reply]:
        if self.places is None:
            return [self._menu(lang)]
        comune = self.places.comune_by_key(rest)
        if comune is not None:
            match = self.places.resolve(comune.name)
            if match is not None and match.kind == "ambiguous":
                match = type(match)(
                    kind="comune",
                    comuni=(comune,),
                    province=comune.province,
                    matched_text=comune.name,
                    score=100.0,
                )
            if match is not None:
                self._remember_place(chat, match)
                return self._then_the_check(
                    chat, [self.places.describe(match, self.texts, lang)], lang
                )
        return [self._menu(lang)]

    def _btn_admin(self, chat: ChatContext, data: str, lang: str) -> list[Reply]:
        return self.admin.handle_button(chat, data, lang)

    def _count(self, kind: str, key: str) -> None:
        try:
            self.store.count_event(kind, key)
        except StoreError:
            logger.warning("could not record usage")

    # -- commands --------------------------------------------------------------------------
    def _on_command(self, chat: ChatContext, command: str, args: str, lang: str) -> list[Reply]:
        if command in ADMIN_COMMANDS and chat.is_admin:
            return self.admin.command(chat, command, args, lang)
        handler = self._commands.get(command)
        if handler is None:
            replies = [Reply(self.texts.get("command.unknown", lang), status="info", lang=lang)]
            return self._then_the_check(chat, replies, lang)
        replies = handler(chat, args, lang)
        if command in KEEPS_THE_CHECK:
            reply_lang = replies[-1].lang if replies else lang
            return self._then_the_check(chat, replies, reply_lang)
        return replies

    def _cmd_start(self, chat: ChatContext, args: str, lang: str) -> list[Reply]:
        payload = fold(args).replace(" ", "-")
        if payload:
            if self.flows is not None and payload in self.kb.flows:
                return self.flows.start(chat.chat_id, payload, lang)
            entry = self.kb.entry(payload) or self.k.topic_first.get(payload)
            if entry is not None:
                return self._then_the_check(chat, [self.entry_reply(entry, lang)], lang)
        if self._active_check(chat):
            return self.flows.current(chat.chat_id, lang)  # type: ignore[union-attr]
        return [self._smalltalk("greeting", lang)]

    def _cmd_help(self, chat: ChatContext, args: str, lang: str) -> list[Reply]:
        return [
            Reply(
                self.texts.get("help.text", lang),
                status="info",
                lang=lang,
                buttons=self.k.composer.menu_buttons(lang),
            )
        ]

    def _cmd_menu(self, chat: ChatContext, args: str, lang: str) -> list[Reply]:
        return [self._menu(lang)]

    def _cmd_verifica(self, chat: ChatContext, args: str, lang: str) -> list[Reply]:
        flow_id = fold(args).replace(" ", "-")
        if self.flows is not None and flow_id in self.kb.flows:
            return self.flows.start(chat.chat_id, flow_id, lang)
        return [self._flows_menu(lang)]

    def _cmd_contatti(self, chat: ChatContext, args: str, lang: str) -> list[Reply]:
        if args and self.places is not None:
            match = self.places.resolve(args) or self.places.find(args)
            if match is not None:
                self._remember_place(chat, match)
                return [self.places.describe(match, self.texts, lang)]
        return self._contacts(chat, lang)

    def _cmd_aderire(self, chat: ChatContext, args: str, lang: str) -> list[Reply]:
        entry = self.k.topic_first.get("aderire")
        if entry is None:
            return [self._topic_menu("orgs", lang)]
        return [self.entry_reply(entry, lang)]

    def _cmd_annulla(self, chat: ChatContext, args: str, lang: str) -> list[Reply]:
        self.store.update_state(chat.chat_id, "pending", None)
        if self._active_check(chat):
            return [self.flows.cancel(chat.chat_id, lang)]  # type: ignore[union-attr]
        return [
            Reply(
                self.texts.get("flow.none_active", lang),
                status="info",
                lang=lang,
                buttons=self.k.composer.menu_buttons(lang),
            )
        ]

    def _cmd_lingua(self, chat: ChatContext, args: str, lang: str) -> list[Reply]:
        choice = fold(args)[:2]
        if choice in LANGS:
            self.store.set_pref(chat.chat_id, lang=choice)
            return [Reply(self.texts.get("lang.set", choice), status="info", lang=choice)]
        return [
            Reply(
                self.texts.get("lang.choose", lang),
                status="info",
                lang=lang,
                buttons=((Button("🇮🇹 Italiano", "l:it"), Button("🇬🇧 English", "l:en")),),
            )
        ]

    def _cmd_privacy(self, chat: ChatContext, args: str, lang: str) -> list[Reply]:
        return self.admin.privacy(chat, lang)

    def _cmd_cancellami(self, chat: ChatContext, args: str, lang: str) -> list[Reply]:
        return self.admin.ask_forget(chat, lang)
