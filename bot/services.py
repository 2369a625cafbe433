"""What one knowledge base gives the brain, built once and swapped as one object on /reload."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.answering import Answerer
from bot.cache import prebuilt_matcher, prebuilt_understanding
from bot.compose import Composer
from bot.knowledge import Entry, KnowledgeBase
from bot.matcher import Matcher
from bot.reading import understanding_of
from bot.reply import Button, Reply
from bot.smalltalk import SmallTalk
from bot.texts import Texts
from bot.understanding import Understander


@dataclass(frozen=True)
class Knowledge:
    """The knowledge base and everything derived from it (matcher, flows, understanding)."""

    kb: KnowledgeBase
    matcher: Matcher
    smalltalk: SmallTalk
    understander: Understander
    composer: Composer
    answerer: Answerer
    flows: Any  # bot.flows.FlowEngine, or None without flows
    topic_first: dict[str, Entry]

    @property
    def texts(self) -> Texts:
        return self.kb.texts

    @classmethod
    def build(
        cls,
        kb: KnowledgeBase,
        flows: Any,
        feedback_buttons: Callable[[str], tuple[Button, ...]] | None = None,
    ) -> Knowledge:
        # A knowledge base from the disk cache (bot.cache) comes with its index already built.
        matcher = prebuilt_matcher(kb) or Matcher(kb.entries, kb.synonyms)
        smalltalk, understander = prebuilt_understanding(kb, matcher) or understanding_of(
            kb, matcher
        )
        composer = Composer(kb, flows, feedback_buttons)
        topic_first: dict[str, Entry] = {}
        for entry in kb.entries:
            topic_first.setdefault(entry.topic, entry)
        return cls(
            kb=kb,
            matcher=matcher,
            smalltalk=smalltalk,
            understander=understander,
            composer=composer,
            answerer=Answerer(kb, matcher, composer, understander),
            flows=flows,
            topic_first=topic_first,
        )


@dataclass(frozen=True)
class AdminServices:
    """What the editors' and privacy features use: not the whole brain."""

    store: Any  # bot.store.Store (SQLite or PostgreSQL)
    knowledge: Callable[[], Knowledge]  # always the current one: /reload replaces it
    answer: Callable[[str, str], Reply]  # a stateless answer to a question
    reload: Callable[[], list[str]]
    settings: Any = None  # bot.settings.Settings: the bot's username for posters
    # Forgets what is kept of a chat in memory only (bot.chat_state: the measure talked about).
    forget_in_memory: Callable[[Any], None] | None = None
