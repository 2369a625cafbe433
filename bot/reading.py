"""How the brain reads messages on one knowledge base: its small talk and its understander.

Built here (not in bot.services) so that the knowledge disk cache (bot/cache.py) can build
and keep them too: building them costs ~60 ms at each start.
"""

from __future__ import annotations

from typing import Any

from bot.knowledge import KnowledgeBase
from bot.lexicon import Lexicon
from bot.smalltalk import SmallTalk
from bot.understanding import Understander


def understanding_of(kb: KnowledgeBase, matcher: Any) -> tuple[SmallTalk, Understander]:
    """The small talk and the understander of `kb`, reading typos as `matcher` does."""
    smalltalk = SmallTalk(
        kb.smalltalk,
        kb.fillers,
        kb.smalltalk_priority,
        kb.smalltalk_shorthand,
        kb.smalltalk_meta,
        kb.smalltalk_signals,
    )
    lexicon = kb.understanding or Lexicon(measures={}, roles={}, own_case=(), contact=())
    understander = Understander(
        lexicon, smalltalk, kb.places, correct=matcher.indexes["it"].vocabulary.correct
    )
    return smalltalk, understander
