"""Greetings, thanks and goodbyes: recognised only when the message is nothing else."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.normalise import fold


class SmallTalk:
    def __init__(self, intents: Mapping[str, Iterable[str]], fillers: Iterable[str]) -> None:
        # Longest phrases first, so "grazie mille" is consumed before "grazie".
        self._phrases = sorted(
            ((fold(p).split(), intent) for intent, phrases in intents.items() for p in phrases),
            key=lambda item: -len(item[0]),
        )
        self._fillers = frozenset(w for filler in fillers for w in fold(filler).split())

    def intent(self, text: str) -> str | None:
        """The smalltalk intent if the whole message is smalltalk, else None."""
        words = fold(text).split()
        if not words or len(words) > 12:
            return None
        found: str | None = None
        position = 0
        while position < len(words):
            for phrase, intent in self._phrases:
                if words[position : position + len(phrase)] == phrase:
                    found = found or intent
                    position += len(phrase)
                    break
            else:
                if words[position] not in self._fillers:
                    return None
                position += 1
        return found
