"""Dialogue acts that are not questions: recognised only when the message is nothing else.

A message made only of the phrases of knowledge/smalltalk.yaml (plus fillers) is small talk:
"ciao!", "grazie mille", "chi sei?", "ciao, cosa sai fare?". When it holds several acts the
one listed first in the priority list wins ("ciao, chi sei?" is a question about the bot).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from rapidfuzz import fuzz, process

from bot.normalise import fold

_REPEATS = re.compile(r"(.)\1+")


def _squeeze(words: list[str]) -> list[str]:
    """Runs of one letter read as one, so "ciaooo" and "grazieee" are "ciao" and "grazie"."""
    return [_REPEATS.sub(r"\1", word) for word in words]


MAX_SMALLTALK_WORDS = 12
# A message that is not an answerable question but holds a small-talk phrase, in at most
# this many words, gets the small-talk reply rather than "I don't know" ("ciao come butta").
MAX_PARTIAL_WORDS = 8
# Typos in small-talk words ("grazzie", "buongirno"): words this long, this similar.
TYPO_MIN_LENGTH = 5
# Greetings, thanks and goodbyes carry a short message only: at most this many other words.
COURTESY_ACTS = frozenset({"greeting", "thanks", "bye"})
MAX_COURTESY_REST = 2
# The acts recognised among other words (not "ok", "sì", "wrong", "help").
PARTIAL_ACTS = frozenset(
    {"greeting", "thanks", "bye", "who_are_you", "capabilities", "how_are_you", "human"}
)
TYPO_MIN_SCORE = 84


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
        self._fillers = frozenset(w for filler in fillers for w in _squeeze(fold(filler).split()))
        order = list(priority) + [i for i in intents if i not in priority]
        self._rank = {intent: index for index, intent in enumerate(order)}
        self._vocabulary = sorted(
            {w for words, _ in self._phrases for w in words if len(w) >= TYPO_MIN_LENGTH}
        )
        self._known = self._by_first.keys() | self._fillers  # never read as typos
        self._corrections: dict[str, str] = {}

    def _read(self, text: str, most: int) -> list[str]:
        """The message's words, squeezed, with typos of small-talk words corrected.

        A message of more than `most` words is not small talk: its words are not corrected.
        """
        words = _squeeze(fold(text).split())
        if len(words) > most:
            return words
        for index, word in enumerate(words):
            if len(word) >= TYPO_MIN_LENGTH and word not in self._known:
                words[index] = self._corrected(word)
        return words

    def _corrected(self, word: str) -> str:
        found = self._corrections.get(word)
        if found is None:
            best = process.extractOne(
                word, self._vocabulary, scorer=fuzz.ratio, score_cutoff=TYPO_MIN_SCORE
            )
            found = word if best is None else best[0]
            if len(self._corrections) < 10_000:
                self._corrections[word] = found
        return found

    def _acts_at(self, words: list[str], position: int) -> tuple[str, int] | None:
        for phrase, intent in self._by_first.get(words[position], ()):
            if words[position : position + len(phrase)] == phrase:
                return intent, len(phrase)
        return None

    def _best(self, found: list[str]) -> str | None:
        if not found:
            return None
        return min(found, key=lambda intent: self._rank.get(intent, len(self._rank)))

    def partial(self, text: str) -> str | None:
        """The small-talk act of a short message that holds one among other words."""
        words = self._read(text, MAX_PARTIAL_WORDS)
        if not words or len(words) > MAX_PARTIAL_WORDS:
            return None
        found = []
        covered = 0
        for position in range(len(words)):
            hit = self._acts_at(words, position)
            # "sì", "ok", "wrong" among other words say nothing of what the message is.
            if hit is not None and hit[0] in PARTIAL_ACTS:
                found.append(hit[0])
                covered += hit[1]
        others = sum(w not in self._fillers for w in words) - covered
        # "ciao come butta": a greeting with a word or two; "ue, la partida stasera?" is not.
        if found and all(act in COURTESY_ACTS for act in found) and others > MAX_COURTESY_REST:
            return None
        return self._best(found)

    def intent(self, text: str) -> str | None:
        """The small-talk act if the whole message is small talk, else None."""
        words = self._read(text, MAX_SMALLTALK_WORDS)
        if not words or len(words) > MAX_SMALLTALK_WORDS:
            return None
        found: list[str] = []
        position = 0
        while position < len(words):
            hit = self._acts_at(words, position)
            if hit is not None:
                found.append(hit[0])
                position += hit[1]
            elif words[position] in self._fillers:
                position += 1
            else:
                return None
        return self._best(found)
