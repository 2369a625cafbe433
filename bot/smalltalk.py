"""Dialogue acts that are not questions: recognised only when the message is nothing else.

A message made only of the phrases of knowledge/smalltalk.yaml (plus fillers) is small talk:
"ciao!", "grazie mille", "chi sei?", "ciao, cosa sai fare?". When it holds several acts the
one listed first in the priority list wins ("ciao, chi sei?" is a question about the bot).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from bot.normalise import fold

_REPEATS = re.compile(r"(.)\1+")


def _squeeze(words: list[str]) -> list[str]:
    """Runs of one letter read as one, so "ciaooo" and "grazieee" are "ciao" and "grazie"."""
    return [_REPEATS.sub(r"\1", word) for word in words]

MAX_SMALLTALK_WORDS = 12


class SmallTalk:
    def __init__(
        self,
        intents: Mapping[str, Iterable[str]],
        fillers: Iterable[str],
        priority: Iterable[str] = (),
    ) -> None:
        # Longest phrases first, so "grazie mille" is consumed before "grazie".
        self._phrases = sorted(
            (
                (_squeeze(fold(p).split()), intent)
                for intent, phrases in intents.items()
                for p in phrases
            ),
            key=lambda item: -len(item[0]),
        )
        # Indexed by first word: a message is read in one pass.
        self._by_first: dict[str, list[tuple[list[str], str]]] = {}
        for words, intent in self._phrases:
            if words:
                self._by_first.setdefault(words[0], []).append((words, intent))
        self._fillers = frozenset(
            w for filler in fillers for w in _squeeze(fold(filler).split())
        )
        order = list(priority) + [i for i in intents if i not in priority]
        self._rank = {intent: index for index, intent in enumerate(order)}

    def intent(self, text: str) -> str | None:
        """The small-talk act if the whole message is small talk, else None."""
        words = _squeeze(fold(text).split())
        if not words or len(words) > MAX_SMALLTALK_WORDS:
            return None
        found: list[str] = []
        position = 0
        while position < len(words):
            for phrase, intent in self._by_first.get(words[position], ()):
                if words[position : position + len(phrase)] == phrase:
                    found.append(intent)
                    position += len(phrase)
                    break
            else:
                if words[position] not in self._fillers:
                    return None
                position += 1
        if not found:
            return None
        return min(found, key=lambda intent: self._rank.get(intent, len(self._rank)))
