"""The brain: one object that every door (Telegram, console chat, `ask`) talks to.

It knows nothing of Telegram. It turns a text, a button press or a command into channel-neutral
`Reply` objects, using the knowledge base, the matcher, the eligibility flows, the place
directory and the state store.

Callback data namespaces (each <= 64 bytes):
  e:<entry>   open an entry            n:        "none of these"
  m:<item>    menu (families, check, orgs, contacts, menu)
  f:...       eligibility flows (bot.flows)       p:<comune key>  a comune chosen from a list
  fb:<+|->:<entry>  feedback on an answer          l:<it|en>  language
  x:<action>  privacy actions (forget / keep)
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.knowledge import Entry, KnowledgeBase, load_knowledge
from bot.language import detect_language
from bot.matcher import BaselineMatcher, Matcher, MatchResult, specificity
from bot.normalise import fold
from bot.privacy import redact_identifiers
from bot.reply import Button, Reply
from bot.settings import Settings
from bot.smalltalk import SmallTalk
from bot.store import Store, StoreError, open_store
from bot.texts import LANGS

logger = logging.getLogger(__name__)

MAX_INPUT_CHARS = 4000
MAX_CALLBACK_BYTES = 64
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
ADMIN_COMMANDS = ("stats", "reload", "unanswered")
# What may take seconds rather than a millisecond: reloading the knowledge base, statistics
# over the logs, deleting a chat's data (a VACUUM of the whole file). A door with an event
# loop runs these in a worker thread and everything else inline (see `may_take_long`).
SLOW_COMMANDS = frozenset((*ADMIN_COMMANDS, "cancellami"))
SLOW_BUTTON_PREFIXES = ("x:", "a:")
# How long a write waits for a database locked by another process before the user gets the
# "try again later" apology (the bot's own writes are serialised and never wait on each other).
STORE_BUSY_TIMEOUT_SECONDS = 1.0
# Topics whose answers depend on where the user lives: a place in the question gets the ATS.
PLACE_TOPICS = frozenset({"ats", "contatti", "aderire", "aiuti-famiglie"})
# The rest of a message naming a place must match a place topic this well to be about the place.
# (the top 3 candidates are looked at, among the topics where an office is the answer).
PLACE_INTENT_SCORE = 45.0
PLACE_INTENT_TOPICS = PLACE_TOPICS | {"reti", "alleanze"}
# A word at least this specific (bot.matcher.specificity) names a topic of its own.
TOPIC_SPECIFICITY = 0.5
MENU_TOPICS = {
    "families": ("nasko", "cresco", "bonus-famiglia", "aiuti-famiglie", "misure-nazionali"),
    "orgs": ("aderire", "reti", "alleanze", "programmi", "conciliazione"),
}


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


def _format_date(value: date, lang: str) -> str:
    return value.strftime("%d/%m/%Y") if lang == "it" else value.isoformat()


def may_take_long(*, command: str | None = None, button: str | None = None) -> bool:
    """Whether a command or a button press may keep the brain busy for seconds.

    Everything else (questions, flows, menus) takes well under a millisecond of CPU: cheaper
    to run on a door's event loop than to hand to a worker thread (docs/performance.md).
    """
    if command is not None:
        return command.lower().split("@", 1)[0] in SLOW_COMMANDS
    return button is not None and button.startswith(SLOW_BUTTON_PREFIXES)


class Brain:
    """Everything the assistant decides. Thread-safe: doors may call it from worker threads."""

    def __init__(self, kb: KnowledgeBase, store: Store, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.store = store
        self._install(kb)
        # Optional features, wired when their modules are present.
        self.admin: Any = None
        try:
            from bot.admin import Admin
        except ImportError:
            Admin = None  # type: ignore[assignment,misc]
        if Admin is not None:
            self.admin = Admin(self)

    def _install(self, kb: KnowledgeBase) -> None:
        """Build everything derived from a knowledge base (also used by /reload)."""
        self.kb = kb
        self.texts = kb.texts
        self.matcher = Matcher(kb.entries, kb.synonyms)
        self._baseline: BaselineMatcher | None = None
        self.smalltalk = SmallTalk(kb.smalltalk, kb.fillers)
        self.places = kb.places
        self.flows: Any = None
        if kb.flows:
            from bot.flows import FlowEngine

            self.flows = FlowEngine(kb.flows, kb.texts, self.store, kb.places)
        self._topic_first: dict[str, Entry] = {}
        for entry in kb.entries:
            self._topic_first.setdefault(entry.topic, entry)

    @classmethod
    def from_settings(cls, settings: Settings) -> Brain:
        kb = load_knowledge(settings.knowledge_dir)
        store = open_store(
            settings.data_dir,
            settings.database_url.get(),
            retention_days=settings.retention_days,
            timeout=STORE_BUSY_TIMEOUT_SECONDS,
        )
        return cls(kb, store, settings)

    def reload(self) -> list[str]:
        """Re-read knowledge/; on problems keep serving the old one. Returns the problems."""
        from bot.knowledge import KnowledgeError

        try:
            kb = load_knowledge(self.kb.directory)
        except KnowledgeError as exc:
            return exc.problems
        self._install(kb)
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
    def _remembered_lang(self, chat: ChatContext) -> str:
        try:
            remembered = self.store.get_prefs(chat.chat_id).get("lang")
        except StoreError:
            remembered = None
        return remembered or _lang_hint(chat.user_lang) or "it"

    def _lang_for_text(self, chat: ChatContext, text: str) -> str:
        default = self._remembered_lang(chat)
        lang = detect_language(text, default)
        if lang != default:
            try:
                self.store.set_pref(chat.chat_id, lang=lang)
            except StoreError:
                logger.warning("could not remember the language")
        return lang

    # -- public entry points ----------------------------------------------------------------
    def handle_text(self, chat: ChatContext, text: str) -> list[Reply]:
        text = _clean(text)
        lang = self._lang_for_text(chat, text) if fold(text) else self._remembered_lang(chat)
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
    def answer_question(
        self, text: str, lang: str | None = None, matcher: str = "default"
    ) -> Reply:
        """Answer one question with no conversation state (the `ask` contract)."""
        text = _clean(text)
        lang = lang or detect_language(text, "it")
        intent = self.smalltalk.intent(text)
        if intent is not None:
            return self._smalltalk_reply(intent, lang)
        if matcher == "baseline":
            return self._reply_for_match(self.baseline.match(text), lang)
        reply, _, _ = self._answer(text, lang)
        return reply

    def _answer(self, text: str, lang: str) -> tuple[Reply, MatchResult, Any]:
        """The reply to a question: matcher outcome, adjusted for a place it names."""
        place = self.places.find(text) if self.places is not None and fold(text) else None
        if place is None:
            result = self.matcher.match(text)
            return self._reply_for_match(result, lang), result, None
        # The place name must not steer the topic ("Bergamo" is in the per-ATS funding table).
        residual = fold(text).replace(fold(place.matched_text), " ")
        result = self.matcher.match(residual)
        return (
            self._with_place(self._reply_for_match(result, lang), place, residual, lang),
            result,
            place,
        )

    # -- text --------------------------------------------------------------------------------
    def _on_text(self, chat: ChatContext, text: str, lang: str) -> list[Reply]:
        if not fold(text):
            return [
                Reply(
                    self.texts.get("fallback.empty", lang),
                    status="fallback",
                    lang=lang,
                    buttons=self._menu_buttons(lang),
                )
            ]
        state = self.store.get_state(chat.chat_id) or {}
        pending = state.get("pending")
        if isinstance(pending, dict):
            handled = self._on_pending(chat, pending, text, lang)
            if handled is not None:
                return handled
        if self.flows is not None and self.flows.active(chat.chat_id):
            return self.flows.handle_text(chat.chat_id, text, lang)
        intent = self.smalltalk.intent(text)
        if intent == "help":
            return [self._menu(lang)]
        if intent is not None:
            return [self._smalltalk_reply(intent, lang)]
        reply, result, place = self._answer(text, lang)
        if place is not None:
            self._remember_place(chat, place)
        self._record(text, result, reply, lang)
        return [reply]

    def _on_pending(
        self, chat: ChatContext, pending: dict[str, Any], text: str, lang: str
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
        if kind == "feedback" and self.admin is not None:
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
    def _smalltalk_reply(self, intent: str, lang: str) -> Reply:
        if intent == "help":
            return self._menu(lang)
        return Reply(
            self.texts.get(f"smalltalk.{intent}", lang),
            status="smalltalk",
            lang=lang,
            buttons=self._menu_buttons(lang) if intent == "greeting" else (),
        )

    def _reply_for_match(self, result: MatchResult, lang: str) -> Reply:
        if result.status == "answer" and result.best is not None:
            entry = self.kb.entry(result.best.entry_id)
            if entry is not None:
                return self.entry_reply(entry, lang, score=result.score)
        if result.status == "clarify":
            return self._clarify(result, lang)
        return self._fallback(lang, score=result.score)

    def entry_reply(self, entry: Entry, lang: str, score: float = 100.0) -> Reply:
        """An entry's answer with its sources, dates and follow-up buttons."""
        footer = [
            self._sources_line(entry, lang),
            self.texts.get("answer.updated", lang, date=_format_date(entry.as_of, lang)),
        ]
        validity = entry.validity
        if validity is not None and validity.status == "closed":
            if validity.to:
                footer.append(
                    self.texts.get("answer.closed", lang, date=_format_date(validity.to, lang))
                )
            else:
                footer.append(self.texts.get("answer.closed_nodate", lang))
        elif validity is not None and validity.status == "unknown":
            footer.append(self.texts.get("answer.unknown_validity", lang, year=entry.as_of.year))
        text = entry.answer.get(lang).strip() + "\n\n" + "\n".join(footer)
        rows: list[tuple[Button, ...]] = []
        if entry.flow and self.flows is not None and entry.flow in self.kb.flows:
            rows.append(
                (Button(self.texts.get("answer.start_flow", lang), f"f:start:{entry.flow}"),)
            )
        for related_id in entry.related:
            related = self.kb.entry(related_id)
            if related is not None:
                rows.append((Button(related.title.get(lang), f"e:{related.id}"),))
        if self.admin is not None:
            rows.append(self.admin.feedback_buttons(entry.id))
        return Reply(
            text,
            status="answer",
            lang=lang,
            entry=entry.id,
            score=score,
            title=entry.title.get(lang),
            buttons=tuple(rows),
        )

    def _sources_line(self, entry: Entry, lang: str) -> str:
        parts = []
        for source in entry.sources[:3]:
            parts.append(f"{source.title} ({source.url})" if source.url else source.title)
        return self.texts.get("answer.sources", lang, sources="; ".join(parts))

    def _clarify(self, result: MatchResult, lang: str) -> Reply:
        options = []
        rows: list[tuple[Button, ...]] = []
        for candidate in result.candidates:
            entry = self.kb.entry(candidate.entry_id)
            if entry is None:
                continue
            options.append((entry.id, entry.title.get(lang)))
            rows.append((Button(entry.title.get(lang), f"e:{entry.id}"),))
        rows.append((Button(self.texts.get("clarify.none", lang), "n:"),))
        lines = [self.texts.get("clarify.text", lang)] + [f"• {title}" for _, title in options]
        return Reply(
            "\n".join(lines),
            status="clarify",
            lang=lang,
            score=result.score,
            entry=None,
            buttons=tuple(rows),
            options=tuple(options),
        )

    def contacts_text(self, lang: str) -> str:
        office = self.kb.contacts
        if office is None:
            return ""
        phones = ", ".join(f"{p.phone} ({p.name})" for p in office.people if p.phone)
        phone_text = self.texts.get("contacts.phones", lang, phones=phones) if phones else ""
        line = self.texts.get(
            "contacts.regional",
            lang,
            office=office.name.get(lang),
            email=office.email,
            phones=phone_text,
        )
        return (
            line
            + " "
            + self.texts.get("contacts.as_of", lang, date=_format_date(office.as_of, lang))
        )

    def _fallback(self, lang: str, score: float = 0.0, key: str = "fallback.text") -> Reply:
        parts = [
            self.texts.get(key, lang),
            self.texts.get("fallback.rephrase", lang),
            self.texts.get("fallback.families", lang),
            self.contacts_text(lang),
        ]
        return Reply(
            "\n\n".join(p for p in parts if p),
            status="fallback",
            lang=lang,
            score=score,
            buttons=self._menu_buttons(lang),
        )

    def _with_place(self, reply: Reply, place: Any, residual: str, lang: str) -> Reply:
        """Add the ATS of a place named in the question, or answer with it outright.

        `reply` answers the question without the place name (`residual`). The place decides the
        answer when the rest is only the place ("sono di Vigevano"), or asks whom to contact
        ("a chi mi rivolgo a Lodi?", knowledge/routing.yaml). A confident answer on another
        topic gets the ATS appended ("nasko a Pavia"). A question about something else that
        merely names a town ("che tempo fa a Milano?") keeps its fallback.
        """
        # Other place names ("Breno, Valcamonica") say nothing more than the place itself.
        words = [w for w in self.matcher.content_words(residual) if self.places.resolve(w) is None]
        unknown = sum(not self.matcher.known(w) for w in words)
        asks_office = not words or (
            any(w in self.kb.place_intent_words for w in words) and 2 * unknown < len(words)
        )
        # "abito a Varese, qual è la mia ATS?" is about the office; "dove chiedo il nasko a
        # Pavia?" is about NASKO (a specific word besides the office words), with the ATS added.
        other_topic = any(
            w not in self.kb.place_intent_words and specificity(w, lang) >= TOPIC_SPECIFICITY
            for w in words
        )
        if asks_office and not other_topic:
            return self.places.describe(place, self.texts, lang)
        topic = self._topic_of(reply.entry) if reply.entry else None
        if reply.status == "answer" and topic not in PLACE_TOPICS:
            described = self.places.describe(place, self.texts, lang)
            note = self.texts.get("answer.place_note", lang, place=place.matched_text)
            return Reply(
                reply.text + "\n\n" + note + "\n" + described.plain_text,
                status=reply.status,
                lang=lang,
                entry=reply.entry,
                score=reply.score,
                title=reply.title,
                buttons=reply.buttons + described.buttons,
                options=reply.options,
            )
        if reply.status == "answer" or asks_office or self._near_place_topic(residual):
            return self.places.describe(place, self.texts, lang)
        return reply

    def _near_place_topic(self, residual: str) -> bool:
        ranked, _ = self.matcher.rank(residual)
        return any(
            c.score >= PLACE_INTENT_SCORE and self._topic_of(c.entry_id) in PLACE_INTENT_TOPICS
            for c in ranked[:3]
        )

    def _topic_of(self, entry_id: str) -> str | None:
        entry = self.kb.entry(entry_id)
        return entry.topic if entry else None

    def _remember_place(self, chat: ChatContext, place: Any) -> None:
        comuni: tuple[Any, ...] = tuple(getattr(place, "comuni", ()))
        if getattr(place, "kind", "") == "comune" and len(comuni) == 1:
            comune = comuni[0]
            try:
                self.store.set_pref(chat.chat_id, comune=f"{comune.name}|{comune.province}")
            except StoreError:
                logger.warning("could not remember the comune")

    # -- menus ---------------------------------------------------------------------------------
    def _menu_buttons(self, lang: str) -> tuple[tuple[Button, ...], ...]:
        t = self.texts.get
        return (
            (
                Button(t("menu.families", lang), "m:families"),
                Button(t("menu.check", lang), "m:check"),
            ),
            (
                Button(t("menu.organisations", lang), "m:orgs"),
                Button(t("menu.contacts", lang), "m:contacts"),
            ),
        )

    def _menu(self, lang: str) -> Reply:
        return Reply(
            self.texts.get("menu.text", lang),
            status="info",
            lang=lang,
            buttons=self._menu_buttons(lang),
        )

    def _topic_menu(self, which: str, lang: str) -> Reply:
        rows = []
        for topic in MENU_TOPICS[which]:
            entry = self._topic_first.get(topic)
            if entry is not None:
                rows.append((Button(entry.title.get(lang), f"e:{entry.id}"),))
        rows.append((Button(self.texts.get("menu.back", lang), "m:menu"),))
        key = "menu.families_text" if which == "families" else "menu.organisations_text"
        return Reply(self.texts.get(key, lang), status="info", lang=lang, buttons=tuple(rows))

    def _contacts(self, chat: ChatContext, lang: str) -> list[Reply]:
        text = self.contacts_text(lang)
        replies = [
            Reply(
                text,
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
            return self._fallback(lang)
        reply: Reply = self.flows.menu(lang)
        return reply

    # -- buttons -------------------------------------------------------------------------------
    def _on_button(self, chat: ChatContext, data: str, lang: str) -> list[Reply]:
        if len(data.encode()) > MAX_CALLBACK_BYTES:
            return [self._menu(lang)]
        prefix, _, rest = data.partition(":")
        if prefix == "e":
            entry = self.kb.entry(rest)
            if entry is None:
                return [self._menu(lang)]
            self._count("topic", entry.topic)
            return [self.entry_reply(entry, lang)]
        if prefix == "n":
            self._count("status", "none_of_these")
            return [self._fallback(lang, key="fallback.none_of_these")]
        if prefix == "m":
            return self._on_menu(chat, rest, lang)
        if prefix == "f" and self.flows is not None:
            return self.flows.handle_button(chat.chat_id, data, lang)
        if prefix == "l" and rest in LANGS:
            self.store.set_pref(chat.chat_id, lang=rest)
            return [
                Reply(
                    self.texts.get("lang.set", rest),
                    status="info",
                    lang=rest,
                    buttons=self._menu_buttons(rest),
                )
            ]
        if prefix == "p" and self.places is not None:
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
                    return [self.places.describe(match, self.texts, lang)]
            return [self._menu(lang)]
        if prefix in ("fb", "x", "a") and self.admin is not None:
            return self.admin.handle_button(chat, data, lang)
        # Stale or forged data: never an error, just the menu.
        return [self._menu(lang)]

    def _on_menu(self, chat: ChatContext, item: str, lang: str) -> list[Reply]:
        if item in MENU_TOPICS:
            return [self._topic_menu(item, lang)]
        if item == "check":
            return [self._flows_menu(lang)]
        if item == "contacts":
            return self._contacts(chat, lang)
        if item == "ats":
            return self._ask_comune(chat, lang)
        return [self._menu(lang)]

    def _count(self, kind: str, key: str) -> None:
        try:
            self.store.count_event(kind, key)
        except StoreError:
            logger.warning("could not record usage")

    # -- commands --------------------------------------------------------------------------
    def _on_command(self, chat: ChatContext, command: str, args: str, lang: str) -> list[Reply]:
        if command in ADMIN_COMMANDS and chat.is_admin and self.admin is not None:
            return self.admin.command(chat, command, args, lang)
        handler = {
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
        }.get(command)
        if handler is None:
            return [Reply(self.texts.get("command.unknown", lang), status="info", lang=lang)]
        return handler(chat, args, lang)

    def _cmd_start(self, chat: ChatContext, args: str, lang: str) -> list[Reply]:
        payload = fold(args).replace(" ", "-")
        if payload:
            if self.flows is not None and payload in self.kb.flows:
                return self.flows.start(chat.chat_id, payload, lang)
            entry = self.kb.entry(payload) or self._topic_first.get(payload)
            if entry is not None:
                return [self.entry_reply(entry, lang)]
        if self.flows is not None and self.flows.active(chat.chat_id):
            return self.flows.current(chat.chat_id, lang)
        return [self._smalltalk_reply("greeting", lang)]

    def _cmd_help(self, chat: ChatContext, args: str, lang: str) -> list[Reply]:
        return [
            Reply(
                self.texts.get("help.text", lang),
                status="info",
                lang=lang,
                buttons=self._menu_buttons(lang),
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
        entry = self._topic_first.get("aderire")
        if entry is None:
            return [self._topic_menu("orgs", lang)]
        return [self.entry_reply(entry, lang)]

    def _cmd_annulla(self, chat: ChatContext, args: str, lang: str) -> list[Reply]:
        self.store.update_state(chat.chat_id, "pending", None)
        if self.flows is not None and self.flows.active(chat.chat_id):
            return [self.flows.cancel(chat.chat_id, lang)]
        return [
            Reply(
                self.texts.get("flow.none_active", lang),
                status="info",
                lang=lang,
                buttons=self._menu_buttons(lang),
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
        if self.admin is not None:
            return self.admin.privacy(chat, lang)
        return [Reply(self.texts.get("help.text", lang), status="info", lang=lang)]

    def _cmd_cancellami(self, chat: ChatContext, args: str, lang: str) -> list[Reply]:
        if self.admin is not None:
            return self.admin.ask_forget(chat, lang)
        self.store.forget_chat(chat.chat_id)
        return [Reply("OK", status="info", lang=lang)]
