"""The replies that are not answers: the menus, small talk, contacts and place cards."""

from __future__ import annotations

from collections.abc import Callable

from bot.chat import ChatContext
from bot.chat_state import ChatState
from bot.formatting import format_date
from bot.reply import Button, Reply
from bot.services import Knowledge

Keyboard = tuple[tuple[Button, ...], ...]

MENU_TOPICS = {
    "families": ("nasko", "cresco", "bonus-famiglia", "aiuti-famiglie", "misure-nazionali"),
    "orgs": ("aderire", "reti", "alleanze", "programmi", "conciliazione"),
}


class Menus:
    """Builds menus and contact replies from the current knowledge base."""

    def __init__(self, knowledge: Callable[[], Knowledge], state: ChatState) -> None:
        self._knowledge = knowledge  # always the current one: /reload replaces it
        self._state = state

    def _text(self, key: str, lang: str, **values: object) -> str:
        return self._knowledge().texts.get(key, lang, **values)

    def info(
        self, key: str, lang: str, *, with_menu: bool = False, buttons: Keyboard = ()
    ) -> Reply:
        """A short informational reply from one text, with the menu buttons if asked."""
        if with_menu:
            buttons = self._knowledge().composer.menu_buttons(lang)
        return Reply(self._text(key, lang), status="info", lang=lang, buttons=buttons)

    def menu(self, lang: str) -> Reply:
        return self.info("menu.text", lang, with_menu=True)

    def smalltalk(self, act: str, lang: str) -> Reply:
        """The reply to a dialogue act that is not a question; "help" is the menu."""
        if act == "help":
            return self.menu(lang)
        return self._knowledge().composer.smalltalk(act, lang)

    def topic_menu(self, which: str, lang: str) -> Reply:
        """The first entry of each topic of a menu (families, organisations), one a row."""
        knowledge = self._knowledge()
        rows = []
        for topic in MENU_TOPICS[which]:
            entry = knowledge.topic_first.get(topic)
            if entry is not None:
                rows.append((Button(entry.title.get(lang), f"e:{entry.id}"),))
        rows.append((Button(self._text("menu.back", lang), "m:menu"),))
        key = "menu.families_text" if which == "families" else "menu.organisations_text"
        return Reply(self._text(key, lang), status="info", lang=lang, buttons=tuple(rows))

    def flows_menu(self, lang: str) -> Reply:
        knowledge = self._knowledge()
        if knowledge.flows is None:
            return knowledge.composer.fallback(lang)
        reply: Reply = knowledge.flows.menu(lang)
        return reply

    # -- contacts and places ---------------------------------------------------------------
    def contacts_text(self, lang: str) -> str:
        """The regional office's line, with the date its contacts were checked."""
        office = self._knowledge().kb.contacts
        if office is None:
            return ""
        line = self._text(
            "contacts.regional", lang, office=office.name.get(lang), email=office.email, phones=""
        )
        return line + " " + self._text("contacts.as_of", lang, date=format_date(office.as_of, lang))

    def _find_ats_button(self, lang: str) -> Keyboard:
        return ((Button(self._text("contacts.find_ats", lang), "m:ats"),),)

    def contacts(self, chat: ChatContext, lang: str) -> list[Reply]:
        """The regional office, then the ATS of the comune this chat last named."""
        replies = [
            Reply(
                self.contacts_text(lang),
                status="info",
                lang=lang,
                title=self._text("contacts.title", lang),
                buttons=self._find_ats_button(lang),
            )
        ]
        places = self._knowledge().kb.places
        comune = self._state.remembered_comune(chat)
        if comune and places is not None:
            match = places.resolve(comune)
            if match is not None:
                replies.append(places.describe(match, self._knowledge().texts, lang))
        return replies

    def ask_comune(self, chat: ChatContext, lang: str) -> list[Reply]:
        """Asks for a comune; the next message is read as one (see `Brain`'s pending)."""
        self._state.store.update_state(chat.chat_id, "pending", {"kind": "comune"})
        return [self.info("contacts.ask_comune", lang)]

    def place(self, chat: ChatContext, text: str, lang: str) -> Reply | None:
        """The ATS card for a comune or province typed by the user, or None if none matches."""
        places = self._knowledge().kb.places
        if places is None:
            return None
        match = places.resolve(text) or places.find(text)
        if match is None:
            return None
        self._state.remember_place(chat, match)
        reply: Reply = places.describe(match, self._knowledge().texts, lang)
        return reply

    def place_not_found(self, lang: str) -> Reply:
        return Reply(
            self._text("contacts.comune_not_found", lang),
            status="fallback",
            lang=lang,
            buttons=self._find_ats_button(lang),
        )

    def chosen_comune(self, chat: ChatContext, key: str, lang: str) -> Reply | None:
        """The ATS card for a comune picked from a list of homonyms (`p:<key>`)."""
        places = self._knowledge().kb.places
        comune = places.comune_by_key(key) if places is not None else None
        if comune is None:
            return None
        match = places.resolve(comune.name)
        if match is not None and match.kind == "ambiguous":
            match = type(match)(
                kind="comune",
                comuni=(comune,),
                province=comune.province,
                matched_text=comune.name,
                score=100.0,
            )
        if match is None:
            return None
        self._state.remember_place(chat, match)
        reply: Reply = places.describe(match, self._knowledge().texts, lang)
        return reply
