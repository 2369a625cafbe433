"""Commands and buttons: the registries that route each one to its handler.

Callback data namespaces:
  e:<entry>   open an entry            n:        "none of these"
  m:<item>    menu (families, check, orgs, contacts, menu, ats)
  f:...       eligibility flows (bot.flows)       p:<comune key>  a comune chosen from a list
  fb:<+|->:<entry>  feedback on an answer          l:<it|en>  language
  x:<action>  privacy actions (forget / keep)      a:<action> admin actions

Adding a command, a button prefix or a menu item is one line in `Router._register`.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.admin import Admin
from bot.chat import ADMIN_COMMANDS, ChatContext
from bot.chat_state import ChatState
from bot.menus import Menus
from bot.normalise import fold
from bot.reply import Button, Reply
from bot.services import Knowledge
from bot.texts import LANGS

# Commands that, during a guided check, answer and then repeat the pending question.
KEEPS_THE_CHECK = frozenset({"help", "menu", "lingua", "privacy", "contatti", "aderire"})
# Button prefixes whose handler reads the whole callback data, not just what follows ":".
WHOLE_DATA_PREFIXES = frozenset({"f", "fb", "x", "a"})

Handler = Callable[[ChatContext, str, str], list[Reply]]


class Router:
    """Routes a command or a button press to the handler registered for it."""

    def __init__(
        self,
        knowledge: Callable[[], Knowledge],
        state: ChatState,
        menus: Menus,
        admin: Admin,
    ) -> None:
        self._knowledge = knowledge  # always the current one: /reload replaces it
        self._state = state
        self._menus = menus
        self._admin = admin
        self._register()

    def _register(self) -> None:
        """The dispatch tables: commands, button prefixes, menu items (order is free)."""
        menus = self._menus
        self._commands: dict[str, Handler] = {
            "start": self._cmd_start,
            "help": lambda chat, args, lang: [menus.info("help.text", lang, with_menu=True)],
            "menu": lambda chat, args, lang: [menus.menu(lang)],
            "verifica": self._cmd_verifica,
            "contatti": self._cmd_contatti,
            "aderire": self._cmd_aderire,
            "annulla": self._cmd_annulla,
            "lingua": self._cmd_lingua,
            "privacy": lambda chat, args, lang: self._admin.privacy(chat, lang),
            "cancellami": lambda chat, args, lang: self._admin.ask_forget(chat, lang),
        }
        self._buttons: dict[str, Handler] = {
            "e": self._btn_entry,
            "n": self._btn_none,
            "m": self._btn_menu,
            "f": self._btn_flow,
            "l": self._btn_lang,
            "p": self._btn_place,
            "fb": self._admin.handle_button,
            "x": self._admin.handle_button,
            "a": self._admin.handle_button,
        }
        self._menu_items: dict[str, Handler] = {
            "families": lambda chat, rest, lang: [menus.topic_menu("families", lang)],
            "orgs": lambda chat, rest, lang: [menus.topic_menu("orgs", lang)],
            "check": lambda chat, rest, lang: [menus.flows_menu(lang)],
            "contacts": lambda chat, rest, lang: menus.contacts(chat, lang),
            "ats": lambda chat, rest, lang: menus.ask_comune(chat, lang),
        }

    def _entry_reply(self, chat: ChatContext, entry_id: str, lang: str) -> list[Reply] | None:
        """An entry's answer (by id or topic), then the pending question of a running check."""
        knowledge = self._knowledge()
        entry = knowledge.kb.entry(entry_id) or knowledge.topic_first.get(entry_id)
        if entry is None:
            return None
        reply = knowledge.composer.entry_reply(entry, lang)
        self._state.note_measure(chat, reply)
        return self._state.then_the_check(chat, [reply], lang)

    # -- commands --------------------------------------------------------------------------
    def on_command(self, chat: ChatContext, command: str, args: str, lang: str) -> list[Reply]:
        if command in ADMIN_COMMANDS and chat.is_admin:
            return self._admin.command(chat, command, args, lang)
        handler = self._commands.get(command)
        if handler is None:
            unknown = self._menus.info("command.unknown", lang)
            return self._state.then_the_check(chat, [unknown], lang)
        replies = handler(chat, args, lang)
        if command in KEEPS_THE_CHECK:
            reply_lang = replies[-1].lang if replies else lang
            return self._state.then_the_check(chat, replies, reply_lang)
        return replies

    def _cmd_start(self, chat: ChatContext, args: str, lang: str) -> list[Reply]:
        payload = fold(args).replace(" ", "-")
        flows = self._knowledge().flows
        if payload:
            if flows is not None and payload in self._knowledge().kb.flows:
                return flows.start(chat.chat_id, payload, lang)  # type: ignore[no-any-return]
            replies = self._entry_reply(chat, payload, lang)
            if replies is not None:
                return replies
        if self._state.active_check(chat):
            return flows.current(chat.chat_id, lang)  # type: ignore[no-any-return]
        return [self._menus.smalltalk("greeting", lang)]

    def _cmd_verifica(self, chat: ChatContext, args: str, lang: str) -> list[Reply]:
        flow_id = fold(args).replace(" ", "-")
        flows = self._knowledge().flows
        if flows is not None and flow_id in self._knowledge().kb.flows:
            return flows.start(chat.chat_id, flow_id, lang)  # type: ignore[no-any-return]
        return [self._menus.flows_menu(lang)]

    def _cmd_contatti(self, chat: ChatContext, args: str, lang: str) -> list[Reply]:
        place = self._menus.place(chat, args, lang) if args else None
        return [place] if place is not None else self._menus.contacts(chat, lang)

    def _cmd_aderire(self, chat: ChatContext, args: str, lang: str) -> list[Reply]:
        knowledge = self._knowledge()
        entry = knowledge.topic_first.get("aderire")
        if entry is None:
            return [self._menus.topic_menu("orgs", lang)]
        return [knowledge.composer.entry_reply(entry, lang)]

    def _cmd_annulla(self, chat: ChatContext, args: str, lang: str) -> list[Reply]:
        self._state.store.update_state(chat.chat_id, "pending", None)
        if self._state.active_check(chat):
            return [self._knowledge().flows.cancel(chat.chat_id, lang)]
        return [self._menus.info("flow.none_active", lang, with_menu=True)]

    def _cmd_lingua(self, chat: ChatContext, args: str, lang: str) -> list[Reply]:
        choice = fold(args)[:2]
        if choice in LANGS:
            self._state.store.set_pref(chat.chat_id, lang=choice)
            return [self._menus.info("lang.set", choice)]
        buttons = ((Button("🇮🇹 Italiano", "l:it"), Button("🇬🇧 English", "l:en")),)
        return [self._menus.info("lang.choose", lang, buttons=buttons)]

    # -- buttons -------------------------------------------------------------------------------
    def on_button(self, chat: ChatContext, data: str, lang: str) -> list[Reply]:
        prefix, _, rest = data.partition(":")
        handler = self._buttons.get(prefix)
        if handler is None:  # stale or forged data: never an error, just the menu
            return [self._menus.menu(lang)]
        return handler(chat, data if prefix in WHOLE_DATA_PREFIXES else rest, lang)

    def _btn_entry(self, chat: ChatContext, rest: str, lang: str) -> list[Reply]:
        entry = self._knowledge().kb.entry(rest)
        if entry is None:
            return [self._menus.menu(lang)]
        self._state.count("topic", entry.topic)
        return self._entry_reply(chat, rest, lang) or []

    def _btn_none(self, chat: ChatContext, rest: str, lang: str) -> list[Reply]:
        self._state.count("status", "none_of_these")
        return [self._knowledge().composer.fallback(lang, key="fallback.none_of_these")]

    def _btn_menu(self, chat: ChatContext, rest: str, lang: str) -> list[Reply]:
        handler = self._menu_items.get(rest)
        replies = handler(chat, rest, lang) if handler else [self._menus.menu(lang)]
        return replies if rest == "check" else self._state.then_the_check(chat, replies, lang)

    def _btn_flow(self, chat: ChatContext, data: str, lang: str) -> list[Reply]:
        flows = self._knowledge().flows
        if flows is None:
            return [self._menus.menu(lang)]
        return flows.handle_button(chat.chat_id, data, lang)  # type: ignore[no-any-return]

    def _btn_lang(self, chat: ChatContext, rest: str, lang: str) -> list[Reply]:
        if rest not in LANGS:
            return [self._menus.menu(lang)]
        self._state.store.set_pref(chat.chat_id, lang=rest)
        done = self._menus.info("lang.set", rest, with_menu=True)
        return self._state.then_the_check(chat, [done], rest)

    def _btn_place(self, chat: ChatContext, rest: str, lang: str) -> list[Reply]:
        reply = self._menus.chosen_comune(chat, rest, lang)
        if reply is None:
            return [self._menus.menu(lang)]
        return self._state.then_the_check(chat, [reply], lang)
